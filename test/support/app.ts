import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConsoleApp, type ConsoleApp, type ConsoleOptions } from '../../electron/app/console-app';
import { silentLogger } from '../../electron/log';
import { seedDemoKnowledge } from '../../electron/demo';

/** Cheap scrypt for tests: the cost parameters are covered by their own test, not by every login. */
export const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };

export interface TestApp { app: ConsoleApp; dir: string; dispose(): Promise<void> }

export async function createTestApp(opts: Partial<ConsoleOptions> = {}): Promise<TestApp> {
  const dir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'hotline-test-'));
  const app = await createConsoleApp({
    dataDir: dir, runtime: 'host', version: 'test', log: silentLogger, seedKnowledge: seedDemoKnowledge, ...opts,
    users: { cost: FAST_SCRYPT, ...opts.users },
    // Tests move their clocks by days between requests; sessions must not idle out under them
    // unless a test asks for real expiry (opts.sessions).
    sessions: opts.sessions ?? { idleMs: 10 * 365 * 86_400_000, maxMs: 10 * 365 * 86_400_000 },
  });
  return {
    app, dir,
    dispose: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
