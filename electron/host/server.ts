import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ConsoleApp } from '../app/console-app';
import type { Logger } from '../log';
import type { RequestRouter } from '../rpc/dispatcher';
import { serveStatic } from './static';
import { bindWebSocket, hostAdmission } from './ws-binding';
import { closeServer, createHttpFront, listenOn } from './http';

export class HostStartError extends Error {}

export interface HostServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** Serves the renderer and the contract on 127.0.0.1 only; never on another interface. */
/** `router`: what serves the contract instead of the app's dispatcher (a desk's forwarder to its center). */
export async function startHostServer(opts: { app: ConsoleApp; rendererDir: string; port: number; log: Logger; token?: string; router?: RequestRouter }): Promise<HostServer> {
  if (!existsSync(join(opts.rendererDir, 'index.html'))) {
    throw new HostStartError(`找不到已构建的界面（${opts.rendererDir}/index.html）。请先运行 npm run build，或直接用 npm run host。`);
  }
  // A given token (HOTLINE_TOKEN, --token) must be as hard to guess as a generated one.
  if (opts.token !== undefined && !/^[A-Za-z0-9_-]{24,200}$/.test(opts.token)) {
    throw new HostStartError('会话令牌太短或含有无效字符：至少 24 个字母、数字、“-”或“_”。不指定时每次启动会自动生成。');
  }
  const token = opts.token ?? randomBytes(24).toString('base64url');
  let port = opts.port;
  const origins = () => [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
  const ws = bindWebSocket({ dispatcher: opts.router ?? opts.app.dispatcher, admits: hostAdmission(token, origins), log: opts.log });
  const server = createHttpFront({ handle: serveStatic(opts.rendererDir), upgrade: (req, socket, head) => ws.handleUpgrade(req, socket, head), log: opts.log, label: 'host' });
  port = await listenOn(server, '127.0.0.1', opts.port,
    () => new HostStartError(`端口 ${opts.port} 已被占用（可能已有一个坐席台在运行）。请关闭它，或用 --port 指定其他端口。`));
  const url = `http://127.0.0.1:${port}/#token=${token}`;
  return {
    url, port, token,
    close: async () => {
      await ws.close();
      await closeServer(server);
    },
  };
}
