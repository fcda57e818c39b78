/**
 * The PostgreSQL store itself: the same numbered migrations as SQLite, the same schema, the types
 * services read back, refusal of a schema from a newer console, and servers starting together.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { openPostgresStore } from '../../electron/store/postgres';
import { StoreError } from '../../electron/store/errors';
import { migrations } from '../../electron/store/migrations';
import type { DB } from '../../electron/store/schema';
import type { Store } from '../../electron/store/sqlite';
import { createDatabaseOn } from '../support/postgres';
import { openTestStore, type TestStore } from './stores';

const admin = () => inject('postgresAdminUrl');
const open: TestStore[] = [];
afterAll(async () => { for (const s of open.splice(0)) await s.dispose(); });
async function fresh(kind: 'sqlite' | 'postgres'): Promise<Store> {
  const s = await openTestStore(kind);
  open.push(s);
  return s.store;
}

/**
 * Tables and their columns (name, storage class, nullable) as each database describes them, with
 * PostgreSQL types named by the SQLite class they must match: a 4-byte `real` or a missing type
 * branch in a migration shows up here.
 */
const PG_CLASS: Record<string, string> = { text: 'text', integer: 'integer', bigint: 'integer', 'double precision': 'real', bytea: 'blob' };
async function columns(store: Store): Promise<Record<string, string[]>> {
  const rows = store.dialect === 'sqlite'
    // A PRIMARY KEY column is NOT NULL on PostgreSQL whatever it declares; on SQLite only if declared so.
    ? (await sql<{ t: string; c: string; ty: string; nn: number }>`select m.name as t, p.name as c, lower(p.type) as ty, (p."notnull" or p.pk > 0) as nn
        from sqlite_master m join pragma_table_info(m.name) p
        where m.type = 'table' and m.name not like 'sqlite_%' and m.name not like 'ticket_fts_%'
        -- Its side of the same difference: how far instr on the raw text answers a term (0031), where PostgreSQL stores the normalised text.
        and not (m.name = 'ticket_search_docs' and p.name = 'plain') order by 1, 2`.execute(store.db)).rows
    : (await sql<{ t: string; c: string; ty: string; nn: number }>`select table_name as t, column_name as c, data_type as ty, case when is_nullable = 'NO' then 1 else 0 end as nn
        from information_schema.columns where table_schema = 'public'
        -- The search index is the one structure that differs by design: FTS5 tables there, this tsvector here.
        and not (table_name = 'ticket_search_docs' and column_name in ('tsv', 'body', 'private_name'))
        -- The center's event log (0017) exists only here: a SQLite store is one process, its bus in memory.
        and table_name <> 'console_events' order by 1, 2`.execute(store.db)).rows
      .map((r) => ({ ...r, ty: PG_CLASS[r.ty] ?? `${r.ty} (no SQLite match)` }));
  const out: Record<string, string[]> = {};
  for (const r of rows) (out[r.t] ??= []).push(`${r.c} ${r.ty}${r.nn ? ' not null' : ''}`);
  return out;
}

async function rawQuery(url: string, text: string): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(text);
  } finally {
    await c.end();
  }
}

