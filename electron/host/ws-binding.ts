import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Result } from '../../shared/contract';
import type { Connection, Dispatcher } from '../rpc/dispatcher';
import type { Logger } from '../log';
import { uuidv7 } from '../util/ids';

/** Wire format, host mode. Requests carry an id the reply echoes; events carry no id. */
export interface WireRequest { id: number; name: string; input: unknown }

// Room for one workbook import (MAX_XLSX_BASE64) plus the envelope.
const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

/** The id a reply echoes: the request's own, or null when none could be read. */
type WireId = number | string | null;

type Envelope = { id: WireId; name: unknown; input: unknown } | { id: WireId; problem: 'binary_frame' | 'not_json' | 'not_an_object' | 'missing_id' | 'bad_id' };

/** Reads one frame's envelope; never throws, whatever arrives. */
export function readEnvelope(raw: RawData, isBinary: boolean): Envelope {
  if (isBinary) return { id: null, problem: 'binary_frame' };
  let msg: unknown;
  try {
    msg = JSON.parse(Array.isArray(raw) ? Buffer.concat(raw).toString('utf8') : Buffer.from(raw as ArrayBuffer).toString('utf8'));
  } catch {
    return { id: null, problem: 'not_json' };
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return { id: null, problem: 'not_an_object' };
  const m = msg as Record<string, unknown>;
  if (!Object.hasOwn(m, 'id')) return { id: null, problem: 'missing_id' };
  const id = m.id;
  if (typeof id === 'number' && Number.isFinite(id)) return { id, name: m.name, input: m.input };
  // A readable but wrong id is echoed (short strings only) so the sender can match the refusal.
  return { id: typeof id === 'string' && id.length <= 64 ? id : null, problem: 'bad_id' };
}

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
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      return false;
    }
    if (url.pathname !== '/rpc') return false;
    if (!sameToken(url.searchParams.get('token'), opts.token)) return false;
    // The Host must be this console's own address: a DNS-rebound name pointing at 127.0.0.1 is not.
    const hosts = opts.allowedOrigins().map((o) => o.replace(/^https?:\/\//, ''));
    if (!hosts.includes(req.headers.host ?? '')) return false;
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
    const reply = (id: WireId, result: Result<unknown>) => {
      if (ws.readyState !== ws.OPEN) return;
      let frame: string;
      try {
        frame = JSON.stringify({ id, result });
      } catch (e) {
        opts.log.error('host: reply could not be serialised', { error: (e as Error).message });
        frame = JSON.stringify({ id, result: { ok: false, error: { code: 'internal' } } });
      }
      ws.send(frame);
    };
    const handle = async (raw: RawData, isBinary: boolean, seen: (id: WireId) => void) => {
      const envelope = readEnvelope(raw, isBinary);
      seen(envelope.id);
      if ('problem' in envelope) {
        // Never silence: the peer learns why, with its request id when one could be read.
        opts.log.warn('host: refused a malformed message', { reason: envelope.problem });
        reply(envelope.id, { ok: false, error: { code: 'invalid_input', details: { reason: envelope.problem } } });
        return;
      }
      reply(envelope.id, await opts.dispatcher.dispatch(connection, envelope.name, envelope.input));
    };
    ws.on('message', (raw, isBinary) => {
      let failed: WireId = null;
      handle(raw, isBinary, (id) => { failed = id; }).catch((e: unknown) => {
        opts.log.error('host: message handling failed', { error: (e as Error).message });
        reply(failed, { ok: false, error: { code: 'internal' } });
      });
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
