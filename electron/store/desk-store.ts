import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { outboxRequests, type ContractError, type Draft, type OutboxItem, type OutboxRequest, type SessionInfo } from '../../shared/contract';
import { StoreError } from './errors';

/**
 * What a desk of a center keeps on its own disk (desk.sqlite in its data folder), apart from the
 * console's store: the outbox of writes the center has not confirmed, the agent's drafts, the
 * sign-ins it has seen (by token hash, never the token), and caches of what it needs to go on
 * working offline: reference data and the recent tickets of recent callers. Synchronous
 * (better-sqlite3): every call is one short statement or transaction on a local file.
 */

/** How many callers' screen pops a desk keeps per user, most recent first. */
export const CALLER_CACHE_LIMIT = 500;
/** Knowledge and script answers kept per user for offline work (each query and article once, the newest). */
export const ANSWER_CACHE_LIMIT = 300;
/** Cached sign-ins older than this are forgotten (the center's sessions expire sooner). */
const SESSION_CACHE_MS = 24 * 3600_000;
/** Bumped when the tables below change; a newer file is refused, an older one is upgraded. */
const DESK_SCHEMA_VERSION = 4;

/**
 * What the outbox carries: the agent's own writes (shown in the header and the list, for them to
 * correct or drop) and this seat's call records for the center, replayed in the same order but
 * never shown: nothing in them is the agent's to edit, and the center takes each once.
 */
export type OutboxName = OutboxRequest | 'seat.recordCall' | 'seat.wrapUpCall';
const AGENT_WRITES = `name in (${outboxRequests.map((n) => `'${n}'`).join(', ')})`;
export const isAgentWrite = (name: OutboxName): name is OutboxRequest => (outboxRequests as readonly string[]).includes(name);

/** Step i takes desk.sqlite from version i to i + 1. */
const DESK_MIGRATIONS: readonly string[] = [
  // 1: outbox, drafts, sign-ins seen, caches (the first desk release).
  `create table if not exists outbox (
    seq integer primary key autoincrement,
    id text not null unique,
    user_id text not null,
    name text not null,
    input text not null,
    summary text not null,
    created_at text not null,
    state text not null default 'waiting',
    error text,
    attempts integer not null default 0
  );
  create table if not exists drafts (user_id text not null, key text not null, data text not null, saved_at text not null, primary key (user_id, key));
  create table if not exists sessions (token_hash text primary key, user_id text not null, session text not null, seen_at text not null);
  create table if not exists reference_cache (user_id text primary key, value text not null, fetched_at text not null);
  create table if not exists caller_cache (user_id text not null, phone text not null, value text not null, fetched_at text not null, primary key (user_id, phone));
  create index if not exists caller_cache_recent on caller_cache (user_id, fetched_at);
  create table if not exists meta (key text primary key, value text not null);`,
  // 2: offline sign-in (issue 12 C): a salted scrypt verifier per user name who signed in here,
  // sign-ins made offline (a token the center never issued), the outbox writes made under them,
  // and the desk's own audit of what happened to them.
  `create table offline_verifiers (
    username text primary key, user_id text not null, salt text not null, verifier text not null, params text not null,
    session text not null, refreshed_at text not null
  );
  create index offline_verifiers_user on offline_verifiers (user_id);
  alter table sessions add column offline integer not null default 0;
  alter table outbox add column offline_session text;
  create table desk_audit (seq integer primary key autoincrement, at text not null, user_id text, action text not null, data text not null);`,
  // 3: the knowledge base and call scripts as the center last answered them (issue 12: scripts
  // and knowledge are cached reference data), per user, request and input.
  `create table answer_cache (user_id text not null, name text not null, input text not null, value text not null, fetched_at text not null,
    primary key (user_id, name, input));
  create index answer_cache_recent on answer_cache (user_id, fetched_at);`,
  // 4: this desk's call recordings the center has whole (or refused for good), issue 15.1.
  `create table recording_uploads (recording_id text primary key, user_id text not null, state text not null, error text, at text not null);`,
];

