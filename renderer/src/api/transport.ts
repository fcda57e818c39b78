import {
  contractVersion, eventNames, hello, readServerFrame, type ConsoleApi, type ContractError, type EventName, type EventPayload, type RequestInput, type RequestName,
  type RequestOutput, type Result,
} from '../../../shared/contract';

/** What the Electron preload puts on window; see electron/preload-api.ts. */
interface PreloadApi {
  requests: Record<RequestName, (input: unknown) => Promise<unknown>>;
  on(name: EventName, listener: (payload: unknown) => void): () => void;
}

declare global {
  interface Window { hotline?: PreloadApi }
}

function electronApi(p: PreloadApi): ConsoleApi {
  return {
    request: async <N extends RequestName>(name: N, input: RequestInput<N>) => (await p.requests[name](input)) as Result<RequestOutput<N>>,
    on: <E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void) => p.on(name, listener as (p: unknown) => void),
  };
}

/** Reads the per-start token from the URL once, then keeps it for reloads of this tab only. */
function hostToken(): string {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash) {
    sessionStorage.setItem('hotline.token', fromHash);
    history.replaceState(null, '', location.pathname + location.search);
    return fromHash;
  }
  return sessionStorage.getItem('hotline.token') ?? '';
}

type Pending = { resolve: (r: Result<unknown>) => void };

/**
 * Host mode and the console server: the same contract over a WebSocket. Requests made while the socket is down wait for
 * the reconnect; requests in flight when it drops fail with `disconnected`.
 */
function hostApi(onConnectionChange: (up: boolean) => void): ConsoleApi {
  const token = hostToken();
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  let nextId = 1;
  let ws: WebSocket | null = null;
  let retry = 0;
  // Set when the console's hello named another contract version (a stale page after an upgrade).
  let mismatch: ContractError | null = null;

  const connect = () => {
    // Served by a console server over HTTPS: the socket is TLS too (and there is no start token).
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const sock = new WebSocket(`${scheme}://${location.host}/rpc?token=${encodeURIComponent(token)}`);
    ws = sock;
    sock.onopen = () => {
      retry = 0;
      onConnectionChange(true);
      sock.send(JSON.stringify(hello()));
      for (const m of queue.splice(0)) sock.send(m);
    };
    sock.onmessage = (ev) => {
      const msg = readServerFrame(String(ev.data));
      if (!msg) return;
      if ('hello' in msg) {
        if (msg.hello.contract !== contractVersion()) mismatch = msg.hello.error ?? { code: 'contract_mismatch', details: { ours: contractVersion(), peer: msg.hello.contract } };
      } else if ('result' in msg) {
        if (typeof msg.id !== 'number') return;
        pending.get(msg.id)?.resolve(msg.result);
        pending.delete(msg.id);
      } else {
        for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
      }
    };
    sock.onclose = () => {
      onConnectionChange(false);
      ws = null;
      // A request in flight may or may not have run; say so rather than guess and send it twice.
      const error: ContractError = mismatch ?? { code: 'disconnected' };
      for (const p of pending.values()) p.resolve({ ok: false, error });
      pending.clear();
      setTimeout(connect, Math.min(5000, 250 * 2 ** retry++));
    };
  };
  connect();

  return {
    request: <N extends RequestName>(name: N, input: RequestInput<N>) => new Promise<Result<RequestOutput<N>>>((resolve) => {
      if (mismatch) {
        resolve({ ok: false, error: mismatch });
        return;
      }
      const id = nextId++;
      const msg = JSON.stringify({ id, name, input });
      pending.set(id, { resolve: resolve as (r: Result<unknown>) => void });
      if (ws?.readyState === WebSocket.OPEN) ws.send(msg);
      else queue.push(msg);
    }),
    on: <E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void) => {
      if (!eventNames.includes(name)) throw new Error(`unknown event ${name}`);
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      set.add(listener as (p: unknown) => void);
      return () => set.delete(listener as (p: unknown) => void);
    },
  };
}

export function createApi(onConnectionChange: (up: boolean) => void = () => {}): ConsoleApi {
  return window.hotline ? electronApi(window.hotline) : hostApi(onConnectionChange);
}
