import WebSocket from 'ws';
import { contractVersion, type Result } from '../../shared/contract';

/** A client of the wire as the renderer speaks it: hello first, then requests; events collected. */
export class WireClient {
  readonly events: { event: string; payload: unknown }[] = [];
  hello: { contract: string; error?: { code: string }; now?: string } | null = null;
  closeCode: number | null = null;
  /** Hears each event as it arrives (benchmarks time them); events are still collected. */
  onEvent: ((event: string, payload: unknown) => void) | null = null;
  private seq = 0;
  private readonly pending = new Map<number, (r: Result<unknown>) => void>();
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const msg = JSON.parse(raw.toString()) as { id?: number; result?: Result<unknown>; event?: string; payload?: unknown; hello?: WireClient['hello'] };
      if (msg.hello) this.hello = msg.hello;
      else if (typeof msg.id === 'number' && msg.result) {
        this.pending.get(msg.id)?.(msg.result);
        this.pending.delete(msg.id);
      } else if (msg.event) {
        this.events.push({ event: msg.event, payload: msg.payload });
        this.onEvent?.(msg.event, msg.payload);
      }
    });
    ws.on('close', (code) => { this.closeCode = code; });
  }
  static async open(port: number, token: string, contract = contractVersion()): Promise<WireClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/rpc?token=${token}`);
    await new Promise<void>((res, rej) => { ws.once('open', () => res()); ws.once('error', rej); });
    const c = new WireClient(ws);
    ws.send(JSON.stringify({ hello: { contract } }));
    await until(() => c.hello !== null || c.closeCode !== null);
    return c;
  }
  call<T>(name: string, input: unknown): Promise<Result<T>> {
    const id = ++this.seq;
    return new Promise((resolve) => {
      this.pending.set(id, resolve as (r: Result<unknown>) => void);
      this.ws.send(JSON.stringify({ id, name, input }));
    });
  }
}

/** Waits for a condition (not a timing assertion: the test fails only if it never holds). */
export async function until(cond: () => boolean | Promise<boolean>, limitMs = 15_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition never held');
    await new Promise((r) => setTimeout(r, 50));
  }
}

