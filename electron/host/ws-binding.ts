import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Connection, Dispatcher } from '../rpc/dispatcher';
import type { Logger } from '../log';
import { uuidv7 } from '../util/ids';

/** Wire format, host mode. Requests carry an id the reply echoes; events carry no id. */
export interface WireRequest { id: number; name: string; input: unknown }

// Room for one workbook import (MAX_XLSX_BASE64) plus the envelope.
const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

function sameToken(given: string | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Host-mode twin of the Electron IPC binding: the same dispatcher behind a WebSocket on
 * 127.0.0.1. The per-start token keeps other local users' programs out; the Origin check keeps
 * web pages in the user's own browser from talking to the console.
 */
export function bindWebSocket(opts: { dispatcher: Dispatcher; token: string; allowedOrigins: () => string[]; log: Logger }) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  const accepts = (req: IncomingMessage): boolean => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/rpc') return false;
    if (!sameToken(url.searchParams.get('token'), opts.token)) return false;
    const origin = req.headers.origin;
    return origin === undefined || opts.allowedOrigins().includes(origin);
  };

  const onConnection = (ws: WebSocket) => {
    const connection: Connection = {
      id: uuidv7(),
      session: null,
      send: (name, payload) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event: name, payload }));
      },
    };
    opts.dispatcher.attach(connection);
    ws.on('message', async (raw, isBinary) => {
      let msg: Partial<WireRequest>;
      try {
        msg = JSON.parse(isBinary ? '' : raw.toString()) as Partial<WireRequest>;
      } catch {
        opts.log.warn('host: ignored a message that is not JSON');
        return;
      }
      if (typeof msg !== 'object' || msg === null || typeof msg.id !== 'number') {
        opts.log.warn('host: ignored a message without an id');
        return;
      }
      const result = await opts.dispatcher.dispatch(connection, msg.name, msg.input);
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: msg.id, result }));
    });
    ws.on('close', () => opts.dispatcher.detach(connection.id));
    ws.on('error', (e) => opts.log.warn('host: socket error', { error: e.message }));
  };

  return {
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
      if (!accepts(req)) {
        socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
        socket.destroy();
        return;
      }
      wss.handleUpgrade(req, socket, head, onConnection);
    },
    close: () => new Promise<void>((resolve) => {
      for (const c of wss.clients) c.terminate();
      wss.close(() => resolve());
    }),
  };
}
