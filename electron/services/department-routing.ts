/**
 * 智能派单 and the misrouting guard over the store.
 *
 * - `suggest`: the lead and co-departments for a ticket (electron/classify/department-suggester.ts)
 *   from the incremental counts in department_tallies: one indexed read of a few dozen keys, plus
 *   one small read per suggestion for its "近 90 天" count. Suggestions outside the ticket's area
 *   are left out.
 * - `check`: what the guard warns of before a dispatch (similar tickets the department returned
 *   in the last 90 days; a division outside its area).
 * - `learn`: called by the ticket workflow inside the transaction of each change, so the next
 *   suggestion knows it at once (a sign learns the lead and co-departments; an approved return
 *   counts against the returning department and unlearns it if it had signed; a redispatching
 *   reopen does the same to the department that had it).
 * - `rebuildIfEmpty`: a store whose history was written without the workflow (demo data, an
 *   import, a store older than migration 0023) is replayed once, in yielding pages.
 *
 * Areas: departments.district_code is the area (null: the whole city). Street offices have no
 * street column in the schema; the demo data codes them `S<street code>`, which is used when
 * present (a department with another code is checked at district level only).
 */
import type { SessionInfo } from '../../shared/contract';
import { chinaDateKey, DAY_MS } from '../../shared/domain/china-time';
import { ROUTING_RECENT_DAYS, type DepartmentSuggestion, type DepartmentSuggestions, type DispatchWarning } from '../../shared/domain/routing';
import { readTicketEvent, type ReadTicketEvent } from '../../shared/domain/ticket-events';

/** A history event as the routing learns it: its action, facts and time. */
export type RoutingEvent = ReadTicketEvent & { readonly at: string };
import {
  isDatedKey, outcomeDeltas, rankDepartments, routingKeys, streetNamedIn, titleBigrams, type RoutingTicket, type TallyDelta,
} from '../classify/department-suggester';
import type { Logger } from '../log';
import { departmentNames } from '../store/repos/departments';
import { inTransaction, type Db } from '../store/repos/db';
import { loadReferenceData } from '../store/repos/reference';
import {
  addTallies, departmentAreas, hasTallies, recentTally, recordReturn, returnsOf, routingHistoryPage, routingTicket, streetDivisions, tallyRows,
  type ReturnRecord,
} from '../store/repos/routing';
import { uuidv7 } from '../util/ids';
import { BACKGROUND_SLICE_MS, nextBatchSize, nextTurn } from '../util/time-slice';
import { assertTicketVisible } from './ticket-visibility';

/** Returns a guard reads per department (the newest ones). */
const GUARD_RETURNS = 200;
/** Bigram overlap (Jaccard) from which a returned ticket's text counts as similar. */
const SIMILAR_TEXT = 0.3;

/** Where a ticket's dispatch stands before an event: what the event's effect depends on. */
export interface RoutingBefore {
  leadDepartmentId: string | null;
  coDepartmentIds: readonly string[];
  signed: boolean;
  /** The reason of the pending return (returnTicket), if any. */
  returnReason: string | null;
}

interface TicketFacts { id: string; category_id: string | null; district_code: string | null; street_code: string | null; title: string; content: string }

/** What one history event changes in the counts, and the return it records. Pure. */
export function routingEffects(t: RoutingTicket, before: RoutingBefore, e: ReadTicketEvent): { deltas: TallyDelta[]; returned: string | null } {
  const deltas: TallyDelta[] = [];
  const lead = before.leadDepartmentId;
  const wrong = (dept: string) => {
    deltas.push(...outcomeDeltas(t, dept, 'lead', 'returned'));
    if (before.signed) {
      deltas.push(...outcomeDeltas(t, dept, 'lead', 'unsign'));
      for (const c of before.coDepartmentIds) deltas.push(...outcomeDeltas(t, c, 'co', 'unsign'));
    }
  };
  switch (e.action) {
    case 'sign':
      if (lead) {
        deltas.push(...outcomeDeltas(t, lead, 'lead', 'signed'));
        for (const c of before.coDepartmentIds) if (c !== lead) deltas.push(...outcomeDeltas(t, c, 'co', 'signed'));
      }
      return { deltas, returned: null };
    case 'approveReturn':
      if (!lead) return { deltas, returned: null };
      wrong(lead);
      return { deltas, returned: lead };
    case 'reopen':
      if (e.data.route.kind === 'redispatch' && lead && e.data.route.leadDepartmentId !== lead) {
        wrong(lead);
        return { deltas, returned: lead };
      }
      return { deltas, returned: null };
    default:
      return { deltas, returned: null };
  }
}

