import type { LeadAlertView, SeatView } from '../../shared/contract';
import { alertStep, DEFAULT_LEAD_ALERT_THRESHOLDS, LEAD_ALERT_KINDS, thresholdOf, type LeadAlertKind, type LeadAlertThresholds, type LeadFigures } from '../../shared/domain/lead-alerts';
import { OPEN_TICKET_STATES } from '../../shared/domain/ticket-lifecycle';
import type { BusEvent, EventPublisher } from '../events/bus';
import type { Logger } from '../log';
import { inTransaction, type Db } from '../store/repos/db';
import { readMeta, writeMeta } from '../store/repos/meta';
import { claimLeadAlert, overdueTicketCount, raisedLeadAlerts, releaseLeadAlert, unclaimedItemCount } from '../store/repos/wallboard';
import { writeAudit } from './audit';

const SETTINGS_KEY = 'lead_alerts.thresholds';
/** Waits grow and deadlines pass without any event: those two are read again this often. */
export const LEAD_ALERT_TICK_MS = 10_000;
/**
 * Events are checked at most this often, with a trailing check after a burst: a center sends tens
 * of seat.changed a second, and each check reads the service level (about seven queries), which
 * moves far slower than that. An alert is raised at most this much later than its event.
 */
export const LEAD_ALERT_EVENT_CHECK_MS = 1000;

/** Which figures an event can move. */
const KINDS_OF_EVENT: Partial<Record<BusEvent['name'], LeadAlertKind[]>> = {
  // A call that ends changes today's service level; one that rings or is answered, the wait.
  'seat.changed': ['service_level', 'longest_wait'],
  'stats.changed': ['overdue'],
  'consultation.changed': ['unclaimed_escalations'],
};

export interface LeadAlertOptions {
  db: Db;
  bus: EventPublisher;
  now: () => Date;
  log: Logger;
  /** Today's service level so far (0–1), null with nothing offered. */
  serviceLevel(): Promise<number | null>;
  /** Checks on events at most this often (default LEAD_ALERT_EVENT_CHECK_MS). */
  eventCheckMs?: number;
}

/**
 * The shift lead's alerts, evaluated in main on the events that move their figures (and on a tick
 * for waits and deadlines). Each breach is announced once as `lead.alert` and once more when it
 * clears: the raised alerts are rows in the store (meta `lead_alert:<kind>`) that one writer inserts
 * or deletes, so of the servers of a center that all hear the same event, one tells the leads.
 */
export class LeadAlertService {
  /** Seats with a citizen's call ringing, and since when this process saw it ring. */
  private readonly ringing = new Map<string, number>();
  /**
   * Whether this process has heard any seat since it started: one that has not cannot tell that
   * nobody waits, so it leaves a wait alert raised by another server of the center alone.
   */
  private seatsHeard = false;
  private readonly pending = new Set<LeadAlertKind>();
  private running: Promise<void> | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  /** Figures events asked about since the last event check, and when that check may run. */
  private readonly eventKinds = new Set<LeadAlertKind>();
  private eventTimer: ReturnType<typeof setTimeout> | null = null;
  private lastEventCheck = -Infinity;

  constructor(private readonly o: LeadAlertOptions) {}

  /** Starts the tick and checks every figure once. */
  start(): void {
    this.timer = setInterval(() => this.request(['longest_wait', 'overdue']), LEAD_ALERT_TICK_MS);
    this.timer.unref?.();
    this.request([...LEAD_ALERT_KINDS]);
  }

  /** Everything the bus carries passes here; only what moves a figure is acted on. */
  onEvent(e: BusEvent): void {
    if (e.name === 'seat.changed') this.noteSeat(e.payload);
    const kinds = KINDS_OF_EVENT[e.name];
    if (kinds) this.requestSoon(kinds);
  }

  /**
   * An event's check: at once after a quiet spell, otherwise once the interval since the last one
   * has passed, covering every event meanwhile (the seats seen are already noted, see noteSeat).
   */
  private requestSoon(kinds: readonly LeadAlertKind[]): void {
    if (this.closed) return;
    for (const k of kinds) this.eventKinds.add(k);
    if (this.eventTimer) return;
    const wait = Math.max(0, this.lastEventCheck + (this.o.eventCheckMs ?? LEAD_ALERT_EVENT_CHECK_MS) - performance.now());
    this.eventTimer = setTimeout(() => {
      this.eventTimer = null;
      this.lastEventCheck = performance.now();
      const batch = [...this.eventKinds];
      this.eventKinds.clear();
      this.request(batch);
    }, wait);
    this.eventTimer.unref?.();
  }

