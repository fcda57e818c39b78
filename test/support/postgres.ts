/**
 * A private PostgreSQL server for tests and benchmarks: `initdb` into a temporary folder, `pg_ctl`
 * on 127.0.0.1 and a free port, one database per test file, everything stopped and removed at the
 * end. No reliance on a system service or on Debian's own cluster (CI installs the `postgresql`
 * package only for its binaries).
 *
 * PostgreSQL refuses to run as root. Run as root (containers, CI images) the server is started as
 * the `postgres` system user the Debian package creates (`runuser -u postgres`), and the folder is
 * handed to that user; as any other user it runs as that user.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface PostgresServerOptions {
  /**
   * Durability settings. Tests turn fsync off (a crash loses a throwaway cluster, nothing else);
   * benchmarks keep the server's defaults so the figures mean what a center would see.
   * @default false
   */
  durable?: boolean;
}

export interface PostgresServer {
  port: number;
  /** Superuser connection to the `postgres` maintenance database. */
  adminUrl: string;
  /** See createDatabaseOn. */
  createDatabase(): Promise<string>;
  /** pg_ctl restart (fast: running statements are cancelled, connections dropped), waiting until it accepts connections again. */
  restart(): Promise<void>;
  /** From now on every role but `postgres` must give its password over TCP (scram-sha-256), as a center's server does. */
  requirePasswords(): Promise<void>;
  stop(): Promise<void>;
}

/** The folder holding initdb and pg_ctl: $HOTLINE_PG_BINDIR, else the newest Debian install, else PATH. */
export function postgresBinDir(): string {
  const fromEnv = process.env.HOTLINE_PG_BINDIR;
  if (fromEnv) return fromEnv;
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => /^\d+$/.test(v) && existsSync(join(debian, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(debian, versions[0], 'bin');
  }
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian\'s `postgresql` package or set HOTLINE_PG_BINDIR');
}

interface OsUser { name: string; uid: number; gid: number }

/** Root cannot run PostgreSQL: the user to run it as, or null to run as ourselves. */
async function serverUser(): Promise<OsUser | null> {
  if (process.getuid?.() !== 0) return null;
  const name = process.env.HOTLINE_PG_OS_USER ?? 'postgres';
  try {
    const uid = Number((await run('id', ['-u', name])).stdout.trim());
    const gid = Number((await run('id', ['-g', name])).stdout.trim());
    return { name, uid, gid };
  } catch {
    throw new Error(`running as root, PostgreSQL must run as another user, and the user "${name}" does not exist (the postgresql package creates it; or set HOTLINE_PG_OS_USER)`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export async function startPostgres(opts: PostgresServerOptions = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const user = await serverUser();
  // As root, the server's user must reach the folder: /tmp, not a private TMPDIR.
  const dir = mkdtempSync(join(user ? '/tmp' : tmpdir(), 'hotline-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  const asServer = (tool: string, args: string[]) => (user
    ? run('runuser', ['-u', user.name, '--', join(bin, tool), ...args])
    : run(join(bin, tool), args));

  let started = false;
  try {
    await asServer('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
    const settings = ['-c listen_addresses=127.0.0.1', `-k ${dir}`, '-c max_connections=200'];
    if (!opts.durable) settings.push('-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off');
    // A port found free can be taken before the server binds it: try a few.
    let port = 0;
    for (let attempt = 0; attempt < 5 && !started; attempt++) {
      port = await freePort();
      try {
        await asServer('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', '-o', [`-p ${port}`, ...settings].join(' '), 'start']);
        started = true;
      } catch (e) {
        if (attempt === 4) throw new Error(`pg_ctl start failed: ${(e as Error).message}\n${existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : ''}`, { cause: e });
      }
    }
    const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
    return {
      port,
      adminUrl,
      createDatabase: () => createDatabaseOn(adminUrl),
      async restart() {
        await asServer('pg_ctl', ['-D', data, '-l', log, '-m', 'fast', '-w', '-t', '60', 'restart']);
      },
      async requirePasswords() {
        writeFileSync(join(data, 'pg_hba.conf'), 'local all all trust\nhost all postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n');
        await asServer('pg_ctl', ['-D', data, '-w', 'reload']);
      },
      async stop() {
        try {
          await asServer('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (e) {
    if (started) await asServer('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Creates an empty database (UTF-8, C collation: strings sort by code point, as on SQLite) on a
 * running server and returns its URL; each test file gets its own.
 */
export async function createDatabaseOn(adminUrl: string): Promise<string> {
  const url = new URL(adminUrl);
  const name = `t_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`create database ${name} template template0 encoding 'UTF8' lc_collate 'C' lc_ctype 'C'`);
  } finally {
    await client.end();
  }
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a database createDatabaseOn made (connections still open to it are ended). */
export async function dropDatabaseOn(adminUrl: string, url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!/^t_[a-z0-9_]+$/.test(name)) throw new Error(`not a test database: ${name}`);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists ${name} with (force)`);
  } finally {
    await client.end();
  }
}

/** One client for `fn`, closed afterwards. */
export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** The database URL with another role and its password. */
export function asRole(dbUrl: string, role: { name: string; password: string }): string {
  const u = new URL(dbUrl);
  u.username = role.name;
  u.password = role.password;
  return u.toString();
}

/** The SQLSTATE a statement fails with, or 'ok'. */
export const sqlOutcome = (url: string, text: string): Promise<string> =>
  withClient(url, (c) => c.query(text).then(() => 'ok', (e: { code?: string }) => e.code ?? String(e)));

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by test/support/postgres-global.ts for the 'store' project: the shared test cluster. */
    postgresAdminUrl: string;
  }
}
