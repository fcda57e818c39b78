import { z } from 'zod';
import { CONSULTATION_ROUTES, type ConsultationRoute } from './consultation';
import { SATISFACTION_LEVELS, TICKET_STATES, type TicketEventDataMap, type TicketState } from './ticket-lifecycle';

/**
 * A ticket's history (办理过程) as the store holds it: every action any writer records, with the
 * facts it carries. The lifecycle's own events (ticket-lifecycle.ts, TicketEventDataMap) plus the
 * two facts recorded outside the state machine: a ticket taken over from an Excel sheet, and a
 * ticket escalated to the consultation queue. Written through one writer (appendTicketEvent in
 * electron/store/repos/ticket-events.ts) and read back through readTicketEvent, so the names and
 * shapes are defined here and nowhere else.
 */
export interface TicketHistoryDataMap extends TicketEventDataMap {
  /** 导入: taken over from an Excel sheet in import batch `batch`; it enters in its sheet's state. */
  imported: { batch: string };
  /** 升级协商: sent to the consultation queue as item `item` (its number) on `route`. No state change. */
  escalate: { reason: string; item: string; route: ConsultationRoute };
  /** 归入类案: joined class case `classCase` (its number), by hand or by its match rule. No state change. */
  classCaseAttach: { classCase: string; auto: boolean };
  /** 类案答复: the class case's one reply, sent to every member. No state change. */
  classCaseReply: { classCase: string; content: string };
}
export type TicketHistoryAction = keyof TicketHistoryDataMap;

/** One history entry of a given action: what a writer appends. */
export type TicketHistoryEventOf<A extends TicketHistoryAction> = {
  /** Row id; the writer makes a time-ordered one from `at` when absent. */
  readonly id?: string;
  readonly ticketId: string;
  readonly at: string;
  /** Null for rows whose actor is unknown (data migrated from elsewhere). */
  readonly actorId: string | null;
  readonly action: A;
  /** Null when the entry starts the history (register, imported). */
  readonly fromState: TicketState | null;
  /** Null when the entry does not move the ticket (escalate). */
  readonly toState: TicketState | null;
  readonly data: TicketHistoryDataMap[A];
};
/** Any history entry; `action` decides the type of `data`. */
export type TicketHistoryEvent = { [A in TicketHistoryAction]: TicketHistoryEventOf<A> }[TicketHistoryAction];

const text = z.string();
const iso = z.string();
const nullableText = z.string().nullable();
const dispatchTarget = z.object({
  leadDepartmentId: text,
  coDepartmentIds: z.array(text),
  signBy: iso,
  replyBy: iso,
});
const dispatchWarning = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('returned_similar'), departmentId: text, name: text, count: z.number(), similarBy: z.enum(['category', 'text']), lastReason: text, lastAt: iso }),
  z.object({ kind: z.literal('outside_area'), departmentId: text, name: text, area: text, ticketDivision: text }),
]);
const watched = z.object({ note: text, deadline: iso, overdue: z.boolean() });

/**
 * How each action's data reads back. Old rows keep reading: shapes that changed over time accept
 * both forms (dispatches before 派单意见 have no instructions, return visits before the three
 * answers have only `satisfied`, registrations before repeat calls are empty). `satisfies` makes
 * a missing action or a schema that disagrees with the map a type error.
 */