function bigramSet(s: string): Set<string> {
  return new Set(titleBigrams(s.slice(0, 200)).concat(titleBigrams(s.slice(200, 400))));
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let both = 0;
  for (const x of a) if (b.has(x)) both++;
  return both / (a.size + b.size - both);
}

export class DepartmentRouting {
  private streets: { code: string; name: string; districtCode: string }[] | null = null;
  private names: Map<string, string> | null = null;
  private rebuilding: Promise<void> | null = null;

  /** `sliceMs`: how long one page of the history replay may hold the thread (Infinity: whole 300-event pages). */
  constructor(private readonly db: Db, private readonly log: Logger, private readonly now: () => Date = () => new Date(), private readonly sliceMs = BACKGROUND_SLICE_MS) {}

  /** Reference data may change (admin, demo setup): read again on the next use. */
  forgetReference(): void {
    this.streets = null;
    this.names = null;
  }

  /** `db`: the caller's transaction when inside one (on SQLite the store has one connection). */
  private async streetList(db: Db) {
    this.streets ??= (await streetDivisions(db)).map((s) => ({ code: s.code, name: s.name, districtCode: s.parent_code ?? '' }));
    return this.streets;
  }

  private async nameOf(id: string): Promise<string> {
    if (!this.names?.has(id)) this.names = await departmentNames(this.db);
    return this.names.get(id) ?? '';
  }

  /** The routing view of a ticket: its street, or the street its text names. */
  private async routingOf(t: TicketFacts, db: Db = this.db): Promise<RoutingTicket> {
    const streetCode = t.street_code ?? streetNamedIn(`${t.title} ${t.content.slice(0, 400)}`, await this.streetList(db), t.district_code);
    return { categoryId: t.category_id, districtCode: t.district_code, streetCode, title: t.title, content: t.content };
  }

  async suggest(ticketId: string, session: SessionInfo, limit = 3): Promise<DepartmentSuggestions> {
    await assertTicketVisible(this.db, session, ticketId);
    const facts = await routingTicket(this.db, ticketId);
    if (!facts) return { lead: [], co: [] };
    const t = await this.routingOf(facts);
    const keys = routingKeys(t);
    const ranked = rankDepartments(keys, await tallyRows(this.db, keys.map((k) => k.key)), limit + 2);
    const areas = new Map((await departmentAreas(this.db, [...ranked.lead, ...ranked.co].map((s) => s.departmentId))).map((a) => [a.id, a]));
    // A local government (a district or street office) is suggested only for a ticket whose place
    // is known and inside its area: without a district, its past tickets elsewhere say nothing here.
    const inArea = (id: string) => {
      const a = areas.get(id);
      return !!a && (a.district_code === null || facts.district_code !== null) && this.outsideArea(a, facts) === null;
    };
    const fromDay = chinaDateKey(new Date(this.now().getTime() - (ROUTING_RECENT_DAYS - 1) * DAY_MS));
    const describe = async (s: (typeof ranked.lead)[number], role: 'lead' | 'co'): Promise<DepartmentSuggestion> => {
      const key = keys.find((k) => k.basis === s.basis && k.role === role);
      let count = s.signed;
      let days: number | null = null;
      if (key && isDatedKey(key)) {
        count = (await recentTally(this.db, key.key, s.departmentId, fromDay)).signed;
        days = ROUTING_RECENT_DAYS;
      }
      return { departmentId: s.departmentId, name: areas.get(s.departmentId)?.name ?? '', score: s.score, basis: s.basis, count, days };
    };
    const lead = await Promise.all(ranked.lead.filter((s) => inArea(s.departmentId)).slice(0, limit).map((s) => describe(s, 'lead')));
    const first = lead[0]?.departmentId;
    const co = await Promise.all(ranked.co.filter((s) => s.departmentId !== first && inArea(s.departmentId)).slice(0, 2).map((s) => describe(s, 'co')));
    return { lead, co };
  }

