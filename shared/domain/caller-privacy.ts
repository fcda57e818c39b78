import { maskPhone } from './phone';
import type { UserRole } from './roles';

/**
 * Who may see a citizen's full phone number and name: the one rule ticket details, lists, search
 * and consultation items follow.
 * - 'all': every ticket's caller, confidential (保密) ones too: intake and shift leads, who must be
 *   able to call back (agents, shift leads);
 * - 'non_confidential': all but confidential tickets' callers (CPPCC members, liaison experts);
 * - 'none': numbers masked, confidential callers hidden (departments, admins).
 */
export type CallerVisibility = 'all' | 'non_confidential' | 'none';
export const CALLER_VISIBILITIES: readonly CallerVisibility[] = ['all', 'non_confidential', 'none'];

/** What a reader with these roles sees of callers on tickets (the widest of their roles). */
export function callerVisibilityOf(roles: readonly (UserRole | string)[]): CallerVisibility {
  if (roles.includes('agent') || roles.includes('shift_lead')) return 'all';
  if (roles.includes('cppcc_member') || roles.includes('liaison_expert')) return 'non_confidential';
  return 'none';
}

/**
 * On a consultation item full numbers go only to who calls the citizen back, its claimer and shift
 * leads, and never a confidential ticket's.
 */
export function itemCallerVisibility(reader: { userId: string; roles: readonly (UserRole | string)[] }, claimedBy: string | null): CallerVisibility {
  return reader.roles.includes('shift_lead') || claimedBy === reader.userId ? 'non_confidential' : 'none';
}

/** Whether the reader sees this caller's number in full (else masked, or not at all). */
export function seesFullPhone(v: CallerVisibility, confidential: boolean): boolean {
  return v === 'all' || (v === 'non_confidential' && !confidential);
}

/** Whether the reader sees this caller's name. */
export function seesCallerName(v: CallerVisibility, confidential: boolean): boolean {
  return !confidential || v === 'all';
}

/**
 * The caller's name and number on one ticket as this reader may see them. On a confidential ticket
 * staff who work cases see that there is a caller (a masked number); a department sees no trace.
 */
export function callerOnTicket(v: CallerVisibility, t: { phone: string | null; callerName: string | null; confidential: boolean }):
  { callerName: string | null; phone: string | null } {
  const callerName = seesCallerName(v, t.confidential) ? t.callerName : null;
  if (!t.phone) return { callerName, phone: null };
  if (seesFullPhone(v, t.confidential)) return { callerName, phone: t.phone };
  return { callerName, phone: t.confidential && v === 'none' ? null : maskPhone(t.phone) };
}

/** A list row's number: always masked; none for a confidential ticket read outside intake. */
export function callerInList(v: CallerVisibility, t: { phone: string | null; confidential: boolean }): string {
  if (!t.phone || (t.confidential && v !== 'all')) return '';
  return maskPhone(t.phone);
}
