import { fork, type ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface RunningHost {
  url: string;
  port: number;
  dataDir: string;
  process: ChildProcess;
  /** Graceful stop (SIGTERM) or a crash (SIGKILL). */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Data folders this process made; removed when it exits (a test may restart a host on one). */
const createdDirs = new Set<string>();
process.once('exit', () => { for (const d of createdDirs) rmSync(d, { recursive: true, force: true }); });

/**
 * Starts the built host-mode console (dist/electron/host.js) as a separate process, the way
 * `npm run host` does, on a free port, with its own data folder unless one is given.
 */
export async function startHost(opts: {
  dataDir?: string; demo?: boolean; demoTickets?: number; port?: number; env?: Record<string, string>;
  /** The checkout whose build runs (a bench's baseline build of another commit); this one's by default. */
  appDir?: string;
  /** Node flags for the host process (a bench's --cpu-prof). */
  execArgv?: string[];
} = {}): Promise<RunningHost> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'hotline-e2e-'));
  if (!opts.dataDir) createdDirs.add(dataDir);
  const args = ['--port', String(opts.port ?? 0), '--data-dir', dataDir];
  if (opts.demo) args.push('--demo', '--demo-tickets', String(opts.demoTickets ?? 1000));
  const child = fork(resolve(opts.appDir ?? '.', 'dist/electron/host.js'), args, {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { ...process.env, ...opts.env }, ...(opts.execArgv ? { execArgv: opts.execArgv } : {}), ...(opts.appDir ? { cwd: resolve(opts.appDir) } : {}),
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  const ready = await new Promise<{ url: string; port: number }>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`host did not start in 60 s: ${stderr}`)), 60_000);
    child.on('message', (m) => {
      const msg = m as { ready?: boolean; url: string; port: number };
      if (msg.ready) { clearTimeout(timer); resolveReady(msg); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`host exited with ${code}: ${stderr}`)); });
  });
  return {
    ...ready, dataDir, process: child,
    stop: (signal = 'SIGTERM') => new Promise<void>((res) => {
      if (child.exitCode !== null || child.signalCode !== null) { res(); return; }
      child.once('exit', () => res());
      child.kill(signal);
    }),
  };
}

/** Reads the running host's store directly (read-only), to check what the screen claims. */
export function queryStore<T>(host: Pick<RunningHost, 'dataDir'>, sql: string, ...args: unknown[]): T[] {
  const db = new Database(join(host.dataDir, 'hotline.sqlite'), { readonly: true });
  try { return db.prepare(sql).all(...args) as T[]; } finally { db.close(); }
}
