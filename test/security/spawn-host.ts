import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface SpawnedHost {
  /** Resolves when the host reported ready (url, port) or ended (code, stderr). */
  outcome: Promise<{ ready: true; url: string; port: number } | { ready: false; code: number | null; stderr: string }>;
  process: ChildProcess;
  stderr(): string;
  stdout(): string;
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
  return spawnEntryFromSource('electron/host/main.ts', ['--port', '0', '--data-dir', dataDir, '--renderer-dir', fakeRenderer(), ...extraArgs]);
}

/** The console server (`npm run server`) from source, on 127.0.0.1 and a free port unless args say otherwise. */
export function spawnServerFromSource(dataDir: string, extraArgs: string[] = []): SpawnedHost {
  return spawnEntryFromSource('electron/server/main.ts', ['--port', '0', '--data-dir', dataDir, '--renderer-dir', fakeRenderer(), ...extraArgs]);
}

function spawnEntryFromSource(entry: string, args: string[]): SpawnedHost {
  const child = fork(resolve(entry), args, {
    execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HOTLINE_'))),
  });
  let stderr = '';
  let stdout = '';
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  // Read, or a process that logs to stdout would block once the pipe is full.
  child.stdout?.on('data', (d: Buffer) => { stdout += d.toString(); });
  const outcome = new Promise<Awaited<SpawnedHost['outcome']>>((res) => {
    child.on('message', (m) => {
      const msg = m as { ready?: boolean; url: string; port: number };
      if (msg.ready) res({ ready: true, url: msg.url, port: msg.port });
    });
    child.on('exit', (code) => res({ ready: false, code, stderr }));
  });
  return {
    outcome, process: child, stderr: () => stderr, stdout: () => stdout,
    stop: (signal = 'SIGTERM') => new Promise<void>((res) => {
      if (child.exitCode !== null || child.signalCode !== null) { res(); return; }
      child.once('exit', () => res());
      child.kill(signal);
    }),
  };
}
