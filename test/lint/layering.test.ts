import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { compositionRoots } from '../../eslint.config.js';

const eslint = new ESLint({ cwd: process.cwd() });

async function restricted(code: string, filePath: string, rule = 'no-restricted-imports'): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === rule).map((m) => m.message);
}
const storeOnly = (code: string, filePath: string) => restricted(code, filePath, '@typescript-eslint/no-restricted-imports');

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

  it('keeps services from importing their callers: handlers (app/) and the host', async () => {
    const handlers = `import { ticketHandlers } from '../app/handlers/tickets';\nexport const y = ticketHandlers;\n`;
    const host = `import { startHost } from '../host/server';\nexport const y = startHost;\n`;
    for (const file of ['electron/services/x.ts', 'electron/phone/x.ts', 'electron/jobs/x.ts', 'electron/events/x.ts']) {
      expect(await restricted(handlers, file)).toHaveLength(1);
      expect(await restricted(host, file)).toHaveLength(1);
    }
    expect(await restricted(`import { ticketHandlers } from '../../app/handlers/tickets';\nexport const y = ticketHandlers;\n`, 'electron/services/deep/x.ts')).toHaveLength(1);
    expect(await restricted(`import { writeAudit } from './audit';\nexport const y = writeAudit;\n`, 'electron/services/x.ts')).toHaveLength(0);
    expect(await restricted(handlers, 'electron/app/x.ts')).toHaveLength(0);
  });

  it('lets only composition roots, demo/ itself and tests import the demo data', async () => {
    const demo = (from: string) => `import { loadDemoData } from '${from}';\nexport const y = loadDemoData;\n`;
    expect(await restricted(demo('../demo'), 'electron/services/x.ts')).toHaveLength(1);
    expect(await restricted(demo('../demo/load'), 'electron/search/x.ts')).toHaveLength(1);
    expect(await restricted(demo('../../demo'), 'electron/app/handlers/x.ts')).toHaveLength(1);
    expect(await restricted(demo('./demo'), 'electron/x.ts')).toHaveLength(1);
    expect(await restricted(demo('./demo'), 'electron/preload.ts')).toHaveLength(1);
    expect(compositionRoots).toEqual(['electron/app/console-app.ts', 'electron/main.ts', 'electron/host/main.ts']);
    expect(await restricted(demo('../demo/consultation'), 'electron/app/console-app.ts')).toHaveLength(0);
    expect(await restricted(demo('./demo'), 'electron/main.ts')).toHaveLength(0);
    expect(await restricted(demo('../demo'), 'electron/host/main.ts')).toHaveLength(0);
    expect(await restricted(demo('./load'), 'electron/demo/x.ts')).toHaveLength(0);
    expect(await restricted(demo('../demo'), 'electron/search/x.test.ts')).toHaveLength(0);
    // A name that only starts with "demo" is not the demo data.
    expect(await restricted(`import { demoAccounts } from './demo-accounts';\nexport const y = demoAccounts;\n`, 'electron/app/x.ts')).toHaveLength(0);
  });

  it('lets only electron/store/ build SQL (kysely values) or open SQLite', async () => {
    const sqlValue = `import { sql } from 'kysely';\nexport const y = sql;\n`;
    const sqlite = `import Database from 'better-sqlite3';\nexport const y = Database;\n`;
    expect(await storeOnly(sqlValue, 'electron/services/x.ts')).toHaveLength(1);
    expect(await storeOnly(sqlite, 'electron/search/x.ts')).toHaveLength(1);
    expect(await storeOnly(`import type Database from 'better-sqlite3';\nexport type Y = Database.Database;\n`, 'electron/app/x.ts')).toHaveLength(1);
    expect(await storeOnly(`import type { Kysely } from 'kysely';\nexport type Y = Kysely<object>;\n`, 'electron/services/x.ts')).toHaveLength(0);
    expect(await storeOnly(sqlValue, 'electron/store/repos/x.ts')).toHaveLength(0);
    expect(await storeOnly(sqlite, 'electron/store/sqlite.ts')).toHaveLength(0);
  });

  it('has no exceptions left: the search and demo adapters live in electron/store/ and pass the rule', async () => {
    const sqlValue = `import { sql } from 'kysely';\nexport const y = sql;\n`;
    const sqlite = `import Database from 'better-sqlite3';\nexport const y = Database;\n`;
    // The files that once were exempt (and their old places) now answer to the rule.
    for (const file of ['electron/demo/load.ts', 'electron/search/indexer.ts', 'electron/search/pg-search.ts',
      'electron/search/search-engine.ts', 'electron/search/search-service.ts', 'electron/search/worker.ts']) {
      expect(await storeOnly(sqlValue, file), file).toHaveLength(1);
      expect(await storeOnly(sqlite, file), file).toHaveLength(1);
    }
    expect(await storeOnly(sqlValue, 'electron/store/search/pg-search.ts')).toHaveLength(0);
    expect(await storeOnly(sqlite, 'electron/store/search/worker.ts')).toHaveLength(0);
    expect(await storeOnly(sqlValue, 'electron/store/demo-writer.ts')).toHaveLength(0);
    // What stayed in electron/search/ and electron/demo/ imports neither.
    for (const dir of ['electron/search', 'electron/demo']) {
      for (const name of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
        const file = join(dir, name);
        expect(await storeOnly(readFileSync(file, 'utf8'), file), file).toEqual([]);
      }
    }
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
