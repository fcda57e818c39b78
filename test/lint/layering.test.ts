import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: process.cwd() });

async function restricted(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import-direction lint rule', () => {
  it('stops shared/ from importing the app, Node or UI libraries', async () => {
    expect(await restricted(`import { x } from '../../electron/store/sqlite';\nexport const y = x;\n`, 'shared/domain/x.ts')).toHaveLength(1);
    expect(await restricted(`import { x } from '../../renderer/src/App';\nexport const y = x;\n`, 'shared/domain/x.ts')).toHaveLength(1);
    expect(await restricted(`import { readFileSync } from 'node:fs';\nexport const y = readFileSync;\n`, 'shared/domain/x.ts')).toHaveLength(1);
    expect(await restricted(`import React from 'react';\nexport const y = React;\n`, 'shared/contract/x.ts')).toHaveLength(1);
    expect(await restricted(`import { z } from 'zod';\nexport const y = z;\n`, 'shared/contract/x.ts')).toHaveLength(0);
  });

  it('keeps electron/ and renderer/ apart', async () => {
    expect(await restricted(`import { App } from '../renderer/src/App';\nexport const y = App;\n`, 'electron/x.ts')).toHaveLength(1);
    expect(await restricted(`import { x } from '../../../electron/store/sqlite';\nexport const y = x;\n`, 'renderer/src/x/y.ts')).toHaveLength(1);
    expect(await restricted(`import { readFileSync } from 'fs';\nexport const y = readFileSync;\n`, 'renderer/src/x.ts')).toHaveLength(1);
    expect(await restricted(`import { requests } from '../../shared/contract';\nexport const y = requests;\n`, 'renderer/src/x.ts')).toHaveLength(0);
    expect(await restricted(`import { requests } from '../shared/contract';\nexport const y = requests;\n`, 'electron/x.ts')).toHaveLength(0);
  });

  it('keeps the router out of services: they publish on the event bus', async () => {
    const router = `import type { Dispatcher } from '../rpc/dispatcher';\nexport type Y = Dispatcher;\n`;
    expect(await restricted(router, 'electron/services/x.ts')).toHaveLength(1);
    expect(await restricted(router, 'electron/phone/x.ts')).toHaveLength(1);
    expect(await restricted(router, 'electron/jobs/x.ts')).toHaveLength(1);
    expect(await restricted(`import { App } from '../../renderer/src/App';\nexport const y = App;\n`, 'electron/services/x.ts')).toHaveLength(1);
    expect(await restricted(`import type { EventPublisher } from '../events/bus';\nexport type Y = EventPublisher;\n`, 'electron/services/x.ts')).toHaveLength(0);
    expect(await restricted(router, 'electron/app/x.ts')).toHaveLength(0);
  });

  it('allows raw IPC only in the two binding files', async () => {
    const ipcMain = `import { ipcMain } from 'electron';\nexport const y = ipcMain;\n`;
    const ipcRenderer = `import { ipcRenderer, contextBridge } from 'electron';\nexport const y = [ipcRenderer, contextBridge];\n`;
    expect(await restricted(ipcMain, 'electron/services/x.ts')).toHaveLength(1);
    expect(await restricted(ipcMain, 'electron/main.ts')).toHaveLength(1);
    expect(await restricted(ipcRenderer, 'electron/preload-api.ts')).toHaveLength(2);
    expect(await restricted(ipcRenderer, 'renderer/src/x.ts')).toHaveLength(1);
    expect(await restricted(ipcMain, 'electron/rpc/electron-binding.ts')).toHaveLength(0);
    expect(await restricted(ipcRenderer, 'electron/preload.ts')).toHaveLength(0);
  });
});
