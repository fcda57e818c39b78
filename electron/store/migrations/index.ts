import { migration0001 } from './0001_core';
import { migration0002 } from './0002_tickets';
import { migration0003calls } from './0003_calls';
import { migration0004intake } from './0004_intake';
import { migration0005search } from './0005_search';
import { migration0006knowledge } from './0006_knowledge';
import { migration0007consultation } from './0007_consultation';
import { migration0008categoryIndex } from './0008_category_index';
import { migration0009categoryModel } from './0009_category_model';
import { migration0010divisionRetired } from './0010_division_retired';
import { migration0011searchFilterIndex } from './0011_search_filter_index';
import { migration0012ticketDivisionIndex } from './0012_ticket_division_index';
import { migration0013authSessions } from './0013_auth_sessions';
import { migration0014ticketDepartmentsAccess } from './0014_ticket_departments_access';
import { migration0015importsCountersStaging } from './0015_imports_counters_staging';
import { migration0016pgSearchIndex } from './0016_pg_search_index';
import { migration0017consoleEvents } from './0017_console_events';
import { migration0018pgSearchText } from './0018_pg_search_text';
import { migration0019seatPresence } from './0019_seat_presence';
import { migration0020seatPresenceDetail } from './0020_seat_presence_detail';
import { migration0021kpiDaily } from './0021_kpi_daily';
import { migration0022ticketTallies } from './0022_ticket_tallies';
import { migration0023departmentRouting } from './0023_department_routing';
import { migration0024classCases } from './0024_class_cases';
import { migration0025recordings } from './0025_recordings';
import { migration0026outreach } from './0026_outreach';
import { migration0027callQuality } from './0027_call_quality';
import { migration0028recordingParts } from './0028_recording_parts';
import { migration0029outreachCancel } from './0029_outreach_cancel';
import { migration0030searchFresh } from './0030_search_fresh';
import { migration0031searchFilterMixes } from './0031_search_filter_mixes';
import { migration0032pgSearchFilterLexemes } from './0032_pg_search_filter_lexemes';
import type { Migration } from './types';

/** In version order; the runner checks the numbering has no gaps. */
export const migrations: readonly Migration[] = [migration0001, migration0002, migration0003calls, migration0004intake, migration0005search, migration0006knowledge, migration0007consultation, migration0008categoryIndex, migration0009categoryModel, migration0010divisionRetired, migration0011searchFilterIndex, migration0012ticketDivisionIndex,
  migration0013authSessions,
  migration0014ticketDepartmentsAccess,
  migration0015importsCountersStaging,
  migration0016pgSearchIndex,
  migration0017consoleEvents,
  migration0018pgSearchText,
  migration0019seatPresence,
  migration0020seatPresenceDetail,
  migration0021kpiDaily,
  migration0022ticketTallies,
  migration0023departmentRouting, migration0024classCases, migration0025recordings, migration0026outreach,
  migration0027callQuality, migration0028recordingParts, migration0029outreachCancel, migration0030searchFresh, migration0031searchFilterMixes,
  migration0032pgSearchFilterLexemes];
export type { Migration, Dialect } from './types';