export interface OutboxRow {
  seq: number;
  id: string;
  userId: string;
  name: OutboxName;
  input: unknown;
  summary: string;
  createdAt: string;
  state: 'waiting' | 'failed';
  error: ContractError | null;
  attempts: number;
}

interface RawOutbox {
  seq: number; id: string; user_id: string; name: string; input: string; summary: string; created_at: string;
  state: string; error: string | null; attempts: number;
}

const toRow = (r: RawOutbox): OutboxRow => ({
  seq: r.seq, id: r.id, userId: r.user_id, name: r.name as OutboxName, input: JSON.parse(r.input) as unknown, summary: r.summary,
  createdAt: r.created_at, state: r.state === 'failed' ? 'failed' : 'waiting', error: r.error ? (JSON.parse(r.error) as ContractError) : null, attempts: r.attempts,
});

export const outboxView = (r: OutboxRow & { name: OutboxRequest }): OutboxItem => ({
  id: r.id, seq: r.seq, name: r.name, summary: r.summary, createdAt: r.createdAt, state: r.state, error: r.error, attempts: r.attempts,
});

export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('base64url');

export class DeskStore {
  private readonly db: Database.Database;

  constructor(file: string, readonly now: () => Date = () => new Date()) {
    try {
      this.db = new Database(file);
    } catch (e) {
      throw new StoreError('unreadable', `无法打开本机缓存 ${file}：${(e as Error).message}`, { file });
    }
    this.db.pragma('journal_mode = WAL');
    // An acknowledged outbox write must survive a power cut: the agent was told it is kept.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    const version = Number(this.db.pragma('user_version', { simple: true }));
    if (version > DESK_SCHEMA_VERSION) {
      this.db.close();
      throw new StoreError('newer_version', `本机缓存 ${file} 来自更新版本的坐席台（格式 ${version}），请升级本程序。`, { file });
    }
    // Each step takes the file from its index to the next version, in one transaction with the new number.
    const upgrade = this.db.transaction(() => {
      for (let v = version; v < DESK_SCHEMA_VERSION; v++) this.db.exec(DESK_MIGRATIONS[v]!);
      this.db.pragma(`user_version = ${DESK_SCHEMA_VERSION}`);
    });
    if (version < DESK_SCHEMA_VERSION) upgrade.immediate();
  }

  // ---- recordings sent to the center ----------------------------------------------------------

  /** Of these recordings, the ones the center has whole or refused for good, or with no file left here (not to send again). */
  uploadsSettled(ids: readonly string[]): Set<string> {
    if (ids.length === 0) return new Set();
    const rows = this.db.prepare(`select recording_id from recording_uploads where recording_id in (${ids.map(() => '?').join(',')})`).pluck().all(...ids) as string[];
    return new Set(rows);
  }

  settleUpload(recordingId: string, userId: string, state: 'uploaded' | 'refused' | 'empty' | 'missing', error: ContractError | null): void {
    this.db.prepare('insert into recording_uploads (recording_id, user_id, state, error, at) values (?, ?, ?, ?, ?) on conflict (recording_id) do update set state = excluded.state, error = excluded.error, at = excluded.at')
      .run(recordingId, userId, state, error ? JSON.stringify(error) : null, this.now().toISOString());
  }

  uploadState(recordingId: string): string | null {
    return (this.db.prepare('select state from recording_uploads where recording_id = ?').pluck().get(recordingId) as string | undefined) ?? null;
  }

  static open(dataDir: string, now?: () => Date): DeskStore {
    return new DeskStore(join(dataDir, 'desk.sqlite'), now);
  }

  // ---- outbox -------------------------------------------------------------------------------

  /**
   * Keeps a write for the center, in the same transaction as dropping the form's draft, so that
   * what the agent typed is in exactly one of the two places whatever happens next.
   */
  enqueue(item: { id: string; userId: string; name: OutboxName; input: unknown; summary: string; draftKey?: string; offlineToken?: string | null }): OutboxRow {
    const createdAt = this.now().toISOString();
    const tx = this.db.transaction(() => {
      this.db.prepare(`insert into outbox (id, user_id, name, input, summary, created_at, offline_session) values (?, ?, ?, ?, ?, ?, ?)`)
        .run(item.id, item.userId, item.name, JSON.stringify(item.input), item.summary, createdAt, item.offlineToken ? tokenHash(item.offlineToken) : null);
      if (item.draftKey) this.db.prepare('delete from drafts where user_id = ? and key = ?').run(item.userId, item.draftKey);
    });
    tx.immediate();
    return toRow(this.db.prepare('select * from outbox where id = ?').get(item.id) as RawOutbox);
  }

