import type { CalendarService } from '../../services/calendar';
import type { DeadlinePolicyService } from '../../services/deadline-policy';
import { userOf, type HandlerSlice } from './context';

/** The working-day calendar and the deadline policy. */
export function calendarHandlers(calendar: CalendarService, deadlinePolicy: DeadlinePolicyService): HandlerSlice<`calendar.${string}` | `deadlines.${string}`> {
  return {
    'calendar.list': () => calendar.list(),
    'calendar.setYear': (i, ctx) => calendar.setYear(i, userOf(ctx)),
    'deadlines.get': () => deadlinePolicy.view(),
    'deadlines.set': (i, ctx) => deadlinePolicy.set(i.policy, userOf(ctx)),
  };
}