  /** The division name a department's area leaves the ticket outside of, or null when inside (or unknown). */
  private outsideArea(dept: { code: string; kind: string; district_code: string | null }, t: { district_code: string | null; street_code: string | null }): 'district' | 'street' | null {
    if (dept.district_code && t.district_code && dept.district_code !== t.district_code) return 'district';
    if (dept.kind === 'street' && /^S\d+$/.test(dept.code) && t.street_code && dept.code.slice(1) !== t.street_code) return 'street';
    return null;
  }

  /** What the guard warns of before this dispatch; empty when nothing. */
  async check(ticketId: string, departmentIds: readonly string[], session: SessionInfo): Promise<DispatchWarning[]> {
    await assertTicketVisible(this.db, session, ticketId);
    const facts = await routingTicket(this.db, ticketId);
    if (!facts) return [];
    return this.warnings(facts, departmentIds);
  }

  /** The guard's warnings for a ticket known to exist (the workflow calls it too, to enforce and record them). */
  async warningsFor(ticketId: string, departmentIds: readonly string[]): Promise<DispatchWarning[]> {
    const facts = await routingTicket(this.db, ticketId);
    return facts ? this.warnings(facts, departmentIds) : [];
  }

  private async warnings(facts: TicketFacts, departmentIds: readonly string[]): Promise<DispatchWarning[]> {
    const ids = [...new Set(departmentIds)];
    const out: DispatchWarning[] = [];
    const areas = await departmentAreas(this.db, ids);
    const ref = areas.some((a) => a.district_code) ? await loadReferenceData(this.db) : null;
    const divisionName = (code: string | null) => (code ? ref?.divisions.find((d) => d.code === code)?.name ?? code : '');
    const since = new Date(this.now().getTime() - ROUTING_RECENT_DAYS * DAY_MS).toISOString();
    const text = bigramSet(`${facts.title} ${facts.content}`);
    for (const id of ids) {
      const a = areas.find((x) => x.id === id);
      if (!a) continue;
      const outside = this.outsideArea(a, facts);
      if (outside) {
        out.push({
          kind: 'outside_area', departmentId: id, name: a.name,
          area: outside === 'district' ? divisionName(a.district_code) : a.name,
          ticketDivision: outside === 'district' ? divisionName(facts.district_code) : divisionName(facts.street_code),
        });
      }
      // The ticket's own return counts too: sending it back to the department that just returned it is the plainest misroute.
      const returns = await returnsOf(this.db, id, since, GUARD_RETURNS);
      let byCategory = 0;
      let byText = 0;
      let last: ReturnRecord | null = null;
      for (const r of returns) {
        const sameCategory = facts.category_id !== null && r.category_id === facts.category_id;
        const similarText = !sameCategory && jaccard(text, bigramSet(`${r.title} ${r.text_head}`)) >= SIMILAR_TEXT;
        if (sameCategory) byCategory++;
        else if (similarText) byText++;
        else continue;
        last ??= r;
      }
      if (last) {
        out.push({
          kind: 'returned_similar', departmentId: id, name: a.name, count: byCategory + byText,
          similarBy: byCategory > 0 ? 'category' : 'text', lastReason: last.reason, lastAt: last.at,
        });
      }
    }
    return out;
  }

  /**
   * Learns what one history event teaches, in the caller's transaction (`db` is it): called by
   * the ticket workflow with the ticket's dispatch as it stood before the event.
   */
  async learn(db: Db, ticketId: string, before: RoutingBefore, e: RoutingEvent): Promise<void> {
    if (e.action !== 'sign' && e.action !== 'approveReturn' && e.action !== 'reopen') return;
    const facts = await routingTicket(db, ticketId);
    if (!facts) return;
    await this.applyEffects(db, facts, await this.routingOf(facts, db), before, e);
  }

