import { z } from 'zod';

/**
 * The kinds of appeal (诉求类型) a 12345 ticket can carry. The order is the order intake forms
 * and reports list them in (咨询, 求助, 投诉, 举报, 建议, 表扬, 其他), so the UI may iterate it as is.
 * Chinese labels live in the renderer's catalogue, not here: the domain speaks ids only.
 */
export const APPEAL_TYPES = [
  'consultation', // 咨询
  'help', // 求助
  'complaint', // 投诉
  'report', // 举报
  'suggestion', // 建议
  'praise', // 表扬
  'other', // 其他
] as const;
export type AppealType = (typeof APPEAL_TYPES)[number];
export const appealTypeSchema = z.enum(APPEAL_TYPES);

/**
 * How fast a ticket must move. `emergency` is the class with same-day deadlines (water main burst,
 * a person in danger); `urgent` shortens the ordinary deadlines. The deadline policy decides the
 * numbers; see deadlines.ts.
 */
export const URGENCY_LEVELS = ['normal', 'urgent', 'emergency'] as const;
export type Urgency = (typeof URGENCY_LEVELS)[number];
export const urgencySchema = z.enum(URGENCY_LEVELS);

/** Where an appeal came in: the hotline, the web/app form, the service hall, a letter, or staff out on the street. */
export const TICKET_CHANNELS = ['phone', 'web', 'walk_in', 'letter', 'outreach'] as const;
export type TicketChannel = (typeof TICKET_CHANNELS)[number];
export const ticketChannelSchema = z.enum(TICKET_CHANNELS);

// Narrowing helpers for values read back from the store, where the column is plain text.
export function isAppealType(value: unknown): value is AppealType {
  return typeof value === 'string' && (APPEAL_TYPES as readonly string[]).includes(value);
}
export function isUrgency(value: unknown): value is Urgency {
  return typeof value === 'string' && (URGENCY_LEVELS as readonly string[]).includes(value);
}
export function isTicketChannel(value: unknown): value is TicketChannel {
  return typeof value === 'string' && (TICKET_CHANNELS as readonly string[]).includes(value);
}