  /** This user's own writes (not the call records), oldest first. */
  outbox(userId: string): (OutboxRow & { name: OutboxRequest })[] {
    return (this.db.prepare(`select * from outbox where user_id = ? and ${AGENT_WRITES} order by seq`).all(userId) as RawOutbox[]).map(toRow) as (OutboxRow & { name: OutboxRequest })[];
  }

  /** One of this user's own writes. */
  outboxItem(userId: string, id: string): OutboxRow | null {
    const r = this.db.prepare(`select * from outbox where user_id = ? and id = ? and ${AGENT_WRITES}`).get(userId, id) as RawOutbox | undefined;
    return r ? toRow(r) : null;
  }

  /** Whether anything (a write or a call record) has this id already. */
  hasOutboxId(id: string): boolean {
    return this.db.prepare('select 1 from outbox where id = ?').get(id) !== undefined;
  }

  /** The next write to send for this user: the oldest one still waiting (a failed one waits for the agent, later ones go on). */
  nextWaiting(userId: string): OutboxRow | null {
    const r = this.db.prepare(`select * from outbox where user_id = ? and state = 'waiting' order by seq limit 1`).get(userId) as RawOutbox | undefined;
    return r ? toRow(r) : null;
  }

  counts(userId: string | null): { waiting: number; failed: number } {
    const rows = this.db.prepare(`select state, count(*) n from outbox where ${AGENT_WRITES} ${userId ? 'and user_id = ?' : ''} group by state`).all(...(userId ? [userId] : [])) as { state: string; n: number }[];
    const failed = rows.find((r) => r.state === 'failed')?.n ?? 0;
    return { waiting: rows.reduce((s, r) => s + r.n, 0), failed };
  }

  /** Users with writes still to send (after a restart, whoever signs in first replays their own). */
  usersWaiting(): string[] {
    return (this.db.prepare(`select distinct user_id from outbox where state = 'waiting'`).all() as { user_id: string }[]).map((r) => r.user_id);
  }

  noteAttempt(id: string): void {
    this.db.prepare('update outbox set attempts = attempts + 1 where id = ?').run(id);
  }

  /** The center confirmed it: gone from the outbox. */
  delivered(id: string): void {
    const tx = this.db.transaction(() => {
      this.db.prepare('delete from outbox where id = ?').run(id);
      this.setMeta('last_sync_at', this.now().toISOString());
    });
    tx.immediate();
  }

  /** The center refused it: it stays, marked, for the agent to correct or discard. */
  refused(id: string, error: ContractError): void {
    this.db.prepare(`update outbox set state = 'failed', error = ? where id = ?`).run(JSON.stringify(error), id);
  }

  /**
   * The center refused the sign-in an offline session stood for: what was saved under it is not
   * sent (it waits, marked, for a valid sign-in of its user to look at it). Returns how many.
   */
  holdOfflineWrites(offlineToken: string, error: ContractError): number {
    return this.db.prepare(`update outbox set state = 'failed', error = ? where offline_session = ? and state = 'waiting'`)
      .run(JSON.stringify(error), tokenHash(offlineToken)).changes;
  }

  discard(userId: string, id: string): boolean {
    return this.db.prepare(`delete from outbox where user_id = ? and id = ? and ${AGENT_WRITES}`).run(userId, id).changes > 0;
  }

  // ---- drafts -------------------------------------------------------------------------------

  getDraft(userId: string, key: string): Draft | null {
    const r = this.db.prepare('select key, data, saved_at from drafts where user_id = ? and key = ?').get(userId, key) as { key: string; data: string; saved_at: string } | undefined;
    return r ? { key: r.key, data: r.data, savedAt: r.saved_at } : null;
  }