  private noteSeat(seat: SeatView): void {
    this.seatsHeard = true;
    if (seat.activity === 'ringing' && seat.call?.direction === 'inbound') {
      if (!this.ringing.has(seat.userId)) this.ringing.set(seat.userId, this.o.now().getTime());
    } else this.ringing.delete(seat.userId);
  }

  /** The longest a caller has been ringing now, in seconds; null with nobody waiting. */
  longestWaitSeconds(): number | null {
    if (this.ringing.size === 0) return null;
    return Math.floor((this.o.now().getTime() - Math.min(...this.ringing.values())) / 1000);
  }

  async thresholds(): Promise<LeadAlertThresholds> {
    const stored = await readMeta(this.o.db, SETTINGS_KEY);
    return stored === null ? DEFAULT_LEAD_ALERT_THRESHOLDS : { ...DEFAULT_LEAD_ALERT_THRESHOLDS, ...(JSON.parse(stored) as Partial<LeadAlertThresholds>) };
  }

  async setThresholds(next: LeadAlertThresholds, actorId: string): Promise<LeadAlertThresholds> {
    const before = await this.thresholds();
    await inTransaction(this.o.db, async (trx) => {
      await writeMeta(trx, SETTINGS_KEY, JSON.stringify(next));
      await writeAudit(trx, { actorId, action: 'wallboard.alert_settings_changed', subjectType: 'settings', subjectId: SETTINGS_KEY, data: { before, after: next } });
    });
    await this.check([...LEAD_ALERT_KINDS]);
    return next;
  }

  /** The alerts raised now, in the order of the kinds. */
  async raised(): Promise<LeadAlertView[]> {
    const rows = await raisedLeadAlerts(this.o.db);
    return rows.map((r) => JSON.parse(r.value) as LeadAlertView)
      .sort((a, b) => LEAD_ALERT_KINDS.indexOf(a.kind) - LEAD_ALERT_KINDS.indexOf(b.kind));
  }

  /** Asks for a check of these figures; checks run one at a time, requests meanwhile merge into the next. */
  private request(kinds: readonly LeadAlertKind[]): void {
    if (this.closed) return;
    for (const k of kinds) this.pending.add(k);
    if (this.running) return;
    this.running = (async () => {
      while (this.pending.size && !this.closed) {
        const batch = [...this.pending];
        this.pending.clear();
        try {
          await this.evaluate(batch);
        } catch (e) {
          this.o.log.warn('lead alerts not checked', { error: String(e) });
        }
      }
    })().finally(() => { this.running = null; });
  }

  /** Checks these figures now and waits for it (and for a check already running). */
  async check(kinds: readonly LeadAlertKind[]): Promise<void> {
    this.request(kinds);
    while (this.running) await this.running;
  }

  /** Reads the asked figures, then raises and clears as the rule says, each change announced once. */
  private async evaluate(kinds: readonly LeadAlertKind[]): Promise<void> {
    const thresholds = await this.thresholds();
    const now = this.o.now();
    const figures: Partial<LeadFigures> = {};
    const watched = (k: LeadAlertKind) => kinds.includes(k);
    await Promise.all([
      watched('service_level') && this.o.serviceLevel().then((v) => { figures.service_level = v; }),
      watched('overdue') && overdueTicketCount(this.o.db, OPEN_TICKET_STATES, now.toISOString()).then((v) => { figures.overdue = v; }),
      watched('unclaimed_escalations') && unclaimedItemCount(this.o.db).then((v) => { figures.unclaimed_escalations = v; }),
    ]);
    if (watched('longest_wait') && this.seatsHeard) figures.longest_wait = this.longestWaitSeconds();
    const raised = new Map((await this.raised()).map((a) => [a.kind, a]));
    const step = alertStep(new Set(raised.keys()), figures, thresholds);
    const shown = (k: LeadAlertKind, v: number | null) => (v === null ? 0 : k === 'service_level' ? Math.round(v * 1000) / 10 : v);
    for (const kind of step.raise) {
      const alert: LeadAlertView = { kind, value: shown(kind, figures[kind] ?? null), threshold: thresholdOf(kind, thresholds)!, since: now.toISOString() };
      if (await claimLeadAlert(this.o.db, kind, JSON.stringify(alert))) this.o.bus.publish('lead.alert', { state: 'raised', alert });
    }
    for (const kind of step.clear) {
      const was = raised.get(kind)!;
      const value = kind in figures ? shown(kind, figures[kind] ?? null) : was.value;
      if (await releaseLeadAlert(this.o.db, kind)) this.o.bus.publish('lead.alert', { state: 'cleared', alert: { ...was, value } });
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.eventTimer) clearTimeout(this.eventTimer);
    this.eventTimer = null;
  }

  /** Waits for a check in progress (closing the app). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }
}
