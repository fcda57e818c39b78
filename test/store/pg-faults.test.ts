/**
 * Faults of the center's PostgreSQL store, on a real server of this file's own (it is restarted,
 * so not the run's shared cluster): connection refused and a wrong password refuse the start with
 * a sentence; a restart in the middle of a request, a statement timeout and a full disk each give
 * the request a contract error, leave nothing half-written, and the next request works. A request
 * that only reads is run once more after the server is back; one that writes is reported.
 * PostgreSQL only: SQLite has no server to lose.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { sql } from 'kysely';
import { silentLogger } from '../../electron/log';
import { Dispatcher, type Connection, type Handlers } from '../../electron/rpc/dispatcher';
import { openPostgresStore } from '../../electron/store/postgres';
import { StoreError, storeFailureMessage, waitForStore } from '../../electron/store/errors';
import type { Store } from '../../electron/store/sqlite';
import { startPostgres, type PostgresServer } from '../support/postgres';

const connection: Connection = { id: 'c1', session: null, send() {} };
const adminInput = { username: 'admin', displayName: '管理员', password: 'Hotline-2025!' };

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function refusal(p: Promise<unknown>): Promise<StoreError> {
  const e = await p.then(() => null, (x: unknown) => x);
  if (!(e instanceof StoreError)) throw new Error(`expected a StoreError, got ${String(e)}`);
  return e;
}

describe('PostgreSQL faults', () => {
  let server: PostgresServer;
  let dbUrl: string;
  let store: Store;

  /** A superuser statement on a connection of its own (a restart drops every open one). */
  const admin = async (text: string, params: unknown[] = []) => {
    const c = new pg.Client({ connectionString: server.adminUrl });
    await c.connect();
    try {
      return await c.query(text, params);
    } finally {
      await c.end();
    }
  };
  const running = async (pattern: string) => {
    for (let i = 0; i < 200; i++) {
      const r = await admin('select count(*)::int as n from pg_stat_activity where query like $1 and pid <> pg_backend_pid()', [`%${pattern}%`]);
      if (r.rows[0].n > 0) return;
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error(`query ${pattern} never started`);
  };
  const probeRows = async () => Number((await sql<{ n: number }>`select count(*) as n from fault_probe`.execute(store.db)).rows[0]!.n);

  beforeAll(async () => {
    server = await startPostgres();
    dbUrl = await server.createDatabase();
    store = await openPostgresStore(dbUrl, { poolSize: 4 });
    await sql`create table fault_probe (id text primary key)`.execute(store.db);
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await server?.stop();
  });

  it('refuses the start when nothing listens on the port: a sentence naming the place, not a stack trace', async () => {
    const e = await refusal(openPostgresStore(`postgres://postgres@127.0.0.1:${await closedPort()}/hotline`));
    expect(e.problem).toBe('unreachable');
    expect(storeFailureMessage(e)).toMatch(/^无法连接 PostgreSQL 数据库 127\.0\.0\.1:\d+\/hotline：连接被拒绝。请确认服务器已启动，主机和端口设置正确。$/);
  });

  it('restarted while a read runs: the read is run again once the server is back and answers', async () => {
    let calls = 0;
    const d = new Dispatcher({
      'app.info': async () => {
        calls++;
        const q = calls === 1 ? sql<{ v: number }>`select 7 as v from pg_sleep(30) /* read_during_restart */` : sql<{ v: number }>`select 7 as v`;
        return (await q.execute(store.db)).rows[0]!.v;
      },
    } as unknown as Handlers, silentLogger, { storeReady: () => waitForStore(store.db, 30_000) });
    const answer = d.dispatch(connection, 'app.info', {});
    await running('read_during_restart');
    await server.restart();
    expect(await answer).toEqual({ ok: true, value: 7 });
    expect(calls).toBe(2);
  }, 60_000);

  it('restarted while a write runs: reported as store_unavailable, not repeated, nothing half-written; the next request works', async () => {
    let calls = 0;
    const d = new Dispatcher({
      'setup.createFirstAdmin': async () => {
        calls++;
        await store.db.transaction().execute(async (trx) => {
          await trx.insertInto('fault_probe' as never).values({ id: 'half' } as never).execute();
          await sql`select pg_sleep(30) /* write_during_restart */`.execute(trx);
        });
      },
      'app.info': async () => probeRows(),
    } as unknown as Handlers, silentLogger, { storeReady: () => waitForStore(store.db, 30_000) });
    const answer = d.dispatch(connection, 'setup.createFirstAdmin', adminInput);
    await running('write_during_restart');
    await server.restart();
    expect(await answer).toEqual({ ok: false, error: { code: 'store_unavailable' } });
    expect(calls).toBe(1);
    expect(await d.dispatch(connection, 'app.info', {})).toEqual({ ok: true, value: 0 });
  }, 60_000);

  it('a statement over the timeout is cancelled: store_timeout, its transaction rolled back, not retried', async () => {
    const quick = await openPostgresStore(dbUrl, { statementTimeoutMs: 200, poolSize: 1 });
    try {
      let calls = 0;
      const d = new Dispatcher({
        'app.info': async () => {
          calls++;
          await quick.db.transaction().execute(async (trx) => {
            await trx.insertInto('fault_probe' as never).values({ id: 'slow' } as never).execute();
            await sql`select pg_sleep(5)`.execute(trx);
          });
        },
      } as unknown as Handlers, silentLogger, { storeReady: () => waitForStore(quick.db) });
      expect(await d.dispatch(connection, 'app.info', {})).toEqual({ ok: false, error: { code: 'store_timeout' } });
      expect(calls).toBe(1);
      expect(await probeRows()).toBe(0);
    } finally {
      await quick.close();
    }
  });

  it('a full disk (SQLSTATE 53100, raised by the server on the write) is store_full and nothing of the request is kept', async () => {
    // A real full disk needs a filesystem of its own; the server raises the same error here.
    await sql`create table fault_full (id text)`.execute(store.db);
    await sql`create function fault_full_disk() returns trigger language plpgsql as $$
      begin raise exception 'could not extend file: No space left on device' using errcode = 'disk_full'; end $$`.execute(store.db);
    await sql`create trigger fault_full_disk before insert on fault_full for each row execute function fault_full_disk()`.execute(store.db);
    const d = new Dispatcher({
      'setup.createFirstAdmin': async () => {
        await store.db.transaction().execute(async (trx) => {
          await trx.insertInto('fault_probe' as never).values({ id: 'first' } as never).execute();
          await trx.insertInto('fault_full' as never).values({ id: 'second' } as never).execute();
        });
      },
    } as unknown as Handlers, silentLogger);
    expect(await d.dispatch(connection, 'setup.createFirstAdmin', adminInput)).toEqual({ ok: false, error: { code: 'store_full' } });
    expect(await probeRows()).toBe(0);
  });

  it('refuses the start with a wrong password: a sentence naming the user, not a stack trace; the right one opens', async () => {
    await server.requirePasswords();
    await admin(`create role fault_app login password 'right-secret'`);
    await admin(`create database fault_app owner fault_app template template0 encoding 'UTF8' lc_collate 'C' lc_ctype 'C'`);
    const url = `postgres://fault_app@127.0.0.1:${server.port}/fault_app`;
    const e = await refusal(openPostgresStore(url, { password: 'wrong-secret' }));
    expect(e.problem).toBe('auth_failed');
    expect(storeFailureMessage(e)).toMatch(/^PostgreSQL 拒绝了用户“fault_app”登录数据库 127\.0\.0\.1:\d+\/fault_app：密码错误/);
    expect(storeFailureMessage(e)).not.toMatch(/\n\s+at /);
    const ok = await openPostgresStore(url, { password: 'right-secret' });
    await ok.close();
  });
});
