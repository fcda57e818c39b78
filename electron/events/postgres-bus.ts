import pg from 'pg';
import { describePostgresUrl, postgresClientConfig, type PostgresOptions } from '../store/postgres';
import { StoreError, connectFailure } from '../store/errors';
import { audienceSchema, eventAudience, type AudienceArgs, type BusEventName, type EventPayload } from '../../shared/contract';
import type { Logger } from '../log';
import { uuidv7 } from '../util/ids';
import { busEvent, Subscribers, type BusEvent, type EventBus } from './bus';

/** The NOTIFY channel every console server of a center listens on. */
export const EVENTS_CHANNEL = 'hotline_events';

export type ListenStatus = 'listening' | 'lost';

export interface PostgresEventBusOptions {
  /** The center database (the same one the store opens). */
  url: string;
  /** Password and TLS as the store got them (pg-settings.ts); absent, the URL alone. */
  connection?: Pick<PostgresOptions, 'password' | 'ssl'>;
  log: Logger;
  /** First wait before re-opening a dropped listening connection; doubles on each failure up to 5 s. @default 200 */
  reconnectDelayMs?: number;
  /** Events older than this are deleted from console_events. @default 1 day */
  retentionMs?: number;
  /** A safety net: reads new events this often even without a notification. @default 30000 */
  pollMs?: number;
  /** Hears the listening connection come and go (logs, tests). */
  onStatus?: (status: ListenStatus) => void;
}

const MAX_RECONNECT_DELAY_MS = 5_000;
const PAGE = 500;
const WRITE_ATTEMPTS = 6;
const PRUNE_EVERY = 500;

/** A row of console_events (electron/store/migrations/0017_console_events.ts), read back as text. */
interface EventRow { seq: string; origin: string; name: string; payload: string; audience: string }

/**
 * The center's bus: several console servers on one PostgreSQL database. `publish` hands the event
 * to this server's subscribers at once (as the in-process bus does), then writes it to
 * console_events and NOTIFYs its sequence number; every other server, LISTENing on its own
 * connection, reads the new rows in sequence order and hands them to its subscribers.
 *
 * Order: publishers take a transaction-scoped advisory lock before drawing the sequence number,
 * so rows commit in `seq` order and a reader that has seen `seq` n never later finds a smaller one.
 * Loss: when the listening connection drops, the server reconnects (with back-off) and reads every
 * row after the last one it saw, so events published meanwhile arrive late rather than never.
 */
export class PostgresEventBus implements EventBus {
  /** This server's mark on the rows it writes (it already delivered them itself). */
  readonly id = uuidv7();
  private readonly subscribers: Subscribers;
  private readonly pool: pg.Pool;
  private listener: pg.Client | null = null;
  private lastSeq = 0;
  private publishing: Promise<void> = Promise.resolve();
  private published = 0;
  private catching: Promise<void> | null = null;
  private catchUpAgain = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private delay: number;
  private closed = false;

  private constructor(private readonly o: PostgresEventBusOptions) {
    this.subscribers = new Subscribers(o.log);
    this.delay = o.reconnectDelayMs ?? 200;
    this.pool = new pg.Pool({ ...postgresClientConfig(o.url, o.connection), max: 3, application_name: 'hotline-events', connectionTimeoutMillis: 10_000 });
    // A pooled connection dropped by the server must not crash the process; the next query reports it.
    this.pool.on('error', () => {});
    // Likewise one that drops while checked out (see openPostgresStore).
    this.pool.on('connect', (client) => client.on('error', () => {}));
  }

  /** Checks the events table (migration 0017), then listens; resolves once this server hears others. */
  static async start(o: PostgresEventBusOptions): Promise<PostgresEventBus> {
    const bus = new PostgresEventBus(o);
    try {
      await bus.install();
      const r = await bus.pool.query<{ seq: string }>('select coalesce(max(seq), 0)::text as seq from console_events');
      bus.lastSeq = Number(r.rows[0]!.seq);
      await bus.connectListener();
      const pollMs = o.pollMs ?? 30_000;
      bus.pollTimer = setInterval(() => bus.requestCatchUp(), pollMs);
      bus.pollTimer.unref();
    } catch (e) {
      await bus.close();
      // A start-up refusal the server prints as one sentence (runProcess): a driver or network error becomes connectFailure's.
      if (e instanceof StoreError || typeof (e as { code?: unknown } | null)?.code !== 'string') throw e;
      throw connectFailure(e, describePostgresUrl(o.url), decodeURIComponent(new URL(o.url).username));
    }
    return bus;
  }

  publish<E extends BusEventName>(name: E, payload: EventPayload<E>, ...audience: AudienceArgs<E>): void {
    if (this.closed) return;
    const event = busEvent(name, payload, audience[0]);
    this.subscribers.deliver(event);
    // One write at a time: this server's events keep their order for the others too.
    this.publishing = this.publishing.then(() => this.writeWithRetry(event)).catch((e: unknown) => {
      this.o.log.error('event not passed to the other servers', { event: name, error: (e as Error).stack ?? String(e) });
    });
  }

  subscribe(handler: (event: BusEvent) => void): () => void {
    return this.subscribers.add(handler);
  }

