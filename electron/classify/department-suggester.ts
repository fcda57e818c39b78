/**
 * Department suggestion (智能派单): which department should lead a ticket, and which should
 * co-handle it, from counts of past dispatches that were signed and not returned.
 *
 * A ticket is looked at through routing keys, from the most specific to the most general:
 * category × street, category × district, category alone, the street (属地: named on the ticket
 * or in its text) and the bigrams of its title. For each key the store keeps, per department, how
 * many dispatches it signed and how many it returned (department_tallies). A department's score
 * at one key is (signed − RETURN_PENALTY × returned) / (all signed + 1): the share of the key's
 * tickets it handled, taken down by the ones it sent back, shrunk when the key has little
 * evidence. The key levels are summed with fixed weights (specific keys weigh more), so a rule
 * learnt for a category in one district beats the city-wide habit, and the text decides when
 * nothing else is known.
 *
 * Pure: the counts come from a `TallySource` (the store's repository in the app, a Map in tests
 * and in the evaluation).
 */

export type Basis = 'category_street' | 'category_district' | 'category' | 'street' | 'text';
export type RoutingRole = 'lead' | 'co';

export interface RoutingTicket {
  categoryId: string | null;
  districtCode: string | null;
  /** The street (level 2 division) of the ticket, or one named in its text. */
  streetCode: string | null;
  title: string;
  content: string;
}

export interface RoutingKey { key: string; basis: Basis; role: RoutingRole }

/** One key's count for one department (all time). */
export interface TallyRow { key: string; departmentId: string; signed: number; returned: number }

export interface DepartmentScore {
  departmentId: string;
  /** 0..1, comparable between tickets only roughly. */
  score: number;
  /** The key level that gave most of the score, and that level's signed count for the department. */
  basis: Basis;
  signed: number;
}

export interface Suggestion { lead: DepartmentScore[]; co: DepartmentScore[] }

/** A returned dispatch counts this many signed ones against its department for that key. */
export const RETURN_PENALTY = 2;
const WEIGHTS: Record<Basis, number> = { category_street: 3, category_district: 2, category: 1, street: 0.6, text: 1 };
/** Title bigrams learned and read per ticket (titles are short summaries: ~15 characters). */
export const MAX_TEXT_FEATURES = 32;
/** A co-department is suggested when at least this share of the key's tickets had it. */
const CO_MIN_SHARE = 0.25;

const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;

/** Distinct Han character bigrams of the title (NFKC), at most MAX_TEXT_FEATURES, in order. */
export function titleBigrams(title: string): string[] {
  const out = new Set<string>();
  for (const run of title.normalize('NFKC').match(HAN) ?? []) {
    for (let i = 0; i + 2 <= run.length && out.size < MAX_TEXT_FEATURES; i++) out.add(run.slice(i, i + 2));
  }
  return [...out];
}

/** The keys a ticket is counted under (learning) and looked up by (suggesting). */
export function routingKeys(t: RoutingTicket): RoutingKey[] {
  const keys: RoutingKey[] = [];
  const c = t.categoryId;
  for (const role of ['lead', 'co'] as const) {
    const r = role === 'lead' ? 'L' : 'C';
    if (c && t.streetCode) keys.push({ key: `${r}:cs:${c}:${t.streetCode}`, basis: 'category_street', role });
    if (c && t.districtCode) keys.push({ key: `${r}:cd:${c}:${t.districtCode}`, basis: 'category_district', role });
    if (c) keys.push({ key: `${r}:c:${c}`, basis: 'category', role });
  }
  if (t.streetCode) keys.push({ key: `L:s:${t.streetCode}`, basis: 'street', role: 'lead' });
  for (const b of titleBigrams(t.title)) keys.push({ key: `L:t:${b}`, basis: 'text', role: 'lead' });
  return keys;
}

/** Keys whose counts also go by China day, for "近 90 天" reasons (the structured lead keys). */
export const isDatedKey = (k: RoutingKey) => k.role === 'lead' && (k.basis === 'category_street' || k.basis === 'category_district' || k.basis === 'category');

interface Acc { score: number; signed: Partial<Record<Basis, number>> }
const REASON_ORDER: readonly Basis[] = ['category_street', 'category_district', 'category', 'street'];

