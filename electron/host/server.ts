import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ConsoleApp } from '../app/console-app';
import type { Logger } from '../log';
import { serveStatic } from './static';
import { bindWebSocket } from './ws-binding';

export class HostStartError extends Error {}

export interface HostServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** Serves the renderer and the contract on 127.0.0.1 only; never on another interface. */
export async function startHostServer(opts: { app: ConsoleApp; rendererDir: string; port: number; log: Logger; token?: string }): Promise<HostServer> {
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
  const ws = bindWebSocket({ dispatcher: opts.app.dispatcher, token, allowedOrigins: origins, log: opts.log });
  const serve = serveStatic(opts.rendererDir);
  // Last line of defence: a request that still throws is answered, logged, and the server lives on.
  const server: Server = createServer((req, res) => {
    try {
      serve(req, res);
    } catch (e) {
      opts.log.error('host: request failed', { error: (e as Error).message });
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    }
  });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    try {
      ws.handleUpgrade(req, socket, head);
    } catch (e) {
      opts.log.warn('host: upgrade failed', { error: (e as Error).message });
      socket.destroy();
    }
  });
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'EADDRINUSE'
        ? new HostStartError(`端口 ${opts.port} 已被占用（可能已有一个坐席台在运行）。请关闭它，或用 --port 指定其他端口。`)
        : e);
    });
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  if (addr && typeof addr === 'object') port = addr.port;
  const url = `http://127.0.0.1:${port}/#token=${token}`;
  return {
    url, port, token,
    close: async () => {
      await ws.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