  saveDraft(userId: string, key: string, data: string): Draft {
    const savedAt = this.now().toISOString();
    this.db.prepare(`insert into drafts (user_id, key, data, saved_at) values (?, ?, ?, ?)
      on conflict (user_id, key) do update set data = excluded.data, saved_at = excluded.saved_at`).run(userId, key, data, savedAt);
    return { key, data, savedAt };
  }

  discardDraft(userId: string, key: string): void {
    this.db.prepare('delete from drafts where user_id = ? and key = ?').run(userId, key);
  }

  // ---- sign-ins -----------------------------------------------------------------------------

  /**
   * A sign-in the center confirmed (or one made offline on this desk, `offline`), so that a window
   * reloaded while offline keeps it.
   */
  rememberSession(token: string, session: SessionInfo, offline = false): void {
    this.db.prepare(`insert into sessions (token_hash, user_id, session, seen_at, offline) values (?, ?, ?, ?, ?)
      on conflict (token_hash) do update set session = excluded.session, seen_at = excluded.seen_at`)
      .run(tokenHash(token), session.user.id, JSON.stringify(session), this.now().toISOString(), offline ? 1 : 0);
  }

  /** Whether a token is one this desk issued offline (the center never saw it). */
  isOfflineSession(token: string): boolean {
    return this.db.prepare('select 1 from sessions where token_hash = ? and offline = 1').get(tokenHash(token)) !== undefined;
  }

  /** The session a token was last confirmed for, if recent; null otherwise. */
  knownSession(token: string): SessionInfo | null {
    const since = new Date(this.now().getTime() - SESSION_CACHE_MS).toISOString();
    const r = this.db.prepare('select session from sessions where token_hash = ? and seen_at >= ?').get(tokenHash(token), since) as { session: string } | undefined;
    return r ? (JSON.parse(r.session) as SessionInfo) : null;
  }

  forgetSession(token: string): void {
    this.db.prepare('delete from sessions where token_hash = ?').run(tokenHash(token));
  }

  /** Every cached sign-in of a user (the center ended their sessions: logout elsewhere, disabled, password changed). */
  forgetUser(userId: string): void {
    this.db.prepare('delete from sessions where user_id = ?').run(userId);
  }

  // ---- offline sign-in ------------------------------------------------------------------------

  keepVerifier(v: { username: string; userId: string; salt: string; verifier: string; params: string; session: SessionInfo }): void {
    const tx = this.db.transaction(() => {
      // One user name per user: a renamed account leaves no verifier under its old name.
      this.db.prepare('delete from offline_verifiers where user_id = ? and username <> ?').run(v.userId, v.username);
      this.db.prepare(`insert into offline_verifiers (username, user_id, salt, verifier, params, session, refreshed_at) values (?, ?, ?, ?, ?, ?, ?)
        on conflict (username) do update set user_id = excluded.user_id, salt = excluded.salt, verifier = excluded.verifier, params = excluded.params,
          session = excluded.session, refreshed_at = excluded.refreshed_at`)
        .run(v.username, v.userId, v.salt, v.verifier, v.params, JSON.stringify(v.session), this.now().toISOString());
    });
    tx.immediate();
  }

  verifier(username: string): { userId: string; salt: string; verifier: string; params: string; session: SessionInfo; refreshedAt: string } | null {
    const r = this.db.prepare('select * from offline_verifiers where username = ?').get(username) as
      { user_id: string; salt: string; verifier: string; params: string; session: string; refreshed_at: string } | undefined;
    return r ? { userId: r.user_id, salt: r.salt, verifier: r.verifier, params: r.params, session: JSON.parse(r.session) as SessionInfo, refreshedAt: r.refreshed_at } : null;
  }

  forgetVerifier(userId: string): void {
    this.db.prepare('delete from offline_verifiers where user_id = ?').run(userId);
  }

  forgetVerifierByUsername(username: string): void {
    this.db.prepare('delete from offline_verifiers where username = ?').run(username);
  }

