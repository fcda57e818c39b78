import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { normalizePhone, readTicketEvent, TICKET_ACTION_RULES, TICKET_STATES, type TicketActionType } from '../../shared/domain';
import { citizenAt } from './citizens';
import { isoUtc } from './prng';
import { generateReferenceData, leadDepartment } from './reference';
import { generateTickets, type TicketBundle } from './tickets';
import { DEFAULT_REFERENCE_DATE } from './version';

const REF = DEFAULT_REFERENCE_DATE;
const take = (seed: number, count: number, extra: Partial<Parameters<typeof generateTickets>[0]> = {}) =>
  [...generateTickets({ seed, count, referenceDate: REF, ...extra })];

// One shared sample, big enough for distributions (about 27 tickets a day over two years).
const SAMPLE = take(42, 20_000);
const tickets = SAMPLE.map((b) => b.ticket);
const LOCAL = 8 * 3_600_000;

describe('determinism', () => {
  it('the same seed gives identical reference data and tickets; another seed does not', () => {
    expect(JSON.stringify(generateReferenceData(7))).toBe(JSON.stringify(generateReferenceData(7)));
    const a = JSON.stringify(take(7, 500));
    expect(JSON.stringify(take(7, 500))).toBe(a);
    expect(JSON.stringify(take(8, 500))).not.toBe(a);
    expect(generateReferenceData(8).categories[0]!.id).not.toBe(generateReferenceData(7).categories[0]!.id);
  });

  it('streams exactly the requested count, in creation order, ending before the reference date', () => {
    expect(tickets).toHaveLength(20_000);
    for (let i = 1; i < tickets.length; i++) expect(tickets[i]!.created_at >= tickets[i - 1]!.created_at).toBe(true);
    expect(tickets.at(-1)!.created_at < REF).toBe(true);
    expect(Date.parse(REF) - Date.parse(tickets[0]!.created_at)).toBeGreaterThan(700 * 86_400_000);
  });
});

describe('isoUtc', () => {
  it('formats like Date#toISOString', () => {
    for (let i = 0; i < 2000; i++) {
      const ms = 1_600_000_000_000 + i * 987_654_321.7;
      expect(isoUtc(ms)).toBe(new Date(Math.round(ms)).toISOString());
    }
  });
});

describe('reference data', () => {
  const ref = generateReferenceData(42);
  it('has districts, streets and communities with GB/T 2260-style codes under their parents', () => {
    const byLevel = (l: number) => ref.divisions.filter((d) => d.level === l);
    expect(byLevel(1)).toHaveLength(8);
    expect(byLevel(2).length).toBeGreaterThan(60);
    expect(byLevel(3).length).toBeGreaterThan(500);
    for (const d of ref.divisions.filter((x) => x.level > 0)) {
      expect(d.code).toMatch(d.level === 1 ? /^\d{6}$/ : d.level === 2 ? /^\d{9}$/ : /^\d{12}$/);
      if (d.level > 1) expect(d.code.startsWith(d.parent_code!)).toBe(true);
    }
  });

  it('has a three-level taxonomy of about 150 leaves with nested codes', () => {
    const leaves = ref.categories.filter((c) => c.level === 3);
    expect(ref.categories.filter((c) => c.level === 1)).toHaveLength(12);
    expect(leaves.length).toBeGreaterThanOrEqual(140);
    const byId = new Map(ref.categories.map((c) => [c.id, c]));
    for (const c of leaves) expect(c.code.startsWith(byId.get(c.parent_id!)!.code)).toBe(true);
  });

  it('has bureaus, utilities, district governments and street offices', () => {
    const kinds = new Set(ref.departments.map((d) => d.kind));
    expect([...kinds].sort()).toEqual(['bureau', 'district', 'street', 'utility']);
    expect(ref.departments.map((d) => d.name)).toContain('市住房和城乡建设局');
  });
});

