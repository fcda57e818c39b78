import { afterEach, describe, expect, it, vi } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../electron/store/sqlite';
import { HAS_FILE_MODES } from '../../electron/store/data-dir';
import { spawnHostFromSource, type SpawnedHost } from './spawn-host';

const dirs: string[] = [];
const hosts: SpawnedHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.stop('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-datadir-'));
  dirs.push(dir);
  return dir;
};
const start = (dataDir: string) => {
  const h = spawnHostFromSource(dataDir);
  hosts.push(h);
  return h;
};
// Each test starts host processes from source (tsx): give them room on a busy CI machine.
vi.setConfig({ testTimeout: 90_000 });
const mode = (p: string) => statSync(p).mode & 0o777;
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe.runIf(HAS_FILE_MODES)('data folder privacy', () => {
  it('after a start the folder is 0700 and the store, WAL, shared memory, key and every log are 0600, looser old files tightened', async () => {
    const dataDir = join(tempDir(), 'data');
    // What an older version left behind: everything readable by others.
    mkdirSync(join(dataDir, 'logs'), { recursive: true });
    const old = await openSqliteStore(join(dataDir, 'hotline.sqlite'));
    await old.close();
    writeFileSync(join(dataDir, 'secret.key'), randomBytes(32));
    writeFileSync(join(dataDir, 'logs', 'console.log'), '{"msg":"old"}\n');
    writeFileSync(join(dataDir, 'logs', 'console.log.1'), '{"msg":"older"}\n');
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'logs'), 0o755);
    for (const f of ['hotline.sqlite', 'secret.key', 'logs/console.log', 'logs/console.log.1']) chmodSync(join(dataDir, f), 0o644);

    const host = start(dataDir);
    expect(await host.outcome).toMatchObject({ ready: true });

    expect(mode(dataDir).toString(8)).toBe('700');
    expect(mode(join(dataDir, 'logs')).toString(8)).toBe('700');
    const files = ['hotline.sqlite', 'hotline.sqlite-wal', 'hotline.sqlite-shm', 'secret.key', 'logs/console.log', 'logs/console.log.1'];
    for (const f of files) {
      expect(existsSync(join(dataDir, f)), f).toBe(true);
      expect(mode(join(dataDir, f)).toString(8), f).toBe('600');
    }
    // Nothing else in the folder is readable by others either.
    for (const f of readdirSync(dataDir)) expect(mode(join(dataDir, f)) & 0o077, f).toBe(0);
  });

  it('a fresh data folder is created private', async () => {
    const dataDir = join(tempDir(), 'fresh', 'data');
    const host = start(dataDir);
    expect(await host.outcome).toMatchObject({ ready: true });
    expect(mode(dataDir).toString(8)).toBe('700');
    for (const f of ['hotline.sqlite', 'hotline.sqlite-wal', 'hotline.sqlite-shm', 'logs/console.log']) {
      expect(mode(join(dataDir, f)).toString(8), f).toBe('600');
    }
  });
});

describe('one console per data folder', () => {
  it('refuses a second host on the same folder in Chinese, and takes over the lock of a killed one', async () => {
    const dataDir = tempDir();
    const first = start(dataDir);
    expect(await first.outcome).toMatchObject({ ready: true });

    const second = start(dataDir);
    const refused = await second.outcome;
    expect(refused).toMatchObject({ ready: false, code: 1 });
    expect(second.stderr()).toContain('正被另一个坐席台');
    expect(second.stderr()).toContain(String(first.process.pid));
    expect(second.stderr()).not.toMatch(/\n\s+at /);

    // The first one still works; a crash leaves a stale lock that the next start takes over.
    await first.stop('SIGKILL');
    const third = start(dataDir);
    expect(await third.outcome).toMatchObject({ ready: true });
    await third.stop('SIGTERM');
    // A clean stop frees the folder.
    expect(readdirSync(dataDir)).not.toContain('console.lock');
  });
});

describe('boot refusals are sentences, not stack traces', () => {
  it('another application\'s database in the data folder: refused, unchanged', async () => {
    const dataDir = tempDir();
    const file = join(dataDir, 'hotline.sqlite');
    const db = new Database(file);
    db.exec(`create table notes (id integer primary key, body text); insert into notes (body) values ('重要')`);
    db.close();
    const before = sha(file);
    const host = start(dataDir);
    expect(await host.outcome).toMatchObject({ ready: false, code: 1 });
    expect(host.stderr()).toContain('属于其他程序');
    expect(host.stderr()).not.toMatch(/\n\s+at /);
    expect(sha(file)).toBe(before);
  });

  it('a folder where the store should be: refused with a sentence', async () => {
    const dataDir = tempDir();
    mkdirSync(join(dataDir, 'hotline.sqlite'));
    const host = start(dataDir);
    expect(await host.outcome).toMatchObject({ ready: false, code: 1 });
    expect(host.stderr()).toContain('文件夹');
    expect(host.stderr()).not.toMatch(/\n\s+at /);
  });
});
