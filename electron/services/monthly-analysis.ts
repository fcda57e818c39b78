import {
  fail, type AnalysisClassCase, type AnalysisFinding, type AnalysisTopIssue, type AnalysisVolume, type MonthlyAnalysis, type SessionInfo,
} from '../../shared/contract';
import { chinaDateKey, chinaMonthRange } from '../../shared/domain/china-time';
import { kpiCountsOfEntry, type KpiCounts } from '../../shared/domain/kpi';
import {
  addCounts, isSurge, LOW_SATISFACTION, LOW_SATISFACTION_MIN_VISITS, noKpiCounts, previousMonth, sameMonthLastYear, threeRates,
} from '../../shared/domain/monthly-analysis';
import type { ConsultationRoute, ConsultationUrgency } from '../../shared/domain/consultation';
import { readTicketEvent } from '../../shared/domain/ticket-events';
import * as repo from '../store/repos/analysis';
import { classCaseCounters, classCaseMemberCounts, classCasesTouching, ticketsInOpenItems } from '../store/repos/class-cases';
import { categoryTree } from '../store/repos/categories';
import type { Db } from '../store/repos/db';

/** What a long generation gets from the job runner: progress, and a yield that throws once cancelled. */
export interface AnalysisProgress {
  progress(phase: string, done: number, total: number): void;
  checkpoint(): Promise<void>;
}

const NO_PROGRESS: AnalysisProgress = { progress: () => {}, checkpoint: async () => {} };
const TOP_ISSUES = 10;
const FINDINGS = 8;
const FINDING_TICKETS = 50;
const DAY_MS = 86_400_000;
const NO_DISTRICT = '';

/** Which finding: its kind, and the domain (category id) or district (code) it is about. */
export interface FindingRef { kind: 'surge' | 'low_satisfaction'; scope: 'domain' | 'district'; key: string }

interface Volumes { byDomain: Map<string, number>; byDistrict: Map<string, number>; byCategory: Map<string, number>; byDay: Map<string, number>; total: number }

/**
 * 每月分析研判: per domain (top-level category) and per district, the month's tickets against last
 * month and the same month last year, the top issues, class cases, 三率 and findings. The 三率 are
 * those of the tickets registered in the month (their dispatches, signs and return visits, whenever
 * they happened), by the KPI formulas of shared/domain/kpi.ts, so a domain's rate and its volume
 * speak of the same tickets. Reads are bounded by the month's registration dates.
 */
export class MonthlyAnalysisService {
  constructor(private readonly db: Db, private readonly now: () => Date) {}

  private async categories() {
    const tree = await categoryTree(this.db);
    const byId = new Map(tree.map((c) => [c.id, c]));
    const topOf = (id: string | null): string => {
      let c = id ? byId.get(id) : undefined;
      for (let n = 0; c?.parentId && n < 6; n++) c = byId.get(c.parentId);
      return c?.id ?? '';
    };
    return { byId, topOf };
  }

