import { createConsoleApp } from '../app/console-app';
import type { ListenStatus } from '../events/postgres-bus';
import { createStreamLogger } from '../log';
import { fileSecretBox } from '../phone/secret-box';
import { LoginLimiter } from '../services/login-limits';
import { lockDataDir, secureDataDir } from '../store/data-dir';
import { describePostgresUrl } from '../store/postgres';
import { APP_VERSION } from '../version';
import { readServerConfig, ServerStartError } from './config';
import { startConsoleServer } from './server';
import { runProcess, type RunningProcess } from '../host/process';

/**
 * `npm run server`: the console's services over the center's PostgreSQL, for many desks and
 * browsers. Logs are JSON lines on stdout (scrubbed of personal data; never a session token).
 */
async function main(): Promise<RunningProcess> {
  const config = readServerConfig(process.argv.slice(2));
  if (process.platform !== 'win32') process.umask(0o077);
  secureDataDir(config.dataDir);
  const lock = lockDataDir(config.dataDir);
  const log = createStreamLogger();
  let events: ListenStatus = 'lost';
  // The app opens (and migrates) the store before its PostgreSQL bus starts; /readyz hears the bus.
  const onEventsStatus = (s: ListenStatus) => {
    events = s;
    log.info('event bus', { status: s });
  };
  const app = await createConsoleApp({
    dataDir: config.dataDir, runtime: 'host', version: APP_VERSION, log,
    store: { kind: 'postgres', url: config.storeUrl, options: config.storeOptions },
    onEventsStatus, secrets: fileSecretBox(config.secretKeyFile), loginLimiter: new LoginLimiter(config.loginLimits), recordingsDir: config.recordingsDir,
  }).catch((e: unknown) => {
    lock.release();
    throw e;
  });
  const server = await startConsoleServer({ app, config, eventsStatus: () => events, log }).catch(async (e: unknown) => {
    await app.close();
    lock.release();
    throw e;
  });
  log.info('console server started', { port: server.port, tls: config.tls !== null, store: describePostgresUrl(config.storeUrl), recordingsDir: config.recordingsDir });
  if (process.send) process.send({ ready: true, url: server.url, port: server.port });
  return { close: [() => server.close(), () => app.close()], releaseLock: () => lock.release(), log };
}

runProcess(main, ServerStartError);
