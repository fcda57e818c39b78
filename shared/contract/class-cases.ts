import { z } from 'zod';
import { request } from './define';
import { humanLine, humanText } from './text';
import { CONSULTATION_ROUTES, CONSULTATION_URGENCIES } from '../domain/consultation';
import { CLASS_CASE_MEASURE_STATUSES, MAX_CLASS_CASE_MEMBERS, type ClassCaseMeasureStatus, type ClassCaseState } from '../domain/class-case';

export type { ClassCaseMeasureStatus, ClassCaseState };

/** A progress counter of a class case: "路灯修复 5,800 / 6,000 盏". */
export interface ClassCaseCounter {
  id: string; label: string; unit: string; target: number; value: number;
  ownerDepartmentId: string; ownerDepartment: string; version: number; updatedAt: string;
  /** Whether this reader may update it (shift leads, the owner department). */
  canUpdate: boolean;
}

export interface ClassCaseMeasure {
  id: string; content: string; ownerDepartmentId: string; ownerDepartment: string; deadline: string;
  status: ClassCaseMeasureStatus; version: number; updatedAt: string; overdue: boolean; canUpdate: boolean;
}

/** 包保: the department that answers for the whole case, the person responsible, the departments helping. */
export interface ClassCasePackage {
  leadDepartmentId: string; leadDepartment: string; person: string;
  coDepartments: { id: string; name: string }[];
}

export interface ClassCaseRow {
  id: string; number: string; title: string; state: ClassCaseState; source: 'tickets' | 'hotspot';
  createdAt: string; category: string | null; area: string | null; terms: string[];
  members: number; finished: number; counters: ClassCaseCounter[];
  leadDepartment: string | null;
}

export interface ClassCaseMember {
  id: string; number: string; title: string; status: string; createdAt: string; district: string; leadDepartment: string | null;
  /** Attached by the match rule (not picked by hand). */
  auto: boolean;
}

export interface ClassCaseDetail extends ClassCaseRow {
  version: number;
  categoryId: string | null; areaCode: string | null;
  package: ClassCasePackage | null;
  measures: ClassCaseMeasure[];
  reply: string | null; repliedAt: string | null;
  closedAt: string | null; closeNote: string | null;
  /** The newest members this reader may see (at most 500; `members` counts them all). */
  memberList: ClassCaseMember[];
  consultation: { itemId: string; number: string; stage: string } | null;
  timeline: { at: string; actorName: string | null; action: string; data: Record<string, unknown> }[];
  allowed: { manage: boolean };
}

/** A member closing the class case could not close (still with a department, merged …). */
export interface ClassCaseBlockedMember { id: string; number: string; status: string }

export interface ClassCaseCloseResult {
  detail: ClassCaseDetail;
  closed: number;
  alreadyFinished: number;
  blocked: ClassCaseBlockedMember[];
}

/** An open class case covering what is being typed at intake. */
export interface ClassCaseNotice { id: string; number: string; title: string; terms: string[]; members: number; reply: string | null }

const id = z.string().uuid();
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const divisionCode = z.string().regex(/^\d{6,12}$/);
const categoryId = z.string().min(1).max(64);
const departmentId = z.string().min(1).max(64);
const version = z.number().int().min(0);
const term = z.string().trim().min(1).max(20);

const MANAGERS = ['shift_lead'] as const;
const READERS = ['shift_lead', 'cppcc_member', 'admin', 'department'] as const;

/**
 * A class case from a hand-picked set of tickets or from a hotspot (the hotspot engine passes its
 * ticket ids, title, key terms, area and category as they are). No members: refused in main with
 * class_case_no_members, a sentence the user understands, not a schema error.
 */
export const classCaseCreateInput = z.object({
  ticketIds: z.array(id).max(MAX_CLASS_CASE_MEMBERS),
  title: humanLine(2, 100),
  terms: z.array(term).max(12).default([]),
  categoryId: categoryId.nullable().default(null),
  areaCode: divisionCode.nullable().default(null),
  source: z.enum(['tickets', 'hotspot']).default('tickets'),
}).strict();
export type ClassCaseCreateInput = z.input<typeof classCaseCreateInput>;