  private async volumes(month: string, topOf: (id: string | null) => string, daily = false): Promise<Volumes> {
    const { start, end } = chinaMonthRange(month);
    const v: Volumes = { byDomain: new Map(), byDistrict: new Map(), byCategory: new Map(), byDay: new Map(), total: 0 };
    const add = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);
    for (const r of await repo.volumesBetween(this.db, start.toISOString(), end.toISOString())) {
      add(v.byDomain, topOf(r.categoryId), r.n);
      add(v.byDistrict, r.districtCode ?? NO_DISTRICT, r.n);
      if (r.categoryId) add(v.byCategory, r.categoryId, r.n);
      v.total += r.n;
    }
    // Only the month reported on is drawn day by day.
    if (daily) for (const r of await repo.hourlyCounts(this.db, start.toISOString(), end.toISOString())) add(v.byDay, chinaDateKey(new Date(`${r.hour}:00:00.000Z`)), r.n);
    return v;
  }

  /** Builds the month's analysis; `job` reports progress day by day and stops when cancelled. */
  async generate(month: string, job: AnalysisProgress = NO_PROGRESS): Promise<MonthlyAnalysis> {
    const { start, end } = chinaMonthRange(month);
    if (start.getTime() > this.now().getTime()) fail('invalid_input', { issues: [{ path: 'month', problem: 'in_future' }] });
    const days = Math.round((end.getTime() - start.getTime()) / DAY_MS);
    const total = days + 4;
    job.progress('volumes', 0, total);
    const { byId, topOf } = await this.categories();
    const historyFrom = await repo.firstTicketAt(this.db);
    const prev = previousMonth(month);
    const lastYearMonth = sameMonthLastYear(month);
    // A baseline month the store does not hold whole (before the first ticket, or begun in its
    // middle) is unknown, not zero: compared with a whole month it would show a rise that is not there.
    const known = (m: string) => historyFrom !== null && chinaMonthRange(m).start.toISOString() >= historyFrom.slice(0, 10);
    const cur = await this.volumes(month, topOf, true);
    await job.checkpoint();
    job.progress('volumes', 1, total);
    const last = known(prev) ? await this.volumes(prev, topOf) : null;
    await job.checkpoint();
    job.progress('volumes', 2, total);
    const yearAgo = known(lastYearMonth) ? await this.volumes(lastYearMonth, topOf) : null;
    await job.checkpoint();
    job.progress('rates', 3, total);

    // 三率 of the month's tickets, a day of registrations at a time (progress, cancel).
    const domainCounts = new Map<string, KpiCounts>();
    const districtCounts = new Map<string, KpiCounts>();
    const overall = noKpiCounts();
    const countsOf = (m: Map<string, KpiCounts>, k: string) => m.get(k) ?? m.set(k, noKpiCounts()).get(k)!;
    for (let d = 0; d < days; d++) {
      const from = new Date(start.getTime() + d * DAY_MS).toISOString();
      const to = new Date(start.getTime() + (d + 1) * DAY_MS).toISOString();
      for (const e of await repo.cohortEntries(this.db, from, to)) {
        const read = readTicketEvent(e);
        if (!read) continue;
        const c = kpiCountsOfEntry(read);
        addCounts(overall, c);
        addCounts(countsOf(domainCounts, topOf(e.category_id)), c);
        addCounts(countsOf(districtCounts, e.district_code ?? NO_DISTRICT), c);
      }
      await job.checkpoint();
      job.progress('rates', 3 + d + 1, total);
    }

    const districts = await repo.districtNames(this.db);
    const volumeRows = (cur_: Map<string, number>, last_: Map<string, number> | null, year_: Map<string, number> | null, counts: Map<string, KpiCounts>, name: (k: string) => string): AnalysisVolume[] => {
      const keys = new Set([...cur_.keys(), ...(last_?.keys() ?? [])]);
      return [...keys].map((key) => {
        const c = counts.get(key) ?? noKpiCounts();
        return { key, name: name(key), count: cur_.get(key) ?? 0, lastMonth: last_ ? last_.get(key) ?? 0 : null, lastYear: year_ ? year_.get(key) ?? 0 : null, rates: threeRates(c), returnVisits: c.returnVisits };
      }).sort((a, b) => b.count - a.count || (b.lastMonth ?? 0) - (a.lastMonth ?? 0) || a.name.localeCompare(b.name));
    };
    const domainName = (k: string) => (k ? byId.get(k)?.name ?? k : '未分类');
    const districtName = (k: string) => (k ? districts.get(k) ?? k : '未填区县');
    const domains = volumeRows(cur.byDomain, last?.byDomain ?? null, yearAgo?.byDomain ?? null, domainCounts, domainName);
    const districtRows = volumeRows(cur.byDistrict, last?.byDistrict ?? null, yearAgo?.byDistrict ?? null, districtCounts, districtName);

    const topIssues: AnalysisTopIssue[] = [...cur.byCategory.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP_ISSUES).map(([categoryId, count]) => ({
      categoryId, name: byId.get(categoryId)?.name ?? categoryId, domain: domainName(topOf(categoryId)), count, lastMonth: last ? last.byCategory.get(categoryId) ?? 0 : null,
    }));

    const daily: { date: string; count: number }[] = [];
    for (let d = 0; d < days; d++) {
      const date = chinaDateKey(new Date(start.getTime() + d * DAY_MS));
      daily.push({ date, count: cur.byDay.get(date) ?? 0 });
    }

    const findings: AnalysisFinding[] = [];
    for (const [scope, rows] of [['domain', domains], ['district', districtRows]] as const) {
      for (const r of rows) {
        if (!r.key) continue;
        if (isSurge(r)) findings.push({ id: `surge_${scope}:${r.key}`, key: r.key, kind: 'surge', scope, subject: r.name, count: r.count, lastMonth: r.lastMonth, rate: null });
        if (r.returnVisits >= LOW_SATISFACTION_MIN_VISITS && r.rates.satisfaction !== null && r.rates.satisfaction < LOW_SATISFACTION) {
          findings.push({ id: `low_satisfaction_${scope}:${r.key}`, key: r.key, kind: 'low_satisfaction', scope, subject: r.name, count: r.count, lastMonth: r.lastMonth, rate: r.rates.satisfaction });
        }
      }
    }
    findings.sort((a, b) => (b.count - (b.lastMonth ?? b.count)) - (a.count - (a.lastMonth ?? a.count)));
    job.progress('class_cases', total - 1, total);
    const cases = await classCasesTouching(this.db, start.toISOString(), end.toISOString());
    const [memberCounts, counters] = await Promise.all([classCaseMemberCounts(this.db, cases.map((c) => c.id)), classCaseCounters(this.db, cases.map((c) => c.id))]);
    const classCases: AnalysisClassCase[] = cases.map((c) => ({
      caseId: c.id, caseNumber: c.number, caseTitle: c.title, state: c.state,
      members: memberCounts.get(c.id)?.members ?? 0, finished: memberCounts.get(c.id)?.finished ?? 0,
      counters: counters.filter((k) => k.class_case_id === c.id).map((k) => ({ label: k.label, unit: k.unit, value: k.value, target: k.target })),
    }));
    const rates = threeRates(overall);
    job.progress('class_cases', total, total);
    return {
      month, generatedAt: this.now().toISOString(), historyFrom,
      total: cur.total, lastMonth: last ? last.total : null, lastYear: yearAgo ? yearAgo.total : null,
      rates, returnVisits: overall.returnVisits, dispatched: overall.dispatched,
      daily, domains, districts: districtRows, topIssues, classCases, findings: findings.slice(0, FINDINGS),
    };
  }

  /**
   * The tickets behind a finding (the month's newest of its domain or district, not already on the
   * consultation queue) and a title for its item.
   */
  async findingTickets(month: string, finding: FindingRef): Promise<{ ticketIds: string[]; title: string; domain?: string }> {
    const { scope, key } = finding;
    const { start, end } = chinaMonthRange(month);
    const { byId, topOf } = await this.categories();
    let categoryIds: string[] | null = null;
    let subject: string;
    if (scope === 'domain') {
      if (!byId.has(key)) fail('not_found');
      categoryIds = [...byId.keys()].filter((id) => topOf(id) === key);
      subject = byId.get(key)!.name;
    } else {
      subject = (await repo.districtNames(this.db)).get(key) ?? fail('not_found');
    }
    const ids = await repo.ticketIdsOf(this.db, { from: start.toISOString(), to: end.toISOString(), categoryIds, districtCode: scope === 'district' ? key : null, limit: FINDING_TICKETS * 4 });
    const onQueue = await ticketsInOpenItems(this.db, ids);
    const ticketIds = ids.filter((id) => !onQueue.has(id)).slice(0, FINDING_TICKETS);
    if (ticketIds.length === 0) fail('conflict', { details: { reason: 'analysis_finding_no_tickets' } });
    const what = finding.kind === 'surge' ? '诉求量明显上升' : '满意率偏低';
    return { ticketIds, title: `${month} ${subject}${what}`, domain: scope === 'domain' ? subject : undefined };
  }
}

/** Hands a finding to the consultation queue through the queue's own escalation. */
export async function escalateFinding(
  analysis: MonthlyAnalysisService,
  escalate: (i: { ticketIds: string[]; reason: string; route: ConsultationRoute; urgency: ConsultationUrgency; title: string; domain?: string }, s: SessionInfo) => Promise<{ id: string; number: string }>,
  input: { month: string; finding: FindingRef; reason: string; route: ConsultationRoute; urgency: ConsultationUrgency },
  session: SessionInfo,
): Promise<{ itemId: string; number: string }> {
  const f = await analysis.findingTickets(input.month, input.finding);
  const item = await escalate({ ticketIds: f.ticketIds, reason: input.reason, route: input.route, urgency: input.urgency, title: f.title, domain: f.domain }, session);
  return { itemId: item.id, number: item.number };
}