describe('distributions', () => {
  const share = (f: (t: (typeof tickets)[number]) => boolean) => tickets.filter(f).length / tickets.length;

  it('complaint and help dominate the appeal types; emergencies are rare', () => {
    const counts = new Map<string, number>();
    for (const t of tickets) counts.set(t.appeal_type, (counts.get(t.appeal_type) ?? 0) + 1);
    const ranked = [...counts].sort((a, b) => b[1] - a[1]).map(([k]) => k);
    expect(ranked.slice(0, 2).sort()).toEqual(['complaint', 'help']);
    expect(share((t) => t.appeal_type === 'complaint')).toBeGreaterThan(0.3);
    expect(share((t) => t.appeal_type === 'praise')).toBeLessThan(0.05);
    expect(share((t) => t.urgency === 'emergency')).toBeLessThan(0.01);
    expect(share((t) => t.channel === 'phone')).toBeGreaterThan(0.6);
  });

  it('weekdays are busier than weekends, and mid-morning than the small hours (local time)', () => {
    const perWeekday = new Array<number>(7).fill(0);
    const perHour = new Array<number>(24).fill(0);
    for (const t of tickets) {
      const local = new Date(Date.parse(t.created_at) + LOCAL);
      perWeekday[local.getUTCDay()]!++;
      perHour[local.getUTCHours()]!++;
    }
    const weekday = (perWeekday[1]! + perWeekday[2]! + perWeekday[3]! + perWeekday[4]! + perWeekday[5]!) / 5;
    const weekend = (perWeekday[0]! + perWeekday[6]!) / 2;
    expect(weekday).toBeGreaterThan(weekend * 1.3);
    expect(perHour[10]!).toBeGreaterThan(perHour[3]! * 10);
    expect(perHour[15]!).toBeGreaterThan(perHour[12]!);
  });

  it('numbers tickets per local day: prefix, date, daily sequence', () => {
    const seen = new Set<string>();
    for (const t of tickets) {
      const local = new Date(Date.parse(t.created_at) + LOCAL).toISOString().slice(0, 10).replaceAll('-', '');
      expect(t.number).toMatch(new RegExp(`^JC${local}\\d{5}$`));
      expect(seen.has(t.number)).toBe(false);
      seen.add(t.number);
    }
  });
});

describe('callers', () => {
  it('has valid mobile and fixed-line numbers, unique per citizen', () => {
    const phones = new Set<string>();
    let fixed = 0;
    for (let i = 0; i < 20_000; i++) {
      const c = citizenAt(42, i);
      const n = normalizePhone(c.phone);
      expect(n.ok && n.phone.national === c.phone, c.phone).toBe(true);
      if (c.phone.startsWith('0')) fixed++;
      phones.add(c.phone);
    }
    expect(phones.size).toBe(20_000);
    expect(fixed).toBeGreaterThan(500);
    for (const t of tickets) if (t.phone) expect(t.phone).toMatch(/^(1[3-9]\d{9}|0739[2-8]\d{7})$/);
  });

  it('a few callers call many times; most call once or twice', () => {
    const perPhone = new Map<string, number>();
    for (const t of tickets) if (t.phone) perPhone.set(t.phone, (perPhone.get(t.phone) ?? 0) + 1);
    const counts = [...perPhone.values()];
    expect(counts.filter((n) => n >= 20).length).toBeGreaterThan(3);
    expect(counts.filter((n) => n <= 2).length / counts.length).toBeGreaterThan(0.8);
  });

  it('emits each citizen once, with its first ticket', () => {
    const citizenIds = new Set<string>();
    for (const b of SAMPLE) {
      if (b.citizen) {
        expect(citizenIds.has(b.citizen.id)).toBe(false);
        expect(b.citizen.created_at).toBe(b.ticket.created_at);
        citizenIds.add(b.citizen.id);
      }
      if (b.ticket.citizen_id) expect(citizenIds.has(b.ticket.citizen_id)).toBe(true);
    }
  });
});