  /** Resolves when every event published so far is written (and notified). */
  flush(): Promise<void> {
    return this.publishing;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.pollTimer) clearInterval(this.pollTimer);
    await this.publishing;
    await this.catching;
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }

  /** The events table is the store's (migration 0017): a database the store never opened is refused clearly. */
  private async install(): Promise<void> {
    const r = await this.pool.query<{ t: string | null }>("select to_regclass('console_events')::text as t");
    if (!r.rows[0]?.t) {
      throw new StoreError('misconfigured', `中心数据库 ${describePostgresUrl(this.o.url)} 中没有 console_events 表：事件总线须在数据库打开（并升级到第 17 版）之后启动。`);
    }
    await this.prune();
  }

  /**
   * A write that fails (the database restarting, a dropped pooled connection) is tried again with
   * back-off for about six seconds; the events after it wait, so the order holds. Then it is logged
   * as lost for the other servers (this server's connections already had it).
   */
  private async writeWithRetry(event: BusEvent): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.write(event);
        return;
      } catch (e) {
        if (this.closed || attempt >= WRITE_ATTEMPTS) throw e;
        this.o.log.warn('event write failed; retrying', { event: event.name, attempt, error: String(e) });
        await new Promise((resolve) => setTimeout(resolve, Math.min(200 * 2 ** (attempt - 1), MAX_RECONNECT_DELAY_MS)));
      }
    }
  }

  private async write(event: BusEvent): Promise<void> {
    const c = await this.pool.connect();
    try {
      await c.query('begin');
      // The event only tells others to re-read what its writer already committed durably; waiting for
      // its own WAL flush would hold the center-wide publish lock for an fsync. The price: a database
      // crash may lose the last few events (not the changes they announce).
      await c.query('set local synchronous_commit = off');
      await c.query("select pg_advisory_xact_lock(hashtext('events:publish'))");
      const r = await c.query<{ seq: string }>(
        'insert into console_events (origin, name, payload, audience) values ($1, $2, $3, $4) returning seq::text as seq',
        [this.id, event.name, JSON.stringify(event.payload), JSON.stringify(event.audience)],
      );
      await c.query('select pg_notify($1, $2)', [EVENTS_CHANNEL, r.rows[0]!.seq]);
      await c.query('commit');
    } catch (e) {
      await c.query('rollback').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
    if (++this.published % PRUNE_EVERY === 0) await this.prune();
  }

  private async prune(): Promise<void> {
    const retentionMs = this.o.retentionMs ?? 86_400_000;
    await this.pool.query('delete from console_events where at < now() - make_interval(secs => $1)', [retentionMs / 1000]);
  }

  private async connectListener(): Promise<void> {
    const client = new pg.Client({ ...postgresClientConfig(this.o.url, this.o.connection), application_name: `hotline-events-${this.id}`, connectionTimeoutMillis: 10_000 });
    let gone = false;
    const onGone = (): void => {
      if (gone) return;
      gone = true;
      const wasListening = this.listener === client;
      if (wasListening) this.listener = null;
      client.end().catch(() => undefined);
      if (wasListening && !this.closed) {
        this.o.log.warn('event bus lost its listening connection; reconnecting');
        this.o.onStatus?.('lost');
        this.scheduleReconnect();
      }
    };
    client.on('error', onGone);
    client.on('end', onGone);
    client.on('notification', (n) => {
      if (n.channel === EVENTS_CHANNEL) this.requestCatchUp();
    });
    try {
      await client.connect();
      await client.query(`listen ${EVENTS_CHANNEL}`);
    } catch (e) {
      gone = true;
      await client.end().catch(() => undefined);
      throw e;
    }
    if (gone) throw new Error('the listening connection closed while it started');
    if (this.closed) {
      gone = true;
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = client;
    this.delay = this.o.reconnectDelayMs ?? 200;
    this.o.onStatus?.('listening');
    // What was published while this server was not listening.
    this.requestCatchUp();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connectListener().catch((e: unknown) => {
        this.o.log.warn('event bus could not listen yet', { error: String(e) });
        this.delay = Math.min(this.delay * 2, MAX_RECONNECT_DELAY_MS);
        this.scheduleReconnect();
      });
    }, this.delay);
  }

  /** Reads new rows; a request while a read runs makes it read once more (nothing is skipped). */
  private requestCatchUp(): void {
    if (this.closed) return;
    if (this.catching) {
      this.catchUpAgain = true;
      return;
    }
    this.catching = (async () => {
      do {
        this.catchUpAgain = false;
        await this.readNew();
      } while (this.catchUpAgain && !this.closed);
    })().catch((e: unknown) => {
      // The next notification, the reconnect or the poll reads again from the same place.
      this.o.log.warn('event bus could not read new events', { error: String(e) });
    }).finally(() => {
      this.catching = null;
    });
  }

  private async readNew(): Promise<void> {
    for (;;) {
      const r = await this.pool.query<EventRow>(
        'select seq::text as seq, origin, name, payload, audience from console_events where console_events.seq > $1 order by console_events.seq limit $2',
        [String(this.lastSeq), PAGE],
      );
      for (const row of r.rows) {
        if (this.closed) return;
        this.lastSeq = Number(row.seq);
        if (row.origin === this.id) continue;
        const event = parseRow(row);
        if (event) this.subscribers.deliver(event);
        else this.o.log.warn('event bus skipped an event it cannot read', { seq: row.seq, event: row.name.slice(0, 80) });
      }
      if (r.rows.length < PAGE) return;
    }
  }
}

/** A row written by another server, checked before it reaches a connection (a newer server may know events this one does not). */
function parseRow(row: EventRow): BusEvent | null {
  if (!Object.hasOwn(eventAudience, row.name)) return null;
  const name = row.name as keyof typeof eventAudience;
  if (eventAudience[name].from === 'connection') return null;
  try {
    const audience = audienceSchema.safeParse(JSON.parse(row.audience));
    if (!audience.success) return null;
    return { name, payload: JSON.parse(row.payload), audience: audience.data } as BusEvent;
  } catch {
    return null;
  }
}

/**
 * The bus a center's console server uses (issue 12): one per process, on the center database.
 * Resolves when it listens; close() it before the store.
 */
export function createPostgresEventBus(opts: PostgresEventBusOptions): Promise<PostgresEventBus> {
  return PostgresEventBus.start(opts);
}
