import { z } from 'zod';
import { event, request } from './define';
import { attachmentInput, humanLine, humanText, optionalHumanLine } from './text';
import {
  CONSULTATION_ROUTES, CONSULTATION_URGENCIES, MEASURE_STATUSES, type ConsultationRoute, type ConsultationStage,
  type ConsultationUrgency, type DeadlineFlag, type DutyDesk, type MeasureStatus, type ProgressStep, type StepState,
} from '../domain/consultation';

export type { ConsultationRoute, ConsultationStage, ConsultationUrgency, DeadlineFlag, DutyDesk, MeasureStatus, ProgressStep, StepState };

/** A row of the consultation queue. */
export interface ConsultationRow {
  id: string;
  number: string;
  createdAt: string;
  title: string;
  domain: string;
  route: ConsultationRoute;
  urgency: ConsultationUrgency;
  stage: ConsultationStage;
  source: 'ticket' | 'intake' | 'class_case' | 'hard_list' | 'analysis';
  claimBy: string;
  /** When it was claimed (null while queued): its waiting time ends here. */
  claimedAt: string | null;
  /** Only while queued: how the claim deadline stands. */
  claimFlag: DeadlineFlag | null;
  claimedByName: string | null;
  ticketCount: number;
  openMeasures: number;
  overdueMeasures: number;
}

export interface ConsultationTicketRef { id: string; number: string; title: string; status: string; createdAt: string; phone: string | null; callerName: string | null }
export interface CallerHistoryRow { ticketId: string; number: string; createdAt: string; title: string; status: string }

export interface ResearchAttachment { id: string; name: string; size: number; mime: string }
export interface ResearchNote {
  id: string; at: string; authorName: string | null;
  method: 'site_visit' | 'interview' | 'desk' | 'other'; date: string; place: string; people: string; summary: string;
  attachments: ResearchAttachment[];
}
export interface MeetingRecord {
  id: string; at: string; authorName: string | null;
  date: string; departments: { id: string; name: string }[]; participants: string; minutes: string; decisions: string[];
}
export interface MeasureRow {
  id: string; content: string; ownerDepartmentId: string; ownerDepartment: string; deadline: string;
  status: MeasureStatus; evidence: string; dropReason: string | null; updatedAt: string;
  flag: DeadlineFlag | null;
}
export interface ResponsibilityPackage { leader: string; departmentId: string | null; department: string; street: string; community: string }
export interface LeaderInstruction { leader: string; date: string; text: string }
export interface FeedbackRecord { id: string; at: string; authorName: string | null; channel: 'return_call' | 'visit' | 'online' | 'other'; satisfied: boolean; content: string }
export interface ReportFigure { label: string; value: string }
export interface ReportDraft { title: string; problem: string; causes: string; suggestions: string; figures: ReportFigure[] }

export interface ConsultationDetail extends ConsultationRow {
  reason: string;
  version: number;
  createdByName: string | null;
  claimedBy: string | null;
  claimedAt: string | null;
  closedAt: string | null;
  closeNote: string | null;
  tickets: ConsultationTicketRef[];
  /** Earlier tickets of the callers behind the linked tickets (phone numbers never leave main here). */
  callerHistory: CallerHistoryRow[];
  research: ResearchNote[];
  meetings: MeetingRecord[];
  measures: MeasureRow[];
  package: ResponsibilityPackage | null;
  instruction: LeaderInstruction | null;
  feedback: FeedbackRecord[];
  report: ReportDraft | null;
  /** Each stage's state, derived from the work recorded (done only when its work is there). */
  progress: { step: ProgressStep; state: StepState }[];
  /** What happened when, oldest first: the item's audit lines. */
  timeline: ConsultationTimelineEntry[];
  /** What this reader may do now. */
  allowed: { claim: boolean; release: boolean; work: boolean; close: boolean; next: ConsultationStage | null };
}

export interface ConsultationTimelineEntry { at: string; actorName: string | null; action: string; data: Record<string, unknown> }

/** How a ticket stands in the consultation queue, for the ticket drawer. */
export interface TicketEscalation { itemId: string; number: string; stage: ConsultationStage; route: ConsultationRoute; claimedByName: string | null }

export interface DutyShiftView { patternId: string; date: string; userId: string; userName: string; desk: DutyDesk; start: string; end: string; swappedFromName: string | null }
export interface DutyPatternView {
  id: string; userId: string; userName: string; desk: DutyDesk; weekdays: number[]; start: string; end: string; validFrom: string; validUntil: string | null;
}
/** Who had an item and who has it now after a lead's 改派, and why (told to both members). */
export interface ConsultationReassign {
  fromUserId: string | null;
  fromName: string | null;
  toUserId: string;
  toName: string;
  byName: string;
  reason: string;
}