  /** The desk's own audit line (offline sign-ins and what the center later said of them). */
  audit(userId: string | null, action: string, data: Record<string, unknown> = {}): void {
    this.db.prepare('insert into desk_audit (at, user_id, action, data) values (?, ?, ?, ?)').run(this.now().toISOString(), userId, action, JSON.stringify(data));
  }

  auditLines(): { at: string; userId: string | null; action: string; data: Record<string, unknown> }[] {
    return (this.db.prepare('select at, user_id, action, data from desk_audit order by seq').all() as { at: string; user_id: string | null; action: string; data: string }[])
      .map((r) => ({ at: r.at, userId: r.user_id, action: r.action, data: JSON.parse(r.data) as Record<string, unknown> }));
  }

  // ---- caches -------------------------------------------------------------------------------

  cacheReference(userId: string, value: unknown): void {
    this.db.prepare(`insert into reference_cache (user_id, value, fetched_at) values (?, ?, ?)
      on conflict (user_id) do update set value = excluded.value, fetched_at = excluded.fetched_at`).run(userId, JSON.stringify(value), this.now().toISOString());
  }

  cachedReference(userId: string): { value: unknown; fetchedAt: string } | null {
    const r = this.db.prepare('select value, fetched_at from reference_cache where user_id = ?').get(userId) as { value: string; fetched_at: string } | undefined;
    return r ? { value: JSON.parse(r.value) as unknown, fetchedAt: r.fetched_at } : null;
  }

  /** A caller's screen pop as the center last answered it for this user; the oldest beyond the limit are dropped. */
  cacheCaller(userId: string, phone: string, value: unknown): void {
    const tx = this.db.transaction(() => {
      this.db.prepare(`insert into caller_cache (user_id, phone, value, fetched_at) values (?, ?, ?, ?)
        on conflict (user_id, phone) do update set value = excluded.value, fetched_at = excluded.fetched_at`).run(userId, phone, JSON.stringify(value), this.now().toISOString());
      this.db.prepare(`delete from caller_cache where user_id = ? and phone not in (
        select phone from caller_cache where user_id = ? order by fetched_at desc limit ?)`).run(userId, userId, CALLER_CACHE_LIMIT);
    });
    tx.immediate();
  }

  cachedCaller(userId: string, phone: string): { value: unknown; fetchedAt: string } | null {
    const r = this.db.prepare('select value, fetched_at from caller_cache where user_id = ? and phone = ?').get(userId, phone) as { value: string; fetched_at: string } | undefined;
    return r ? { value: JSON.parse(r.value) as unknown, fetchedAt: r.fetched_at } : null;
  }

  /** A read's answer as the center gave it to this user for this input; the oldest beyond the limit are dropped. */
  cacheAnswer(userId: string, name: string, input: unknown, value: unknown): void {
    const tx = this.db.transaction(() => {
      this.db.prepare(`insert into answer_cache (user_id, name, input, value, fetched_at) values (?, ?, ?, ?, ?)
        on conflict (user_id, name, input) do update set value = excluded.value, fetched_at = excluded.fetched_at`)
        .run(userId, name, JSON.stringify(input ?? null), JSON.stringify(value), this.now().toISOString());
      this.db.prepare(`delete from answer_cache where user_id = ? and rowid not in (
        select rowid from answer_cache where user_id = ? order by fetched_at desc limit ?)`).run(userId, userId, ANSWER_CACHE_LIMIT);
    });
    tx.immediate();
  }

  cachedAnswer(userId: string, name: string, input: unknown): { value: unknown; fetchedAt: string } | null {
    const r = this.db.prepare('select value, fetched_at from answer_cache where user_id = ? and name = ? and input = ?')
      .get(userId, name, JSON.stringify(input ?? null)) as { value: string; fetched_at: string } | undefined;
    return r ? { value: JSON.parse(r.value) as unknown, fetchedAt: r.fetched_at } : null;
  }

  // ---- meta ---------------------------------------------------------------------------------

  getMeta(key: string): string | null {
    return (this.db.prepare('select value from meta where key = ?').get(key) as { value: string } | undefined)?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('insert into meta (key, value) values (?, ?) on conflict (key) do update set value = excluded.value').run(key, value);
  }

  close(): void {
    this.db.close();
  }
}
