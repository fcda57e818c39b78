import type { TicketState } from './ticket-lifecycle';

/**
 * Class cases (类案): many tickets about one problem handled once, as one rectification project
 * (未诉先办). Pure rules: what a new ticket must have to be attached automatically, how a progress
 * counter may move, and what closing does to each member ticket.
 */

export const CLASS_CASE_STATES = ['open', 'closed'] as const;
export type ClassCaseState = (typeof CLASS_CASE_STATES)[number];

export const CLASS_CASE_MEASURE_STATUSES = ['planned', 'in_progress', 'done'] as const;
export type ClassCaseMeasureStatus = (typeof CLASS_CASE_MEASURE_STATUSES)[number];

/** Most members one class case may hold (a city's street lights: thousands of calls at most). */
export const MAX_CLASS_CASE_MEMBERS = 20_000;

/**
 * What a new ticket must have to join an open class case: its category (or one under it), its
 * area (the division or one inside it: codes nest by prefix), and at least one of the key terms in
 * its title or content. A rule without terms never matches: category + area alone would sweep in
 * every ticket of a busy category.
 */
export interface ClassCaseMatchRule {
  /** Category id; null: any category. */
  readonly categoryId: string | null;
  /** Division code (district, street or community); null: the whole city. */
  readonly areaCode: string | null;
  readonly terms: readonly string[];
}

export interface MatchCandidate {
  readonly categoryPath: readonly string[];
  /** The most precise division code the ticket has (community, street or district). */
  readonly divisionCodes: readonly (string | null)[];
  readonly text: string;
}

/** Normalised key terms: trimmed, without duplicates or empties, at most 12, 1–20 characters each. */
export function normaliseTerms(terms: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of terms) {
    const s = t.trim();
    if (s && s.length <= 20 && !out.includes(s)) out.push(s);
  }
  return out.slice(0, 12);
}

/** Whether a ticket falls under a class case's rule. */
export function matchesClassCase(rule: ClassCaseMatchRule, t: MatchCandidate): boolean {
  if (rule.terms.length === 0) return false;
  if (rule.categoryId && !t.categoryPath.includes(rule.categoryId)) return false;
  if (rule.areaCode && !t.divisionCodes.some((c) => c !== null && c.startsWith(rule.areaCode!))) return false;
  return rule.terms.some((term) => t.text.includes(term));
}

/** Key terms of a rule found in a text (for the intake notice: why this class case). */
export function matchedTerms(rule: ClassCaseMatchRule, text: string): string[] {
  return rule.terms.filter((term) => text.includes(term));
}

export type CounterCheck = { ok: true } | { ok: false; reason: 'class_case_counter_negative' | 'class_case_counter_above_target' | 'class_case_counter_not_integer' };

/** A counter's value: a whole number from 0 to its target (5,800 / 6,000). */
export function checkCounterValue(value: number, target: number): CounterCheck {
  if (!Number.isInteger(value)) return { ok: false, reason: 'class_case_counter_not_integer' };
  if (value < 0) return { ok: false, reason: 'class_case_counter_negative' };
  if (value > target) return { ok: false, reason: 'class_case_counter_above_target' };
  return { ok: true };
}

/** Share of the target reached, 0..1; null for a target of 0 (nothing to measure). */
export function counterShare(value: number, target: number): number | null {
  return target > 0 ? Math.min(1, value / target) : null;
}

/**
 * What closing a class case does with one member, by the member's state, through the ticket's own
 * lifecycle: registered tickets are resolved directly with the class case's reply; reviewed or
 * screened ones are closed; finished ones stay as they are; everything else (still with a
 * department, or merged) cannot be closed from here and is listed for the shift lead.
 */
export type MemberClosing = 'resolve_directly' | 'close' | 'already_finished' | 'blocked';

export function memberClosing(state: TicketState): MemberClosing {
  switch (state) {
    case 'registered': return 'resolve_directly';
    case 'reviewed':
    case 'return_visit':
      return 'close';
    case 'closed':
    case 'resolved_directly':
      return 'already_finished';
    default:
      return 'blocked';
  }
}