describe('PostgreSQL store', () => {
  it('creates a new database at the latest version with the same tables and columns as SQLite', async () => {
    const pgStore = await fresh('postgres');
    const versions = await pgStore.db.selectFrom('schema_migrations').select('version').orderBy('version').execute();
    expect(versions.map((v) => v.version)).toEqual(migrations.map((m) => m.version));
    const [onPg, onSqlite] = [await columns(pgStore), await columns(await fresh('sqlite'))];
    expect(Object.keys(onPg).length).toBeGreaterThan(20);
    expect(onPg).toEqual(onSqlite);
    // The event log left out above: there on PostgreSQL (0017), absent on SQLite (one process, in-memory bus).
    expect((await sql<{ t: string | null }>`select to_regclass('console_events')::text as t`.execute(pgStore.db)).rows).toEqual([{ t: 'console_events' }]);
    expect(onSqlite).not.toHaveProperty('console_events');
  });

  it('has the same named indexes as SQLite (the query plans of the services rest on them)', async () => {
    const pgStore = await fresh('postgres');
    const sqliteStore = await fresh('sqlite');
    // Indexes behind PRIMARY KEY and UNIQUE constraints are the constraints' own (sqlite_autoindex_… on SQLite): left out on both sides.
    const onPg = (await sql<{ n: string }>`select i.relname as n from pg_index x join pg_class i on i.oid = x.indexrelid
      join pg_namespace ns on ns.oid = i.relnamespace where ns.nspname = 'public'
      and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid)
      and i.relname not in ('ticket_search_docs_tsv', 'console_events_at') order by 1`.execute(pgStore.db)).rows.map((r) => r.n);
    // SQLite's index of documents whose `plain` is not yet known (0031) goes with that column.
    const onSqlite = (await sql<{ n: string }>`select name as n from sqlite_master where type = 'index' and sql is not null
      and name <> 'ticket_search_docs_plain_unknown' order by 1`.execute(sqliteStore.db)).rows.map((r) => r.n);
    expect(onPg.length).toBeGreaterThan(20);
    expect(onPg).toEqual(onSqlite);
  });

  it('gives services back what SQLite gives them: counts and search keys as numbers, coordinates exactly', async () => {
    const store = await fresh('postgres');
    const db: Kysely<DB> = store.db;
    const count = await db.selectFrom('schema_migrations').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    expect(count.n).toBe(migrations.length);
    await db.insertInto('divisions').values({ code: '110000', name: '北京市', level: 1, parent_code: null }).execute();
    await db.insertInto('categories').values({ id: 'c1', code: '01', name: '城市管理', level: 1, parent_id: null }).execute();
    await db.insertInto('tickets').values({
      id: 't1', number: 'JC2025010100001', created_at: '2025-01-01T00:00:00.000Z', updated_at: '2025-01-01T00:00:00.000Z', channel: 'phone',
      appeal_type: 'complaint', urgency: 'normal', status: 'registered', citizen_id: null, phone: null, caller_name: null, confidential: 1,
      category_id: 'c1', title: '噪音', content: '夜间施工', district_code: '110000', street_code: null, community_code: null, address: null,
      lat: 39.904211, lng: 116.407395, lead_department_id: null, sign_by: null, reply_by: null, closed_at: null, parent_id: null,
    }).execute();
    const t = await db.selectFrom('tickets').select(['lat', 'lng', 'confidential']).executeTakeFirstOrThrow();
    // PostgreSQL `real` is 4 bytes and would give 39.90421 back; the column must be a double as on SQLite.
    expect(t).toEqual({ lat: 39.904211, lng: 116.407395, confidential: 1 });
    const big = 1_735_689_600 * 524_288 + 7; // a search document key: seconds × 2^19 + sequence, past 2^32
    await db.insertInto('ticket_search_docs').values({ doc_id: big, ticket_id: 't1', uni: null, bi: null }).execute();
    expect((await db.selectFrom('ticket_search_docs').select('doc_id').executeTakeFirstOrThrow()).doc_id).toBe(big);
    const divisions = await db.selectFrom('divisions').select(['retired', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('retired').execute();
    expect(divisions).toEqual([{ retired: 0, n: 1 }]);
  });

  it('reopens an existing database without re-running migrations', async () => {
    const url = await createDatabaseOn(admin());
    const a = await openPostgresStore(url);
    await a.db.insertInto('meta').values({ key: 'k', value: 'v' }).execute();
    const applied = await a.db.selectFrom('schema_migrations').select(['version', 'applied_at']).orderBy('version').execute();
    await a.close();
    const b = await openPostgresStore(url);
    expect(await b.db.selectFrom('meta').select('value').where('key', '=', 'k').executeTakeFirst()).toEqual({ value: 'v' });
    expect(await b.db.selectFrom('schema_migrations').select(['version', 'applied_at']).orderBy('version').execute()).toEqual(applied);
    await b.close();
  });

  it('refuses a database from a newer console with a clear message and leaves it untouched', async () => {
    const url = await createDatabaseOn(admin());
    const a = await openPostgresStore(url);
    await a.db.insertInto('schema_migrations').values({ version: 99, name: 'from-the-future', applied_at: new Date().toISOString() }).execute();
    await a.close();
    const snapshot = async () => JSON.stringify((await rawQuery(url,
      `select (select json_agg(t order by t.version) from schema_migrations t) as m,
              (select json_agg(c.relname order by c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public') as rel`)).rows);
    const before = await snapshot();
    const err = await openPostgresStore(url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).problem).toBe('newer_version');
    expect((err as StoreError).message).toContain('更新版本');
    expect(await snapshot()).toBe(before);
  });

  it('lets several servers start on one empty database at once: each migration runs exactly once, none fails', async () => {
    const url = await createDatabaseOn(admin());
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => openPostgresStore(url, { poolSize: 2 })));
    const failures = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    for (const r of results) if (r.status === 'fulfilled') await r.value.close();
    expect(failures).toEqual([]);
    const rows = (await rawQuery(url, 'select version, count(*)::int as n from schema_migrations group by version order by version')).rows;
    expect(rows).toEqual(migrations.map((m) => ({ version: m.version, n: 1 })));
  });

  it('enforces foreign keys', async () => {
    const store = await fresh('postgres');
    await expect(store.db.insertInto('user_roles').values({ user_id: 'nobody', role: 'agent' }).execute()).rejects.toThrow(/foreign key/);
  });

  it('refuses a database whose strings would not sort as on SQLite, and writes nothing into it', async () => {
    const url = new URL(admin());
    url.pathname = '/t_locale_c_utf8';
    await rawQuery(admin(), `create database t_locale_c_utf8 template template0 encoding 'UTF8' lc_collate 'C.UTF-8' lc_ctype 'C.UTF-8'`);
    const err = await openPostgresStore(url.toString()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).problem).toBe('misconfigured');
    expect((err as StoreError).message).toContain('排序规则为 C.UTF-8/C.UTF-8');
    expect((err as StoreError).message).toContain("LC_COLLATE 'C'");
    expect((await rawQuery(url.toString(), `select count(*)::int as n from pg_tables where schemaname = 'public'`)).rows).toEqual([{ n: 0 }]);
  });

  it('finds the day\'s last ticket number by an index range scan, as SQLite does', async () => {
    const store = await fresh('postgres');
    const plan = (await sql<{ 'QUERY PLAN': string }>`explain select max(number) from tickets where number like 'JC20250930%'`.execute(store.db)).rows
      .map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/Index Only Scan using tickets_number/);
    expect(plan).toMatch(/Index Cond: \(\(number >= 'JC20250930'::text\) AND \(number < 'JC20250931'::text\)\)/);
  });

  it('reports a server that is not there clearly, without the password', async () => {
    const url = new URL(admin());
    url.port = '1'; // nothing listens on port 1 here
    url.password = 'secret-pw';
    const err = await openPostgresStore(url.toString()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).problem).toBe('unreachable');
    expect((err as StoreError).message).toMatch(/^无法连接 PostgreSQL 数据库 127\.0\.0\.1:1\/postgres/);
    expect((err as StoreError).message).not.toContain('secret-pw');
  });
});
