/**
 * Console servers in separate processes (test/store/cross-process-worker.ts), each with its own
 * store pool and event bus on one PostgreSQL database: real processes, not two pools in one.
 * Used by the cross-process tests and the bench.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { BusEvent } from '../../electron/events/bus';

const WORKER = fileURLToPath(new URL('./cross-process-worker.ts', import.meta.url));

export interface Received { event: BusEvent; at: number }

export class ServerProcess {
  readonly received: Received[] = [];
  readonly statuses: { status: string; at: number }[] = [];
  busId = '';
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly watchers = new Set<() => void>();
  private stderr = '';
  private exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.on('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`server process exited (${code}): ${this.stderr.slice(-2000)}`));
      this.pending.clear();
      resolve(code);
    }));
    child.stderr!.on('data', (d: Buffer) => { this.stderr += d.toString(); });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = JSON.parse(line) as { id?: number; ok?: boolean; value?: unknown; error?: string; event?: BusEvent; status?: string; at?: number; ready?: boolean; busId?: string };
      if (m.ready) this.busId = m.busId!;
      else if (m.event) this.received.push({ event: m.event, at: m.at! });
      else if (m.status) this.statuses.push({ status: m.status, at: m.at! });
      else if (m.id !== undefined) {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.ok) p?.resolve(m.value);
        else p?.reject(new Error(m.error));
      }
      for (const w of [...this.watchers]) w();
    });
  }

  /** Starts a server process on `url`; resolves once its store is open and its bus listens. */
  static async start(url: string, reconnectDelayMs?: number): Promise<ServerProcess> {
    const args = ['--import', 'tsx', WORKER, url, ...(reconnectDelayMs === undefined ? [] : [String(reconnectDelayMs)])];
    const p = new ServerProcess(spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] }));
    await Promise.race([p.until(() => p.busId !== ''), p.exited.then((code) => { throw new Error(`server process exited (${code}) before it was ready: ${p.stderr.slice(-2000)}`); })]);
    return p;
  }

  call<T>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.stdin!.write(`${JSON.stringify({ id, op, args })}\n`);
    });
  }

  /** Resolves when `test` holds, checked after each line the process writes. */
  until(test: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      if (test()) { resolve(); return; }
      const w = () => { if (test()) { this.watchers.delete(w); resolve(); } };
      this.watchers.add(w);
    });
  }

  /** Closes stdin: the process closes its bus and store and exits. */
  async stop(): Promise<void> {
    this.child.stdin!.end();
    await this.exited;
  }
}

/** Starts `n` server processes at once. */
export function startServers(url: string, n: number, reconnectDelayMs?: number): Promise<ServerProcess[]> {
  return Promise.all(Array.from({ length: n }, () => ServerProcess.start(url, reconnectDelayMs)));
}

/** Wall-clock milliseconds, comparable with the processes' `at` values. */
export const wallMs = (): number => performance.timeOrigin + performance.now();
