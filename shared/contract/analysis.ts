import { z } from 'zod';
import { request } from './define';
import { humanText } from './text';
import { CONSULTATION_ROUTES, CONSULTATION_URGENCIES } from '../domain/consultation';
import type { ThreeRates } from '../domain/monthly-analysis';
import type { JobViewOf } from './jobs';

export type { ThreeRates };

/**
 * Tickets of one domain or district this month, last month, and the same month last year. A
 * baseline month the store does not hold whole (before the first ticket, or the first ticket came
 * in the middle of it) is null: a partial month compared with a whole one would show a rise that
 * is not there.
 */
export interface AnalysisVolume { key: string; name: string; count: number; lastMonth: number | null; lastYear: number | null; rates: ThreeRates; returnVisits: number }

export interface AnalysisTopIssue { categoryId: string; name: string; domain: string; count: number; lastMonth: number | null }

/** A class case as the report lists it (field names kept apart from tickets'). */
export interface AnalysisClassCase {
  caseId: string; caseNumber: string; caseTitle: string; state: string; members: number; finished: number;
  counters: { label: string; unit: string; value: number; target: number }[];
}

/** Something the report points at, which one click hands to the consultation queue. */
export interface AnalysisFinding {
  /** `${kind}_${scope}:${key}`: stable across generations of the same month. */
  id: string;
  /** The domain's category id or the district's code. */
  key: string;
  kind: 'surge' | 'low_satisfaction';
  /** Domain name or district name the finding is about. */
  subject: string;
  scope: 'domain' | 'district';
  count: number;
  lastMonth: number | null;
  /** Satisfaction (low_satisfaction) as a fraction. */
  rate: number | null;
}

export interface MonthlyAnalysis {
  month: string;
  generatedAt: string;
  /** Earliest ticket in the store: months before it have no history (shown as such, not as zero). */
  historyFrom: string | null;
  total: number; lastMonth: number | null; lastYear: number | null;
  rates: ThreeRates; returnVisits: number; dispatched: number;
  /** Tickets per China day of the month. */
  daily: { date: string; count: number }[];
  domains: AnalysisVolume[];
  districts: AnalysisVolume[];
  topIssues: AnalysisTopIssue[];
  classCases: AnalysisClassCase[];
  findings: AnalysisFinding[];
}

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);
const ANALYSTS = ['shift_lead', 'cppcc_member', 'admin'] as const;

export const analysisRequests = {
  /** Starts generating a month's analysis as a job (progress, cancel); the result is the job's. */
  'analysis.monthly': request<JobViewOf<'analysis.monthly'>>()(z.object({ month }).strict(), ANALYSTS),
  /** The month's analysis as a Word file. */
  'analysis.exportDocx': request<{ fileName: string; base64: string }>()(z.object({ month }).strict(), ANALYSTS),
  /** Hands a finding of the month to the consultation queue: one item with the finding's newest tickets. */
  'analysis.escalateFinding': request<{ itemId: string; number: string }>()(z.object({
    month, finding: z.object({ kind: z.enum(['surge', 'low_satisfaction']), scope: z.enum(['domain', 'district']), key: z.string().min(1).max(64) }).strict(),
    reason: humanText(2, 1000),
    route: z.enum(CONSULTATION_ROUTES), urgency: z.enum(CONSULTATION_URGENCIES),
  }).strict(), ['shift_lead', 'cppcc_member'], 'items'),
};
