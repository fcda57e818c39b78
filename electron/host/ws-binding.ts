import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  CLOSE_CONTRACT_MISMATCH, contractMismatch, contractVersion, hello, helloFrame, requestFrame, type ContractError, type Result, type WireId,
} from '../../shared/contract';
import type { Connection, RequestRouter } from '../rpc/dispatcher';
import type { Logger } from '../log';
import { uuidv7 } from '../util/ids';

// Room for one workbook import (MAX_XLSX_BASE64) plus the envelope.
const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

type Envelope =
  | { id: WireId; name: unknown; input: unknown }
  | { id: null; hello: string }
  | { id: WireId; problem: 'binary_frame' | 'not_json' | 'not_an_object' | 'missing_id' | 'bad_id' };

/** Reads one frame (shared/contract/wire.ts) as a server; never throws, whatever arrives. */
export function readEnvelope(raw: RawData, isBinary: boolean): Envelope {
  if (isBinary) return { id: null, problem: 'binary_frame' };
  let msg: unknown;
  try {
    msg = JSON.parse(Array.isArray(raw) ? Buffer.concat(raw).toString('utf8') : Buffer.from(raw as ArrayBuffer).toString('utf8'));
  } catch {
    return { id: null, problem: 'not_json' };
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return { id: null, problem: 'not_an_object' };
  const hi = helloFrame.safeParse(msg);
  if (hi.success) return { id: null, hello: hi.data.hello.contract };
  if (!Object.hasOwn(msg, 'id')) return { id: null, problem: 'missing_id' };
  const req = requestFrame.safeParse(msg);
  if (req.success) return { id: req.data.id, name: req.data.name, input: req.data.input };
  // A readable but wrong id is echoed (short strings only) so the sender can match the refusal.
  const id = (msg as { id: unknown }).id;
  return { id: typeof id === 'string' && id.length <= 64 ? id : null, problem: 'bad_id' };
}

function sameToken(given: string | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Host mode's admission: the per-start token keeps other local users' programs out; the Host and
 * Origin checks keep web pages in the user's own browser (or a DNS-rebound name) away from it.
 */
export function hostAdmission(token: string, allowedOrigins: () => string[]) {
  return (req: IncomingMessage, url: URL): boolean => {
    if (!sameToken(url.searchParams.get('token'), token)) return false;
    // The Host must be this console's own address: a DNS-rebound name pointing at 127.0.0.1 is not.
    const hosts = allowedOrigins().map((o) => o.replace(/^https?:\/\//, ''));
    if (!hosts.includes(req.headers.host ?? '')) return false;
    const origin = req.headers.origin;
    return origin === undefined || allowedOrigins().includes(origin);
  };
}

/**
 * The twin of the Electron IPC binding: the same dispatcher behind a WebSocket at /rpc. `admits`
 * decides which upgrades are accepted (host mode: hostAdmission; the console server: same-origin
 * pages and programs, which then sign in). Each connection knows its peer's address.
 */
export function bindWebSocket(opts: { dispatcher: RequestRouter; admits: (req: IncomingMessage, url: URL) => boolean; log: Logger }) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  const accepts = (req: IncomingMessage): boolean => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      return false;
    }
    return url.pathname === '/rpc' && opts.admits(req, url);
  };

  const onConnection = (ws: WebSocket, req: IncomingMessage) => {
    const connection: Connection = {
      id: uuidv7(),
      session: null,
      remoteAddress: req.socket.remoteAddress ?? 'unknown',
      // Browsers always send an Origin with a WebSocket; a desk's main process sends none.
      program: req.headers.origin === undefined,
      send: (name, payload) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event: name, payload }));
      },
    };
    // Set when the peer's hello named another contract version: everything after it is refused.
    let mismatch: ContractError | null = null;
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
      if ('hello' in envelope) {
        // The hello is answered with ours; a peer that sends none is served as before (tools, tests).
        if (envelope.hello === contractVersion()) {
          ws.send(JSON.stringify(hello(undefined, new Date())));
          return;
        }
        mismatch = contractMismatch(envelope.hello);
        opts.log.warn('host: peer of another contract version', { ours: contractVersion(), peer: envelope.hello.slice(0, 64) });
        ws.send(JSON.stringify(hello(mismatch, new Date())));
        ws.close(CLOSE_CONTRACT_MISMATCH, 'contract_mismatch');
        return;
      }
      if (mismatch) {
        reply(envelope.id, { ok: false, error: mismatch });
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
