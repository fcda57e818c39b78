import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { StoreError } from './errors';

/** The store file inside the data folder; its -wal and -shm twins sit beside it. */
export const STORE_FILE = 'hotline.sqlite';
const LOCK_FILE = 'console.lock';
const PRIVATE_FILES = [STORE_FILE, `${STORE_FILE}-wal`, `${STORE_FILE}-shm`, `${STORE_FILE}-journal`, 'secret.key', LOCK_FILE];

/** False on platforms without POSIX modes (Windows: the profile folder's ACL already keeps others out). */
export const HAS_FILE_MODES = process.platform !== 'win32';

/** Sets a mode if the path is a plain file or folder we own; a symlink is left alone, never followed. */
function tighten(path: string, mode: number): void {
  try {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return;
    if ((st.mode & 0o777 & ~mode) !== 0) chmodSync(path, mode);
  } catch {
    // Missing is fine; a file we cannot chmod is reported by whoever opens it.
  }
}

/**
 * Makes the data folder private to the user: the folder 0700; the store, its WAL and shared-memory
 * files, the secret key, the lock and every log (rotated ones too) 0600. Files left looser by an
 * older version are tightened here, at every start.
 */
export function secureDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!HAS_FILE_MODES) return;
  // A data folder pointed at the home folder itself keeps the home folder's mode; its files are still private.
  if (resolve(dir) !== resolve(homedir())) tighten(dir, 0o700);
  for (const f of PRIVATE_FILES) tighten(join(dir, f), 0o600);
  const logs = join(dir, 'logs');
  if (existsSync(logs)) {
    tighten(logs, 0o700);
    for (const f of readdirSync(logs)) if (f.startsWith('console.log')) tighten(join(logs, f), 0o600);
  }
}

export interface DataDirLock {
  /** Frees the folder for the next console; safe to call twice. */
  release(): void;
}

/** Lock files this process holds, so a lock naming our own pid is told apart from a stale one. */
const held = new Set<string>();

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false; // not held by us (checked before): left by an earlier process with our pid
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One console per data folder: a second host or desktop console on the same folder would fight the
 * first over the store. The lock file holds the owner's pid; a lock left by a dead process (a crash,
 * a power cut) is taken over.
 */
export function lockDataDir(dir: string): DataDirLock {
  const file = join(dir, LOCK_FILE);
  if (held.has(file)) throw inUse(dir, process.pid);
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StoreError('unreadable', `无法在数据目录 ${dir} 中创建锁文件：${(e as Error).message}`, { dir });
      }
      let content: string;
      try {
        content = readFileSync(file, 'utf8');
      } catch {
        continue; // removed meanwhile: try again
      }
      const owner = Number(/^(\d+)/.exec(content)?.[1]);
      if (alive(owner)) throw inUse(dir, owner);
      rmSync(file, { force: true });
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n${new Date().toISOString()}\n`);
    } finally {
      closeSync(fd);
    }
    held.add(file);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      held.delete(file);
      try {
        if (readFileSync(file, 'utf8').startsWith(`${process.pid}\n`)) rmSync(file, { force: true });
      } catch {
        // Already gone.
      }
    };
    process.once('exit', release);
    return { release };
  }
  throw inUse(dir, NaN);
}

function inUse(dir: string, pid: number): StoreError {
  const who = Number.isFinite(pid) ? `（进程号 ${pid}）` : '';
  return new StoreError('in_use',
    `数据目录 ${dir} 正被另一个坐席台${who}使用。同一个数据目录同时只能由一个坐席台打开：请先关闭另一个坐席台，或换一个数据目录。`,
    { dir, pid: Number.isFinite(pid) ? pid : 0 });
}
