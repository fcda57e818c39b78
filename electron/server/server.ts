import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { ConsoleApp } from '../app/console-app';
import type { ListenStatus } from '../events/postgres-bus';
import { closeServer, createHttpFront, listenOn } from '../host/http';
import { serveStatic } from '../host/static';
import { bindWebSocket } from '../host/ws-binding';
import type { Logger } from '../log';
import { storeReadiness } from '../store/readiness';
import { ServerStartError, type ServerConfig } from './config';

export interface ConsoleServer {
  /** https://host:port/ (http:// on 127.0.0.1 without TLS). */
  url: string;
  port: number;
  close(): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(JSON.stringify(body));
}

/**
 * A page may open the contract socket only from this server's own origin; desks and other
 * programs send no Origin. Either way the connection starts signed out: it must sign in or resume.
 */
function sameOrigin(scheme: 'https' | 'http') {
  return (req: IncomingMessage): boolean => req.headers.origin === undefined || req.headers.origin === `${scheme}://${req.headers.host ?? ''}`;
}

/**
 * The center's console server: the contract over WSS at /rpc for desks and browsers, the renderer
 * for browsers (a shift lead's laptop, a wall TV), and health checks for the load balancer:
 * GET /healthz (the process answers) and GET /readyz (the store answers with the current schema,
 * and this server hears the other servers' events).
 */
export async function startConsoleServer(opts: {
  app: ConsoleApp;
  config: Pick<ServerConfig, 'host' | 'port' | 'tls' | 'rendererDir'>;
  /** The event bus's listening connection. */
  eventsStatus: () => ListenStatus;
  log: Logger;
}): Promise<ConsoleServer> {
  const { host, tls, rendererDir } = opts.config;
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new ServerStartError(`找不到已构建的界面（${rendererDir}/index.html）。请先运行 npm run build，或直接用 npm run server。`);
  }
  const scheme = tls ? 'https' : 'http';
  const ws = bindWebSocket({ dispatcher: opts.app.dispatcher, admits: sameOrigin(scheme), log: opts.log });
  const serve = serveStatic(rendererDir);
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url?.split('?')[0];
    if (path === '/healthz') {
      json(res, 200, { status: 'live' });
    } else if (path === '/readyz') {
      void readiness().then(({ ready, checks }) => json(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready', checks }));
    } else {
      serve(req, res);
    }
  };
  const readiness = async () => {
    const store = await storeReadiness(opts.app.store);
    const checks = {
      store: store.reachable ? 'ok' : 'unreachable',
      migrations: store.schema === null ? 'unknown' : store.schema === 'current' ? 'ok' : store.schema,
      events: opts.eventsStatus() === 'listening' ? 'ok' : 'lost',
    };
    return { ready: Object.values(checks).every((c) => c === 'ok'), checks };
  };
  const server = createHttpFront({ handle, upgrade: (req, socket, head) => ws.handleUpgrade(req, socket, head), log: opts.log, label: 'server', tls: tls ?? undefined });
  const port = await listenOn(server, host, opts.config.port,
    () => new ServerStartError(`端口 ${opts.config.port} 已被占用：请关闭占用它的程序，或用 --port 指定其他端口。`));
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `${scheme}://${shown}:${port}/`,
    port,
    close: async () => {
      await ws.close();
      await closeServer(server);
    },
  };
}