export interface DutyPerson { id: string; name: string; desks: DutyDesk[] }

export interface ConsultationAlert {
  kind: 'new_item' | 'claim_deadline_near' | 'claim_overdue' | 'measure_due_soon' | 'measure_overdue';
  itemId: string; number: string; title: string; at: string; measure?: string;
}

export interface MonthlyDomainRow { domain: string; items: number; closed: number; measures: number; measuresDone: number; list: { id: string; number: string; title: string; stage: ConsultationStage }[] }
export interface MonthlyReport { month: string; total: number; rows: MonthlyDomainRow[] }

export interface HardCandidate { id: string; number: string; title: string; status: string; createdAt: string; district: string; reason: 'overdue' | 'reopened' | 'repeat' }

/** Text that must carry something: trimmed, and not only punctuation or spaces. */
const text = humanText;
const id = z.string().uuid();
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const clock = z.string().regex(/^\d{2}:\d{2}$/);
const optional = (max: number) => z.string().trim().max(max).default('');
const route = z.enum(CONSULTATION_ROUTES);
const urgency = z.enum(CONSULTATION_URGENCIES);
const itemId = id;

const WORKERS = ['cppcc_member', 'liaison_expert', 'shift_lead'] as const;
const ESCALATORS = ['agent', 'cppcc_member', 'shift_lead'] as const;
const ROSTER_EDITORS = ['shift_lead', 'admin'] as const;

export const escalateInput = z.object({
  /** One ticket, or several (a class case 类案 handled as one item). */
  ticketIds: z.array(id).min(1).max(50),
  reason: text(2, 1000),
  route,
  urgency,
  /** Policy domain for the monthly list (交通运输, 教育文体, 城市管理 …); defaults to the ticket's top category. */
  domain: optionalHumanLine(20).optional(),
  title: optionalHumanLine(100).optional(),
  source: z.enum(['ticket', 'intake', 'class_case', 'analysis']).default('ticket'),
}).strict();
export type EscalateInput = z.input<typeof escalateInput>;

export const researchInput = z.object({
  itemId,
  method: z.enum(['site_visit', 'interview', 'desk', 'other']),
  date,
  place: optional(200),
  people: optional(300),
  summary: text(4, 8000),
  /** Small files (photos, scans) as base64, at most 4 MB each before encoding. */
  attachments: z.array(attachmentInput).max(10).default([]),
}).strict();

export const meetingInput = z.object({
  itemId, date,
  departmentIds: z.array(z.string().min(1).max(64)).min(1).max(20),
  participants: optional(1000),
  minutes: text(4, 20_000),
  decisions: z.array(text(2, 500)).max(30).default([]),
}).strict();

export const measureInput = z.object({ itemId, content: text(4, 1000), ownerDepartmentId: z.string().min(1).max(64), deadline: date }).strict();
export const measureUpdateInput = z.object({
  itemId, measureId: id, status: z.enum(MEASURE_STATUSES), evidence: optional(4000), dropReason: z.string().trim().max(500).optional(),
}).strict();

export const reportInput = z.object({
  itemId,
  title: humanLine(4, 100), problem: text(4, 8000), causes: optional(8000), suggestions: text(4, 8000),
  figures: z.array(z.object({ label: humanLine(1, 60), value: z.string().trim().min(1).max(60) }).strict()).max(20).default([]),
}).strict();

export const dutyPatternInput = z.object({
  id: id.optional(),
  userId: id,
  desk: z.enum(['studio', 'station']),
  weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7),
  start: clock, end: clock, validFrom: date, validUntil: date.nullable().default(null),
}).strict();

