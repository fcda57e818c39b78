import { parseArgs } from 'node:util';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { createConsoleApp } from '../app/console-app';
import { loadDemoData, seedDemoKnowledge } from '../demo';
import { createFileLogger } from '../log';
import { describePostgresUrl, postgresUrlProblem } from '../store/postgres';
import { lockDataDir, secureDataDir } from '../store/data-dir';
import { HostStartError, startHostServer } from './server';
import { runProcess, type RunningProcess } from './process';
import { APP_VERSION } from '../version';
import { CenterConfigError, centerSocketUrls, openDesk } from '../desk/forwarder';
import { readCenterConfig } from '../desk/config';

/**
 * `npm run host`: the main-process services in plain Node, the renderer served to a browser.
 * Used for end-to-end tests and on machines without the Electron runtime.
 */
async function main(): Promise<RunningProcess> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.HOTLINE_PORT ?? '5345' },
      'data-dir': { type: 'string', default: process.env.HOTLINE_DATA_DIR ?? join(homedir(), '.hotline-console') },
      'renderer-dir': { type: 'string', default: resolve('dist/renderer') },
      demo: { type: 'boolean', default: false },
      'demo-tickets': { type: 'string', default: '1000' },
      token: { type: 'string' },
      // A center's PostgreSQL database (postgres://user@host:port/db); without it the SQLite file in the data folder.
      'store-url': { type: 'string', default: process.env.HOTLINE_STORE_URL || undefined },
      // Play a desk of a center: the contract goes to this console server (ws(s)://…, or the address a host prints).
      center: { type: 'string', default: process.env.HOTLINE_CENTER || undefined },
      // PEM file of the CA the center's certificate must chain to (wss).
      'center-ca': { type: 'string', default: process.env.HOTLINE_CENTER_CA || undefined },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new HostStartError(`端口号无效：${values.port}`);
  const dataDir = resolve(values['data-dir']);
  const storeUrl = values['store-url'];
  const urlProblem = storeUrl === undefined ? null : postgresUrlProblem(storeUrl);
  if (urlProblem) throw new HostStartError(urlProblem);
  // --center (or the data folder's center.json) makes this host a desk of that center.
  const center = readCenterConfig(dataDir, { url: values.center, ca: values['center-ca'] && resolve(values['center-ca']) });
  // Everything this process creates is private to the user (store, WAL, logs, exports, key file).
  if (process.platform !== 'win32') process.umask(0o077);
  secureDataDir(dataDir);
  const lock = lockDataDir(dataDir);
  const log = createFileLogger({ dir: join(dataDir, 'logs'), echo: process.env.HOTLINE_LOG_ECHO === '1' });
  const app = await createConsoleApp({
    dataDir, runtime: 'host', version: APP_VERSION, log,
    store: storeUrl ? { kind: 'postgres', url: storeUrl } : { kind: 'sqlite' },
    demo: values.demo, demoTickets: Number(values['demo-tickets']), loadDemoData, seedKnowledge: seedDemoKnowledge,
  });
  const desk = center ? openDesk(app.dispatcher, center, log, dataDir, (session, account) => app.phone.provisionFromCenter(session, account), app.recordings) : undefined;
  const forwarder = desk?.forwarder;
  // This seat's finished calls also go to the center (through the desk's outbox).
  if (forwarder) app.phone.sendCallsTo(forwarder.offline);
  const server = await startHostServer({
    app, rendererDir: resolve(values['renderer-dir']), port, log, token: values.token ?? (process.env.HOTLINE_TOKEN || undefined), router: forwarder,
  });
  log.info('host mode started', { port: server.port });
  const where = (storeUrl ? `\n数据库：PostgreSQL ${describePostgresUrl(storeUrl)}` : '') + (center ? `\n中心：${centerSocketUrls(center.url).map((u) => new URL(u).host).join('、')}` : '');
  process.stdout.write(`12345 热线坐席台（主机模式）已启动\n数据目录：${dataDir}${where}\n在浏览器中打开：${server.url}\n`);
  if (process.send) process.send({ ready: true, url: server.url, port: server.port });
  return { close: [() => server.close(), async () => desk?.close(), () => app.close()], releaseLock: () => lock.release(), log };
}

runProcess(main, HostStartError, CenterConfigError);
