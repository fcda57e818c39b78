import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { Logger } from '../log';

export interface HttpFrontOptions {
  /** Plain HTTP requests: the renderer's files (and on the console server, health checks). */
  handle: (req: IncomingMessage, res: ServerResponse) => void;
  /** WebSocket upgrades (the contract binding). */
  upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  log: Logger;
  /** Prefix of log lines ('host', 'server'). */
  label: string;
  /** PEM certificate chain and key: HTTPS and WSS instead of plain HTTP. */
  tls?: { cert: Buffer; key: Buffer; ca?: Buffer };
}

/**
 * The HTTP(S) server in front of host mode and the console server. A request or upgrade that
 * throws is answered, logged, and the server lives on: nothing a client sends may end the process.
 */
export function createHttpFront(o: HttpFrontOptions): Server {
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    try {
      o.handle(req, res);
    } catch (e) {
      o.log.error(`${o.label}: request failed`, { error: (e as Error).message });
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    }
  };
  const server: Server = o.tls ? createTlsServer({ cert: o.tls.cert, key: o.tls.key, ca: o.tls.ca }, onRequest) : createServer(onRequest);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    try {
      o.upgrade(req, socket, head);
    } catch (e) {
      o.log.warn(`${o.label}: upgrade failed`, { error: (e as Error).message });
      socket.destroy();
    }
  });
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  // A failed TLS handshake (a client that does not trust the certificate) is the client's problem.
  server.on('tlsClientError', (e: Error) => o.log.warn(`${o.label}: TLS handshake failed`, { error: e.message }));
  return server;
}

/** Listens on host:port; resolves with the port bound (port 0: a free one). */
export async function listenOn(server: Server, host: string, port: number, inUse: () => Error): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE' ? inUse() : e));
    server.listen(port, host, () => resolve());
  });
  const addr = server.address();
  return addr && typeof addr === 'object' ? addr.port : port;
}

/** Stops accepting, then resolves once open HTTP connections are closed. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