export const consultationRequests = {
  'consultation.escalate': request<ConsultationDetail>()(escalateInput, ESCALATORS, 'items'),
  /** Shift leads move hard items (疑难事项) to the queue in a batch: one item per ticket. */
  'consultation.transferHard': request<ConsultationRow[]>()(z.object({
    ticketIds: z.array(id).min(1).max(100), route, urgency, reason: text(2, 1000),
  }).strict(), ['shift_lead'], 'items'),
  'consultation.hardCandidates': request<HardCandidate[]>()(z.object({ limit: z.number().int().min(1).max(500) }).strict(), ['shift_lead'], 'tickets'),
  'consultation.forTicket': request<TicketEscalation | null>()(z.object({ ticketId: id }).strict(), 'session', 'tickets'),
  'consultation.queue': request<ConsultationRow[]>()(z.object({
    scope: z.enum(['open', 'mine', 'all', 'hard', 'closed']), limit: z.number().int().min(1).max(2000),
  }).strict(), WORKERS, 'items'),
  'consultation.get': request<ConsultationDetail>()(z.object({ id: itemId }).strict(), WORKERS, 'items'),
  'consultation.claim': request<ConsultationDetail>()(z.object({ id: itemId }).strict(), WORKERS, 'items'),
  'consultation.release': request<ConsultationDetail>()(z.object({ id: itemId, reason: z.string().trim().max(500).optional() }).strict(), WORKERS, 'items'),
  /**
   * 改派 (shift lead): a claimed item to another member on duty on its route, with the reason;
   * `expectedVersion` is the item's version the lead saw (changed meanwhile: conflict).
   */
  'consultation.reassign': request<ConsultationDetail>()(z.object({
    id: itemId, toUserId: id, reason: text(2, 200), expectedVersion: z.number().int().min(0),
  }).strict(), ['shift_lead'], 'items'),
  'consultation.advance': request<ConsultationDetail>()(z.object({ id: itemId }).strict(), WORKERS, 'items'),
  'consultation.addResearch': request<ConsultationDetail>()(researchInput, WORKERS, 'items'),
  'consultation.attachment': request<{ name: string; mime: string; base64: string }>()(z.object({ itemId, attachmentId: id }).strict(), WORKERS, 'items'),
  'consultation.addMeeting': request<ConsultationDetail>()(meetingInput, WORKERS, 'items'),
  'consultation.addMeasure': request<ConsultationDetail>()(measureInput, WORKERS, 'items'),
  'consultation.updateMeasure': request<ConsultationDetail>()(measureUpdateInput, WORKERS, 'items'),
  'consultation.setPackage': request<ConsultationDetail>()(z.object({
    itemId, leader: humanLine(2, 40), departmentId: z.string().min(1).max(64), street: humanLine(2, 60), community: humanLine(2, 60),
  }).strict(), WORKERS, 'items'),
  'consultation.saveReport': request<ConsultationDetail>()(reportInput, WORKERS, 'items'),
  'consultation.recordInstruction': request<ConsultationDetail>()(z.object({ itemId, leader: humanLine(2, 40), date, text: text(2, 4000) }).strict(), WORKERS, 'items'),
  'consultation.addFeedback': request<ConsultationDetail>()(z.object({
    itemId, channel: z.enum(['return_call', 'visit', 'online', 'other']), satisfied: z.boolean(), content: text(2, 4000),
  }).strict(), WORKERS, 'items'),
  'consultation.close': request<ConsultationDetail>()(z.object({ itemId, note: text(2, 1000) }).strict(), WORKERS, 'items'),
  /** The 社情民意信息 report as a Word file. */
  'consultation.exportReport': request<{ fileName: string; base64: string }>()(z.object({ itemId }).strict(), WORKERS, 'items'),
  'consultation.monthly': request<MonthlyReport>()(z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/) }).strict(), WORKERS, 'items'),
  'consultation.alerts': request<ConsultationAlert[]>()(z.object({}).strict(), WORKERS, 'items'),

  'duty.roster': request<{ shifts: DutyShiftView[]; patterns: DutyPatternView[] }>()(z.object({ from: date, to: date }).strict(), 'session'),
  'duty.now': request<DutyShiftView[]>()(z.object({}).strict(), 'session'),
  'duty.people': request<DutyPerson[]>()(z.object({}).strict(), 'session'),
  'duty.savePattern': request<DutyPatternView>()(dutyPatternInput, ROSTER_EDITORS),
  'duty.deletePattern': request<null>()(z.object({ id }).strict(), ROSTER_EDITORS),
  /** Hands one day of a pattern to another person; replacementUserId null cancels that shift. */
  'duty.swap': request<null>()(z.object({ patternId: id, date, replacementUserId: id.nullable(), reason: text(2, 200) }).strict(), ROSTER_EDITORS),
};

export const consultationEvents = {
  /** An item appeared, was claimed, released, moved or closed; sent to the desks on its route and to shift leads. */
  'consultation.changed': event<{ kind: 'created' | 'claimed' | 'released' | 'reassigned' | 'updated' | 'closed'; item: ConsultationRow; reassign?: ConsultationReassign }>(),
  'duty.changed': event<{ at: string }>(),
};
