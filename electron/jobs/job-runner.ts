import { randomUUID } from 'node:crypto';
import { ContractFailure, fail, type ContractError, type JobKind, type JobResults, type JobView, type JobViewOf, type SessionInfo } from '../../shared/contract';
import type { Logger } from '../log';

/** What a job's body gets: a cancel signal, a progress reporter and a polite way to yield. */
export interface JobContext {
  signal: AbortSignal;
  /** Reports progress; cheap to call per row (events are throttled). */
  progress(phase: string, done: number, total: number): void;
  /** Yields to the event loop (so IPC and SIP timers run) and throws if the job was cancelled. */
  checkpoint(): Promise<void>;
}

/** Thrown by `checkpoint()` once the job is cancelled; a body may also throw it itself. */
export class JobCancelled extends Error {
  constructor() {
    super('job cancelled');
    this.name = 'JobCancelled';
  }
}

export interface JobRunnerOptions {
  /** Pushes a job's view to the user who started it. */
  notify(ownerId: string, view: JobView): void;
  log: Logger;
  now?: () => Date;
  /** Minimum time between two progress events of one job. @default 150 */
  throttleMs?: number;
  /** Finished jobs kept for `jobs.get` / `jobs.list`. @default 20 */
  keepFinished?: number;
}

interface Entry {
  view: JobView;
  ownerId: string;
  abort: AbortController;
  lastSent: number;
  settled: Promise<void>;
}

/** Runs long work off the request path, one entry per job, with throttled progress and cancel. */
export class JobRunner {
  private readonly jobs = new Map<string, Entry>();
  private readonly now: () => Date;
  private readonly throttleMs: number;

  constructor(private readonly opts: JobRunnerOptions) {
    this.now = opts.now ?? (() => new Date());
    this.throttleMs = opts.throttleMs ?? 150;
  }

  /**
   * Starts `body` and returns the job's first view at once. The body must leave the store unchanged
   * when it throws (the runner only records the outcome): make its writes visible in one short
   * transaction at the end (the Excel import stages rows first, see services/xlsx-io.ts), never
   * hold one transaction for the whole job — every other writer would wait for it.
   */
  start<K extends JobKind>(kind: K, ownerId: string, body: (ctx: JobContext) => Promise<JobResults[K]>): JobViewOf<K> {
    const view: JobViewOf<K> = {
      id: randomUUID(), kind, state: 'running', phase: 'starting', done: 0, total: 0,
      startedAt: this.now().toISOString(), finishedAt: null, result: null, error: null,
    };
    const abort = new AbortController();
    const entry: Entry = { view: view as JobView, ownerId, abort, lastSent: 0, settled: Promise.resolve() };
    this.jobs.set(view.id, entry);
    const ctx: JobContext = {
      signal: abort.signal,
      progress: (phase, done, total) => {
        const changedPhase = phase !== view.phase;
        Object.assign(view, { phase, done, total });
        if (changedPhase || performance.now() - entry.lastSent >= this.throttleMs) this.send(entry);
      },
      checkpoint: async () => {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (abort.signal.aborted) throw new JobCancelled();
      },
    };
    entry.settled = (async () => {
      // Let the starting request answer first, so the renderer knows the id before any event.
      await new Promise<void>((resolve) => setImmediate(resolve));
      try {
        if (abort.signal.aborted) throw new JobCancelled();
        const result = await body(ctx);
        Object.assign(view, { state: 'done', result });
      } catch (e) {
        if (e instanceof JobCancelled || abort.signal.aborted) Object.assign(view, { state: 'cancelled' });
        else {
          const error: ContractError = e instanceof ContractFailure ? e.error : { code: 'internal' };
          if (!(e instanceof ContractFailure)) this.opts.log.error('job failed', { kind, error: String(e) });
          Object.assign(view, { state: 'failed', error });
        }
      }
      view.finishedAt = this.now().toISOString();
      this.send(entry);
      this.prune();
    })();
    return { ...view };
  }

  get(id: string, session: SessionInfo): JobView {
    return { ...this.visible(id, session).view };
  }

  list(session: SessionInfo): JobView[] {
    return [...this.jobs.values()].filter((e) => e.ownerId === session.user.id).map((e) => ({ ...e.view })).reverse();
  }

  cancel(id: string, session: SessionInfo): JobView {
    const e = this.visible(id, session);
    if (e.view.state === 'running') e.abort.abort();
    return { ...e.view };
  }

  /** Resolves when the job has finished (tests, shutdown). */
  async settled(id: string): Promise<JobView> {
    const e = this.jobs.get(id) ?? fail('not_found');
    await e.settled;
    return { ...e.view };
  }

  /** Cancels every running job and waits for them to roll back. */
  async close(): Promise<void> {
    for (const e of this.jobs.values()) e.abort.abort();
    await Promise.all([...this.jobs.values()].map((e) => e.settled));
  }

  private visible(id: string, session: SessionInfo): Entry {
    const e = this.jobs.get(id);
    if (!e || (e.ownerId !== session.user.id && !session.user.roles.includes('admin'))) fail('not_found');
    return e;
  }

  private send(entry: Entry): void {
    entry.lastSent = performance.now();
    this.opts.notify(entry.ownerId, { ...entry.view });
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((e) => e.view.state !== 'running');
    for (const e of finished.slice(0, Math.max(0, finished.length - (this.opts.keepFinished ?? 20)))) this.jobs.delete(e.view.id);
  }
}