describe('texts', () => {
  it('have no template markers, and contents of 150–400 characters', () => {
    const bad = tickets.filter((t) => [t.title, t.content, t.address ?? ''].some((s) => /[{}]|undefined|null|NaN/.test(s))
      || t.content.length < 150 || t.content.length > 400 || t.title.length > 40);
    expect(bad.map((t) => `${t.number}: ${t.title} / ${t.content}`).slice(0, 3)).toEqual([]);
    const avg = tickets.reduce((s, t) => s + t.content.length, 0) / tickets.length;
    expect(avg).toBeGreaterThan(200);
  });
});

describe('hotspots (类案) and merged duplicates', () => {
  const clusters = new Map<number, TicketBundle[]>();
  for (const b of SAMPLE) if (b.cluster !== null) clusters.set(b.cluster, [...(clusters.get(b.cluster) ?? []), b]);

  const bigrams = (s: string) => new Set(Array.from({ length: s.length - 1 }, (_, i) => s.slice(i, i + 2)));
  const similarity = (a: string, b: string) => {
    const x = bigrams(a);
    const y = bigrams(b);
    let common = 0;
    for (const g of x) if (y.has(g)) common++;
    return common / Math.min(x.size, y.size);
  };

  it('group near-identical complaints of one community and leaf category within a few weeks', () => {
    const big = [...clusters.values()].filter((c) => c.length >= 5);
    expect(big.length).toBeGreaterThan(20);
    for (const c of big) {
      const first = c[0]!.ticket;
      const last = c.at(-1)!.ticket;
      expect(Date.parse(last.created_at) - Date.parse(first.created_at)).toBeLessThan(35 * 86_400_000);
      for (const { ticket: t } of c) {
        expect(t.community_code).toBe(first.community_code);
        expect(t.category_id).toBe(first.category_id);
        expect(similarity(t.content, first.content)).toBeGreaterThan(0.33);
      }
    }
    // Unrelated tickets share boilerplate, but typically much less.
    const unrelated = Array.from({ length: 401 }, (_, i) => similarity(tickets[i * 37]!.content, tickets[i * 37 + 11]!.content)).sort();
    expect(unrelated[200]!).toBeLessThan(0.3);
  });

  it('merge some duplicates under the earlier ticket of their cluster', () => {
    const merged = SAMPLE.filter((b) => b.ticket.status === 'merged');
    expect(merged.length).toBeGreaterThan(10);
    const ids = new Map(SAMPLE.map((b) => [b.ticket.id, b]));
    for (const m of merged) {
      const parent = ids.get(m.ticket.parent_id!)!;
      expect(parent.cluster).toBe(m.cluster);
      expect(parent.ticket.created_at < m.ticket.created_at).toBe(true);
      expect(parent.ticket.parent_id).toBeNull();
    }
  });
});

