import { parseArgs } from 'node:util';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { createConsoleApp } from '../app/console-app';
import { loadDemoData, seedDemoKnowledge } from '../demo';
import { createFileLogger } from '../log';
import { storeFailureMessage } from '../store/errors';
import { lockDataDir, secureDataDir } from '../store/data-dir';
import { HostStartError, startHostServer } from './server';
import { APP_VERSION } from '../version';

/**
 * `npm run host`: the main-process services in plain Node, the renderer served to a browser.
 * Used for end-to-end tests and on machines without the Electron runtime.
 */
/** A stop asked for before start-up finished runs as soon as there is something to close. */
let stopHost: (() => Promise<void>) | null = null;
let stopRequested = false;
const onSignal = () => {
  stopRequested = true;
  void stopHost?.();
};
// Installed first: a signal during start-up must not kill the process with the folder still locked.
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.HOTLINE_PORT ?? '5345' },
      'data-dir': { type: 'string', default: process.env.HOTLINE_DATA_DIR ?? join(homedir(), '.hotline-console') },
      'renderer-dir': { type: 'string', default: resolve('dist/renderer') },
      demo: { type: 'boolean', default: false },
      'demo-tickets': { type: 'string', default: '1000' },
      token: { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new HostStartError(`端口号无效：${values.port}`);
  const dataDir = resolve(values['data-dir']);
  // Everything this process creates is private to the user (store, WAL, logs, exports, key file).
  if (process.platform !== 'win32') process.umask(0o077);
  secureDataDir(dataDir);
  const lock = lockDataDir(dataDir);
  const log = createFileLogger({ dir: join(dataDir, 'logs'), echo: process.env.HOTLINE_LOG_ECHO === '1' });
  const app = await createConsoleApp({
    dataDir, runtime: 'host', version: APP_VERSION, log,
    demo: values.demo, demoTickets: Number(values['demo-tickets']), loadDemoData, seedKnowledge: seedDemoKnowledge,
  });
  const server = await startHostServer({ app, rendererDir: resolve(values['renderer-dir']), port, log, token: values.token ?? (process.env.HOTLINE_TOKEN || undefined) });
  log.info('host mode started', { port: server.port });
  process.stdout.write(`12345 热线坐席台（主机模式）已启动\n数据目录：${dataDir}\n在浏览器中打开：${server.url}\n`);
  if (process.send) process.send({ ready: true, url: server.url, port: server.port });
  let closing = false;
  const stop = async () => {
    if (closing) return;
    closing = true;
    let code = 0;
    try {
      await server.close();
      await app.close();
    } catch (e) {
      // Whatever failed while closing, the folder is freed: the next start must not find a live lock.
      log.error('host stop failed', { error: (e as Error).stack ?? String(e) });
      code = 1;
    } finally {
      lock.release();
    }
    process.exit(code);
  };
  stopHost = stop;
  if (stopRequested) await stop();
}

main().catch((e: unknown) => {
  const known = e instanceof HostStartError ? e.message : storeFailureMessage(e);
  process.stderr.write(`${known ?? `启动失败：${(e as Error).stack ?? String(e)}`}\n`);
  process.exit(1);
});