  private async applyEffects(db: Db, facts: TicketFacts, t: RoutingTicket, before: RoutingBefore, e: RoutingEvent): Promise<void> {
    const { deltas, returned } = routingEffects(t, before, e);
    if (deltas.length > 0) {
      const dated = new Set(routingKeys(t).filter(isDatedKey).map((k) => k.key));
      await addTallies(db, deltas, chinaDateKey(new Date(e.at)), dated);
    }
    if (returned) {
      const reason = before.returnReason ?? (e.action === 'reopen' ? e.data.reason : '');
      await recordReturn(db, {
        id: uuidv7(Date.parse(e.at)), ticket_id: facts.id, department_id: returned, at: e.at, category_id: facts.category_id,
        district_code: facts.district_code, title: facts.title, text_head: facts.content.slice(0, 200), reason,
      });
    }
  }

  /**
   * Replays the dispatch history once when nothing was ever counted (demo data, imports, a store
   * from before migration 0023): in keyset pages, yielding between them. Events after the start
   * are learned by the workflow as they happen.
   */
  rebuildIfEmpty(signal?: AbortSignal): Promise<void> {
    this.rebuilding ??= this.rebuild(signal).catch((err: unknown) => this.log.error('department routing rebuild failed', { error: String(err) }))
      .finally(() => { this.rebuilding = null; });
    return this.rebuilding;
  }

  /** Resolves when no rebuild is running. */
  async idle(): Promise<void> {
    await this.rebuilding;
  }

  private async rebuild(signal?: AbortSignal): Promise<void> {
    if (await hasTallies(this.db)) return;
    const until = this.now().toISOString();
    const t0 = performance.now();
    let cursor: { ticketId: string; at: string; id: string } | null = null;
    let current: { id: string; facts: TicketFacts; t: RoutingTicket; before: RoutingBefore } | null = null;
    let events = 0;
    // Each page is one transaction on main's thread: its size follows the measured cost so that a
    // page holds the event loop about BACKGROUND_SLICE_MS (300-event pages held incoming calls 100 ms and more).
    let limit = Number.isFinite(this.sliceMs) ? 16 : 300;
    for (;;) {
      if (signal?.aborted) return;
      const began = performance.now();
      const page = await routingHistoryPage(this.db, { until, cursor, limit });
      if (page.length === 0) break;
      await inTransaction(this.db, async (trx) => {
      for (const row of page) {
        if (current?.id !== row.ticket_id) {
          const facts: TicketFacts = { id: row.ticket_id, category_id: row.category_id, district_code: row.district_code, street_code: row.street_code, title: row.title, content: row.content };
          current = { id: row.ticket_id, facts, t: await this.routingOf(facts, trx), before: { leadDepartmentId: null, coDepartmentIds: [], signed: false, returnReason: null } };
        }
        const e = readTicketEvent(row);
        if (!e) continue;
        const b = current.before;
        await this.applyEffects(trx, current.facts, current.t, b, { ...e, at: row.at });
        events++;
        if (e.action === 'dispatch') current.before = { leadDepartmentId: e.data.leadDepartmentId, coDepartmentIds: e.data.coDepartmentIds, signed: false, returnReason: null };
        else if (e.action === 'sign') b.signed = true;
        else if (e.action === 'returnTicket') b.returnReason = e.data.reason;
        else if (e.action === 'approveReturn') current.before = { leadDepartmentId: null, coDepartmentIds: [], signed: false, returnReason: null };
        else if (e.action === 'reopen' && e.data.route.kind === 'redispatch') {
          current.before = { leadDepartmentId: e.data.route.leadDepartmentId, coDepartmentIds: e.data.route.coDepartmentIds, signed: false, returnReason: null };
        }
      }
      });
      const last = page[page.length - 1]!;
      cursor = { ticketId: last.ticket_id, at: last.at, id: last.id };
      limit = nextBatchSize({ size: page.length, ms: performance.now() - began }, this.sliceMs, 16, 300);
      await nextTurn();
    }
    this.log.info('department routing rebuilt from history', { events, ms: Math.round(performance.now() - t0) });
  }
}
