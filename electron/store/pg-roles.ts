import pg from 'pg';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from './schema';
import { MIGRATION_LOCK_KEY } from './migrate';

/**
 * The database protects itself (issue 11, build 6). Two roles:
 * - the owner owns the schema: migrations run as it, and it alone may create, alter or drop;
 * - the runtime role, which the console servers use, may read and write rows, but may not UPDATE,
 *   DELETE or TRUNCATE the audit log (`audit_events`) or ticket history (`ticket_events`), may not
 *   alter or drop anything (it owns nothing), may not touch `schema_migrations` beyond reading, and
 *   has no SELECT on `users.password_hash`: its one way to a hash is `console_password_hash(name)`,
 *   a SECURITY DEFINER function the login path calls (scrypt verification stays in Node).
 * The grant step runs after every migration as the owner, so tables added later get their grants.
 */
export interface RoleSpec { name: string; password: string }

/** What provisionRoles did: roles created or updated, objects whose ownership moved to the owner. */
export interface ProvisionResult { created: string[]; updated: string[]; adopted: number }

/** Tables whose rows, once written, stay as written. */
export const APPEND_ONLY_TABLES = ['audit_events', 'ticket_events'] as const;
const SECRET_COLUMNS: Readonly<Record<string, readonly string[]>> = { users: ['password_hash'] };

const ident = (name: string) => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`角色名“${name}”只能由小写字母、数字和 _ 组成，不以数字开头，最多 63 个字符`);
  return `"${name}"`;
};
const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * Creates (or updates the passwords of) the two roles on the database `adminUrl` names, as a
 * superuser: the owner gets the `public` schema and everything already in it (a store first
 * migrated by a superuser is adopted), nobody else may create there; the runtime role may use it.
 * `admin` is a URL or node-postgres client settings (the db:setup command keeps the password apart).
 */
export async function provisionRoles(admin: string | pg.ClientConfig, roles: { owner: RoleSpec; runtime: RoleSpec }): Promise<ProvisionResult> {
  const owner = ident(roles.owner.name);
  const runtime = ident(roles.runtime.name);
  if (owner === runtime) throw new Error('架构所有者和运行角色必须是两个不同的角色');
  const result: ProvisionResult = { created: [], updated: [], adopted: 0 };
  const client = new pg.Client(typeof admin === 'string' ? { connectionString: admin } : admin);
  await client.connect();
  try {
    await client.query('begin');
    await client.query(`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    const database = (await client.query<{ d: string }>('select current_database() as d')).rows[0]!.d;
    for (const [role, spec] of [[owner, roles.owner], [runtime, roles.runtime]] as const) {
      const exists = (await client.query('select 1 from pg_roles where rolname = $1', [spec.name])).rowCount;
      const attrs = `login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password ${literal(spec.password)}`;
      await client.query(exists ? `alter role ${role} ${attrs}` : `create role ${role} ${attrs}`);
      result[exists ? 'updated' : 'created'].push(spec.name);
    }
    await client.query(`grant connect, temporary on database "${database.replace(/"/g, '""')}" to ${owner}, ${runtime}`);
    await client.query(`alter schema public owner to ${owner}`);
    await client.query('revoke create on schema public from public');
    await client.query(`grant usage on schema public to ${runtime}`);
    // Adopt what is already there: tables, sequences and functions of the schema another role owns move to the owner.
    const owned = await client.query<{ kind: string; name: string }>(`
      select case c.relkind when 'S' then 'sequence' else 'table' end as kind, quote_ident(c.relname) as name
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind in ('r', 'p', 'S', 'v', 'm') and c.relowner <> $1::regrole and not exists (
         select 1 from pg_depend d where d.objid = c.oid and d.deptype in ('a', 'i') and c.relkind = 'S')
      union all
      select 'function', p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
       where n.nspname = 'public' and p.proowner <> $1::regrole and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')`, [owner]);
    for (const o of owned.rows) await client.query(`alter ${o.kind} ${o.name} owner to ${owner}`);
    result.adopted = owned.rows.length;
    await client.query('commit');
    return result;
  } catch (e) {
    await client.query('rollback').catch(() => {});
    throw e;
  } finally {
    await client.end();
  }
}

type Db = Kysely<DB> | Transaction<DB>;

/**
 * The login path, created or replaced by whoever migrates (the owner, or the one role of a store
 * without separate roles). Callable by nobody else until `grantRuntime` names the runtime role.
 */
export async function ensureLoginPath(db: Db): Promise<void> {
  await sql`create or replace function console_password_hash(p_username text) returns text
    language sql stable security definer set search_path = pg_catalog, pg_temp
    as $$ select u.password_hash from public.users u where u.username = p_username $$`.execute(db);
  await sql`revoke all on function console_password_hash(text) from public`.execute(db);
}

/**
 * The runtime role's rights, granted by the owner after migrating: every table of the schema (so
 * tables added later are covered), then the exceptions above taken back. Idempotent.
 */
export async function grantRuntime(db: Db, runtimeRole: string): Promise<void> {
  const role = sql.raw(ident(runtimeRole));
  await sql`grant usage on schema public to ${role}`.execute(db);
  await sql`revoke all on all tables in schema public from ${role}`.execute(db);
  await sql`grant select, insert, update, delete on all tables in schema public to ${role}`.execute(db);
  await sql`grant usage, select on all sequences in schema public to ${role}`.execute(db);
  await sql`revoke insert, update, delete on schema_migrations from ${role}`.execute(db);
  for (const t of APPEND_ONLY_TABLES) await sql`revoke update, delete on ${sql.table(t)} from ${role}`.execute(db);
  for (const [table, secret] of Object.entries(SECRET_COLUMNS)) {
    const cols = await sql<{ c: string }>`select column_name as c from information_schema.columns
      where table_schema = 'public' and table_name = ${table} order by ordinal_position`.execute(db);
    const readable = cols.rows.map((r) => r.c).filter((c) => !secret.includes(c));
    await sql`revoke select on ${sql.table(table)} from ${role}`.execute(db);
    await sql`grant select (${sql.join(readable.map((c) => sql.ref(c)))}) on ${sql.table(table)} to ${role}`.execute(db);
  }
  await sql`grant execute on function console_password_hash(text) to ${role}`.execute(db);
}