describe('lifecycle', () => {
  const ref = generateReferenceData(42);
  const refMs = Date.parse(REF);

  it('events follow the domain state machine and end in the ticket status', () => {
    // Collected, not asserted one by one: 120k events through expect() would take minutes.
    const problems: string[] = [];
    const check = (ok: boolean, what: string) => { if (!ok && problems.length < 20) problems.push(what); };
    for (const { ticket: t, events } of SAMPLE) {
      check(events[0]!.action === 'register' && events[0]!.at === t.created_at, `${t.number} starts with register`);
      let state: string | null = null;
      for (const e of events) {
        check(e.fromState === state, `${t.number} ${e.action} from ${e.fromState}, was ${state}`);
        check((TICKET_STATES as readonly string[]).includes(e.toState!), `${t.number} ${e.action} to ${e.toState}`);
        // What the store will hold reads back through the domain's event map as the same facts.
        check(isDeepStrictEqual(readTicketEvent({ action: e.action, data: JSON.stringify(e.data) })?.data, e.data), `${t.number} ${e.action} data does not read back`);
        if (e.action !== 'register') {
          const rule = TICKET_ACTION_RULES[e.action as TicketActionType] as (typeof TICKET_ACTION_RULES)[TicketActionType] | undefined;
          check(rule !== undefined && (rule.from as readonly (string | null)[]).includes(state), `${t.number} ${e.action} not allowed from ${state}`);
        }
        check(e.at <= REF, `${t.number} ${e.action} after the reference date`);
        state = e.toState;
      }
      check(state === t.status, `${t.number} status ${t.status} but events end in ${state}`);
      check(t.updated_at === events.at(-1)!.at, `${t.number} updated_at`);
      check((t.closed_at !== null) === (t.status === 'closed' || t.status === 'resolved_directly'), `${t.number} closed_at ${t.closed_at} in ${t.status}`);
    }
    expect(problems).toEqual([]);
  });

  it('old tickets are finished, recent ones open, and a few are overdue', () => {
    const finished = new Set(['closed', 'resolved_directly', 'merged']);
    const old = tickets.filter((t) => refMs - Date.parse(t.created_at) > 120 * 86_400_000);
    const recent = tickets.filter((t) => refMs - Date.parse(t.created_at) < 3 * 86_400_000);
    expect(old.filter((t) => finished.has(t.status)).length / old.length).toBeGreaterThan(0.99);
    expect(recent.filter((t) => !finished.has(t.status)).length / recent.length).toBeGreaterThan(0.5);
    const open = ['dispatched', 'signed', 'handling', 'extension_requested'];
    const overdue = tickets.filter((t) => open.includes(t.status) && t.reply_by !== null && t.reply_by < REF);
    expect(overdue.length).toBeGreaterThan(0);
    expect(overdue.length).toBeLessThan(tickets.length * 0.02);
  });

  it('dispatched tickets go to the department the category and place call for', () => {
    const leaves = new Map(ref.model.leaves.map((l) => [l.id, l]));
    const communities = new Map(ref.model.communities.map((c) => [c.code, c]));
    let checked = 0;
    const wrong: string[] = [];
    for (const { ticket: t, events } of SAMPLE) {
      const dispatches = events.filter((e) => e.action === 'dispatch');
      if (t.lead_department_id === null) continue;
      const last = dispatches.at(-1)!.data as { leadDepartmentId: string };
      if (last.leadDepartmentId !== t.lead_department_id) wrong.push(`${t.number} lead is not the last dispatch's`);
      // A first dispatch still waiting to be signed may be one of the few misrouted ones (退单 follows).
      if (dispatches.length === 1 && (t.status === 'dispatched' || t.status === 'returned')) continue;
      const expected = leadDepartment(ref, leaves.get(t.category_id!)!, communities.get(t.community_code!)!);
      if (t.lead_department_id !== expected) wrong.push(`${t.number} led by ${t.lead_department_id}, expected ${expected}`);
      checked++;
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(checked).toBeGreaterThan(5000);
  });
});

describe('the dispatch directory of the demo city', () => {
  it('has no two units of the same name: street offices carry their district, though street names repeat', () => {
    const ref = generateReferenceData(12345);
    const names = ref.departments.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    const streets = ref.divisions.filter((d) => d.level === 2).map((d) => d.name);
    // The situation that misled dispatchers: the same street name in two districts.
    expect(new Set(streets).size).toBeLessThan(streets.length);
    for (const d of ref.departments.filter((x) => x.kind === 'street')) {
      const district = ref.divisions.find((v) => v.code === d.district_code)!;
      expect(d.name.startsWith(district.name)).toBe(true);
    }
  });

  it('every dispatch says what the department is asked to do, and every unsatisfied visit why', () => {
    for (const b of SAMPLE.slice(0, 3000)) {
      for (const e of b.events) {
        if (e.action === 'dispatch') expect(e.data.instructions?.length).toBeGreaterThan(2);
        if (e.action === 'recordReturnVisit') {
          const data = e.data;
          expect(['satisfied', 'basically_satisfied', 'unsatisfied']).toContain(data.satisfaction);
          expect(data.satisfied).toBe(data.satisfaction !== 'unsatisfied');
          if (!data.satisfied || !data.resolved) expect(data.note).toBeTruthy();
        }
      }
    }
  });
});