const DATA_SCHEMAS = {
  register: z.object({ repeatOf: text.optional(), repeatOfNumber: text.optional(), outreachEvent: text.optional(), fixedOnSpot: z.boolean().optional() }),
  resolveDirectly: z.object({ summary: text }),
  dispatch: dispatchTarget.extend({ instructions: text.optional(), guardWarnings: z.array(dispatchWarning).optional(), guardAcknowledged: z.boolean().optional() }),
  sign: z.object({ late: z.boolean() }),
  startHandling: z.object({}).strict(),
  returnTicket: z.object({ reason: text }),
  approveReturn: z.object({ note: nullableText }),
  rejectReturn: z.object({ reason: text, signBy: nullableText, replyBy: nullableText }),
  requestExtension: z.object({ days: z.number().int(), reason: text, proposedReplyBy: iso }),
  approveExtension: z.object({ note: nullableText, previousReplyBy: nullableText, replyBy: iso }),
  rejectExtension: z.object({ reason: text }),
  supervise: watched,
  urge: watched,
  reply: z.object({ content: text, late: z.boolean() }),
  review: z.object({ approved: z.boolean(), note: nullableText }),
  recordReturnVisit: z.object({ resolved: z.boolean(), satisfied: z.boolean(), satisfaction: z.enum(SATISFACTION_LEVELS).optional(), note: nullableText }),
  close: z.object({ reason: text }),
  reopen: z.object({
    reason: text,
    route: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('same_department'), replyBy: iso }),
      dispatchTarget.extend({ kind: z.literal('redispatch') }),
    ]),
  }),
  merge: z.object({ parentId: text }),
  reassign: dispatchTarget.extend({ reason: text, fromDepartmentId: nullableText }),
  imported: z.object({ batch: text }),
  escalate: z.object({ reason: text, item: text, route: z.enum(CONSULTATION_ROUTES) }),
  classCaseAttach: z.object({ classCase: text, auto: z.boolean() }),
  classCaseReply: z.object({ classCase: text, content: text }),
} satisfies { [A in TicketHistoryAction]: z.ZodType<TicketHistoryDataMap[A]> };

/** Every action name a ticket's history can hold, in the map's order. */
export const TICKET_HISTORY_ACTIONS = Object.keys(DATA_SCHEMAS) as TicketHistoryAction[];

export const isTicketHistoryAction = (action: string): action is TicketHistoryAction =>
  Object.prototype.hasOwnProperty.call(DATA_SCHEMAS, action);

/** A stored history row as any store returns it (data is JSON text). */
export interface StoredTicketEventRow {
  readonly action: string;
  readonly data: string;
}

/** A stored row whose action and data the map knows; `data` typed by `action`. */
export type ReadTicketEvent = { [A in TicketHistoryAction]: { readonly action: A; readonly data: TicketHistoryDataMap[A] } }[TicketHistoryAction];

/**
 * Reads a stored row's action and data: the typed entry, or null for a row the map cannot vouch
 * for (an unknown action, or data that is not JSON or not its action's shape). Callers treat such
 * a row as having no facts, as the timeline shows it verbatim.
 */
export function readTicketEvent(row: StoredTicketEventRow): ReadTicketEvent | null {
  if (!isTicketHistoryAction(row.action)) return null;
  let raw: unknown;
  try { raw = JSON.parse(row.data); } catch { return null; }
  const parsed = DATA_SCHEMAS[row.action].safeParse(raw);
  // The schema for row.action produced this data, so the pair is one member of the union.
  return parsed.success ? { action: row.action, data: parsed.data } as ReadTicketEvent : null;
}

/** Reads a row only if it is of the given action: the data typed by it. */
export function readTicketEventOf<A extends TicketHistoryAction>(row: StoredTicketEventRow, action: A): TicketHistoryDataMap[A] | null {
  if (row.action !== action) return null;
  const e = readTicketEvent(row);
  return e ? e.data as TicketHistoryDataMap[A] : null;
}

/** Boolean facts of an action's data, by name: what a KPI may count `true` or `false` of. */
export type TicketEventFlag<A extends TicketHistoryAction> = {
  [K in keyof TicketHistoryDataMap[A]]-?: TicketHistoryDataMap[A][K] extends boolean ? K : never;
}[keyof TicketHistoryDataMap[A]] & string;

/** True when the state is one the lifecycle knows (stored columns are plain text). */
export const isTicketState = (s: string | null): s is TicketState => s !== null && (TICKET_STATES as readonly string[]).includes(s);