/** Ranks departments for a ticket from the counts of its keys; `limit` caps each list. */
export function rankDepartments(keys: RoutingKey[], rows: TallyRow[], limit = 3): Suggestion {
  const byKey = new Map<string, TallyRow[]>();
  for (const r of rows) {
    const list = byKey.get(r.key);
    if (list) list.push(r); else byKey.set(r.key, [r]);
  }
  const lead = new Map<string, Acc>();
  const co = new Map<string, Acc>();
  const textKeys = keys.filter((k) => k.basis === 'text' && byKey.has(k.key)).length;
  let weightLead = 0;
  let weightCo = 0;
  for (const k of keys) {
    const list = byKey.get(k.key);
    if (!list) continue;
    let total = 0;
    for (const r of list) total += Math.max(0, r.signed);
    // The title's bigrams share one weight between them.
    const w = k.basis === 'text' ? WEIGHTS.text / textKeys : WEIGHTS[k.basis];
    const into = k.role === 'lead' ? lead : co;
    if (k.role === 'lead') weightLead += w; else weightCo += w;
    for (const r of list) {
      const share = (r.signed - RETURN_PENALTY * r.returned) / (total + 1);
      if (share === 0) continue;
      const a = into.get(r.departmentId) ?? { score: 0, signed: {} };
      a.score += w * share;
      if (k.basis !== 'text' && r.signed > 0) a.signed[k.basis] = r.signed;
      into.set(r.departmentId, a);
    }
  }
  const top = (m: Map<string, Acc>, weight: number, min: number) => [...m.entries()]
    .filter(([, a]) => a.score > 0 && weight > 0 && a.score / weight >= min)
    .sort((x, y) => y[1].score - x[1].score || (x[0] < y[0] ? -1 : 1))
    .slice(0, limit)
    .map(([departmentId, a]): DepartmentScore => {
      // The reason names the most specific level where the department has signed tickets.
      const basis = REASON_ORDER.find((b) => (a.signed[b] ?? 0) > 0) ?? 'text';
      return { departmentId, score: round(a.score / weight), basis, signed: a.signed[basis] ?? 0 };
    });
  const leads = top(lead, weightLead, 0);
  const first = leads[0]?.departmentId;
  return { lead: leads, co: top(co, weightCo, CO_MIN_SHARE).filter((c) => c.departmentId !== first) };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** How one event changes the counts: +1 signed, −1 signed (unlearn), +1 returned. */
export interface TallyDelta { key: string; departmentId: string; signed: number; returned: number }

/**
 * The deltas of a department's outcome on a ticket. `signed`: it signed (learn); `unsign`: a
 * dispatch it had signed turned out wrong (unlearn); `returned`: it sent the ticket back.
 */
export function outcomeDeltas(t: RoutingTicket, departmentId: string, role: RoutingRole, outcome: 'signed' | 'unsign' | 'returned'): TallyDelta[] {
  const signed = outcome === 'signed' ? 1 : outcome === 'unsign' ? -1 : 0;
  const returned = outcome === 'returned' ? 1 : 0;
  return routingKeys(t).filter((k) => k.role === role).map((k) => ({ key: k.key, departmentId, signed, returned }));
}

/** Counts in memory: unit tests and the offline evaluation (the app keeps them in the store). */
export class MemoryTallies {
  private readonly rows = new Map<string, Map<string, TallyRow>>();

  apply(deltas: TallyDelta[]): void {
    for (const d of deltas) {
      let m = this.rows.get(d.key);
      if (!m) this.rows.set(d.key, (m = new Map()));
      const r = m.get(d.departmentId) ?? { key: d.key, departmentId: d.departmentId, signed: 0, returned: 0 };
      r.signed += d.signed;
      r.returned += d.returned;
      m.set(d.departmentId, r);
    }
  }

  read(keys: readonly string[]): TallyRow[] {
    const out: TallyRow[] = [];
    for (const k of keys) for (const r of this.rows.get(k)?.values() ?? []) out.push(r);
    return out;
  }

  suggest(t: RoutingTicket, limit = 3): Suggestion {
    const keys = routingKeys(t);
    return rankDepartments(keys, this.read(keys.map((k) => k.key)), limit);
  }
}

/**
 * The street a text names: the longest street-level division name found in it (whole name, or
 * the name without its 街道/镇/乡 suffix when that leaves at least two characters), among those of
 * the ticket's district when it has one. Null when none or when two different streets tie.
 */
export function streetNamedIn(text: string, streets: readonly { code: string; name: string; districtCode: string }[], districtCode: string | null): string | null {
  let best: { code: string; len: number } | null = null;
  let tie = false;
  for (const s of streets) {
    if (districtCode && s.districtCode !== districtCode) continue;
    const short = s.name.replace(/(街道|镇|乡)$/, '');
    const hit = text.includes(s.name) ? s.name.length : short.length >= 2 && text.includes(short) ? short.length : 0;
    if (hit === 0) continue;
    if (!best || hit > best.len) { best = { code: s.code, len: hit }; tie = false; } else if (hit === best.len && s.code !== best.code) tie = true;
  }
  return best && !tie ? best.code : null;
}
