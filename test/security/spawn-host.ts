import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface SpawnedHost {
  /** Resolves when the host reported ready (url, port) or ended (code, stderr). */
  outcome: Promise<{ ready: true; url: string; port: number } | { ready: false; code: number | null; stderr: string }>;
  process: ChildProcess;
  stderr(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

let rendererDir: string | null = null;
/** A stand-in for the built renderer: host mode refuses to start without an index.html. */
function fakeRenderer(): string {
  if (!rendererDir) {
    rendererDir = mkdtempSync(join(tmpdir(), 'hotline-renderer-'));
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>console</title>');
  }
  return rendererDir;
}

/**
 * Runs host mode from source (electron/host/main.ts through tsx) as its own process, the way
 * `npm run host` does, so that boot refusals, file modes and the folder lock are seen from outside.
 */
export function spawnHostFromSource(dataDir: string, extraArgs: string[] = []): SpawnedHost {
  const child = fork(resolve('electron/host/main.ts'), ['--port', '0', '--data-dir', dataDir, '--renderer-dir', fakeRenderer(), ...extraArgs], {
    execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HOTLINE_'))),
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  const outcome = new Promise<Awaited<SpawnedHost['outcome']>>((res) => {
    child.on('message', (m) => {
      const msg = m as { ready?: boolean; url: string; port: number };
      if (msg.ready) res({ ready: true, url: msg.url, port: msg.port });
    });
    child.on('exit', (code) => res({ ready: false, code, stderr }));
  });
  return {
    outcome, process: child, stderr: () => stderr,
    stop: (signal = 'SIGTERM') => new Promise<void>((res) => {
      if (child.exitCode !== null || child.signalCode !== null) { res(); return; }
      child.once('exit', () => res());
      child.kill(signal);
    }),
  };
}