export const classCaseRequests = {
  'classCases.create': request<ClassCaseDetail>()(classCaseCreateInput, MANAGERS, 'tickets'),
  'classCases.list': request<ClassCaseRow[]>()(z.object({ state: z.enum(['open', 'closed', 'all']), limit: z.number().int().min(1).max(1000) }).strict(), READERS, 'tickets'),
  'classCases.get': request<ClassCaseDetail>()(z.object({ id }).strict(), READERS, 'tickets'),
  'classCases.addMembers': request<ClassCaseDetail>()(z.object({ id, expectedVersion: version, ticketIds: z.array(id).min(1).max(MAX_CLASS_CASE_MEMBERS) }).strict(), MANAGERS, 'tickets'),
  'classCases.setRule': request<ClassCaseDetail>()(z.object({
    id, expectedVersion: version, terms: z.array(term).max(12), categoryId: categoryId.nullable(), areaCode: divisionCode.nullable(),
  }).strict(), MANAGERS, 'tickets'),
  'classCases.setPackage': request<ClassCaseDetail>()(z.object({
    id, expectedVersion: version, leadDepartmentId: departmentId, person: humanLine(2, 40), coDepartmentIds: z.array(departmentId).max(20).default([]),
  }).strict(), MANAGERS, 'tickets'),
  'classCases.addMeasure': request<ClassCaseDetail>()(z.object({
    id, expectedVersion: version, content: humanText(4, 1000), ownerDepartmentId: departmentId, deadline: date,
  }).strict(), MANAGERS, 'tickets'),
  'classCases.updateMeasure': request<ClassCaseDetail>()(z.object({
    id, measureId: id, expectedVersion: version, status: z.enum(CLASS_CASE_MEASURE_STATUSES),
  }).strict(), ['shift_lead', 'department'], 'tickets'),
  'classCases.addCounter': request<ClassCaseDetail>()(z.object({
    id, expectedVersion: version, label: humanLine(2, 30), unit: z.string().trim().max(6).default(''),
    target: z.number().int().min(1).max(100_000_000), value: z.number().int().min(0).max(100_000_000).default(0), ownerDepartmentId: departmentId,
  }).strict(), MANAGERS, 'tickets'),
  /** The owner department (or a shift lead) reports progress; every change is audited. */
  'classCases.updateCounter': request<ClassCaseDetail>()(z.object({
    id, counterId: id, expectedVersion: version, value: z.number().int().min(0).max(100_000_000),
  }).strict(), ['shift_lead', 'department'], 'tickets'),
  /** One reply, sent to every member as its 类案答复 history entry. */
  'classCases.reply': request<ClassCaseDetail>()(z.object({ id, expectedVersion: version, content: humanText(4, 4000) }).strict(), MANAGERS, 'tickets'),
  /** Replies (if `reply` is given) and closes the case and each member through its lifecycle. */
  'classCases.close': request<ClassCaseCloseResult>()(z.object({
    id, expectedVersion: version, note: humanText(2, 1000), reply: humanText(4, 4000).optional(),
  }).strict(), MANAGERS, 'tickets'),
  /** Hands the case to the consultation queue: one item linked to it. */
  'classCases.escalate': request<ClassCaseDetail>()(z.object({
    id, expectedVersion: version, reason: humanText(2, 1000), route: z.enum(CONSULTATION_ROUTES), urgency: z.enum(CONSULTATION_URGENCIES),
  }).strict(), MANAGERS, 'tickets'),
  /** Open class cases covering what an agent is typing at intake. */
  'classCases.matchIntake': request<ClassCaseNotice[]>()(z.object({
    categoryId: categoryId.optional(), districtCode: divisionCode.optional(), streetCode: divisionCode.optional(), communityCode: divisionCode.optional(),
    text: z.string().max(4100),
  }).strict(), ['agent', 'cppcc_member', 'shift_lead'], 'tickets'),
};
