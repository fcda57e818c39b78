/**
 * Department suggestion (智能派单) and the misrouting guard: the shapes main sends and the
 * ticket history keeps. The renderer words them (i18n); main sends facts, not prose.
 */

/** Which evidence a suggestion rests on, most specific first. */
export const ROUTING_BASES = ['category_street', 'category_district', 'category', 'street', 'text'] as const;
export type RoutingBasis = (typeof ROUTING_BASES)[number];

/** How far back a suggestion's reason and the guard look. */
export const ROUTING_RECENT_DAYS = 90;

/** One suggested department, with why. */
export interface DepartmentSuggestion {
  departmentId: string;
  name: string;
  /** 0..1. */
  score: number;
  basis: RoutingBasis;
  /** Tickets of that basis the department signed and kept: in the last `days` days, or all time when `days` is null. */
  count: number;
  days: number | null;
}

export interface DepartmentSuggestions {
  lead: DepartmentSuggestion[];
  co: DepartmentSuggestion[];
}

/**
 * A reason to think twice before dispatching: the department returned similar tickets recently
 * (same category, or similar text), or the ticket's division is outside its area.
 */
export type DispatchWarning =
  | { kind: 'returned_similar'; departmentId: string; name: string; count: number; similarBy: 'category' | 'text'; lastReason: string; lastAt: string }
  | { kind: 'outside_area'; departmentId: string; name: string; area: string; ticketDivision: string };
