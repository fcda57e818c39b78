import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startConsoleServer, type ConsoleServer } from '../../electron/server/server';
import { silentLogger } from '../../electron/log';
import { loadDemoData } from '../../electron/demo';
import type { RequestRouter } from '../../electron/rpc/dispatcher';
import { createTestApp, type TestApp } from './app';
import { TcpProxy } from './tcp-proxy';

/**
 * A center for desk tests: the console app with demo data (on the store HOTLINE_TEST_STORE names),
 * its console server (npm run server's code) on 127.0.0.1 serving a stub renderer, and a TCP proxy
 * in front of it that the test cuts and restores. `leaf` is a category an appeal may use.
 */
export interface CenterBehindProxy { app: TestApp; host: ConsoleServer; proxy: TcpProxy; leaf: string; close(): Promise<void> }

export async function startCenterBehindProxy(): Promise<CenterBehindProxy> {
  const rendererDir = mkdtempSync(join(tmpdir(), 'hotline-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>console</title>');
  const app = await createTestApp({ loadDemoData, demo: true, demoTickets: 5 });
  const host = await startConsoleServer({ app: app.app, config: { host: '127.0.0.1', port: 0, tls: null, rendererDir }, eventsStatus: () => 'listening', log: silentLogger });
  const proxy = await TcpProxy.start(host.port);
  const leaf = (await app.app.store.db.selectFrom('categories').select('id').where('level', '=', 3).executeTakeFirstOrThrow()).id;
  return {
    app, host, proxy, leaf,
    async close() {
      await proxy.close();
      await host.close();
      await app.dispose();
    },
  };
}

/** A desk's local phone for tests that do not exercise it (its SIP leg has tests of its own). */
export const noLocalPhone: RequestRouter = { attach() {}, detach() {}, dispatch: async () => ({ ok: false, error: { code: 'unknown_request' } }) };
