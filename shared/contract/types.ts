import type { DeadlinePolicy } from '../domain/deadlines';
import type { AppealType, TicketChannel } from '../domain/appeal';
import type { Frame, Role } from './roles';

export type IntakeChannel = TicketChannel;

export interface UserInfo {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  departmentId: string | null;
}

export interface SessionInfo {
  user: UserInfo;
  frames: Frame[];
  /** The password was set by an admin: nothing but changing it is allowed until it is changed. */
  mustChangePassword: boolean;
}

/** What a sign-in answers: the session and its opaque token, which `session.resume` takes on a new connection. */
export interface SignedIn extends SessionInfo {
  /** Random, shown once; main keeps only its hash. The renderer keeps it for this tab/window only. */
  token: string;
  /** When the session ends unless used: moved on by each use (idle limit), never past its maximum age. */
  expiresAt: string;
}

export type ThemeSetting = 'light' | 'dark' | 'auto';

export interface UserSettings {
  theme: ThemeSetting;
  /** Frame to open after login; falls back to the first allowed one. */
  lastFrame: Frame | null;
  /** The source channel the agent last chose on a form not taken from a call: the next such form starts with it. */
  intakeChannel: IntakeChannel | null;
}

export interface AppInfo {
  version: string;
  /** No user exists yet: the first-run screen is shown. */
  setupRequired: boolean;
  /** The store holds generated demo data; the login screen lists the demo accounts. */
  demo: boolean;
  demoAccounts: { username: string; role: Role; password: string }[];
  runtime: 'electron' | 'host';
  /**
   * Where call audio lives: 'window' — a hidden media window owned by main (Electron), so reloading
   * the UI does not drop a call; 'self' — the page that shows the phone (host mode in a browser).
   */
  mediaHost: 'window' | 'self';
}

export interface DemoStatus {
  demo: boolean;
  tickets: number;
  citizens: number;
  departments: number;
  users: number;
  seed: number | null;
}

export interface AdminUserRow {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  /** The department (承办单位) a department user works for; null when not bound. */
  departmentId: string | null;
  departmentName: string | null;
  disabled: boolean;
  lockedUntil: string | null;
  lastLoginAt: string | null;
}

export interface AuditRow {
  id: string;
  at: string;
  actorName: string | null;
  action: string;
  subjectType: string;
  subjectId: string | null;
  /** JSON of what changed; never a password or a citizen's phone number. */
  data: string;
}

export interface TicketListRow {
  id: string;
  number: string;
  createdAt: string;
  appealType: string;
  status: string;
  title: string;
  district: string;
  /** Masked unless the role needs the full number. */
  phone: string;
  categoryPath: string;
}

export interface Draft {
  key: string;
  data: string;
  savedAt: string;
}

export interface OverviewStats {
  ticketsToday: number;
  openTickets: number;
  overdueTickets: number;
  byStatus: { status: string; count: number }[];
  byAppealType: { appealType: string; count: number }[];
  byDistrict: { district: string; count: number }[];
}

/**
 * KPIs over a period. Rates are fractions in [0, 1] or null when nothing was measured; the
 * formulas are written down in shared/domain/kpi.ts and in the README.
 */
export interface KpiReport {
  /** Start of the period (ISO): for `stats.kpis`, 00:00 China time of its first day. */
  from: string;
  /** End of the period, exclusive (ISO): for `stats.kpis`, 00:00 China time after today. */
  to: string;
  counts: {
    registered: number; resolvedDirectly: number; dispatched: number; signedOnTime: number; returned: number;
    returnVisits: number; resolved: number; satisfied: number; replied: number; repliedOnTime: number; reopened: number;
  };
  rates: {
    response: number | null; resolution: number | null; satisfaction: number | null; onTimeClosure: number | null;
    reopen: number | null; return: number | null; directResolution: number | null;
  };
}

/** One year of the working-day calendar: public holidays and make-up working days (YYYY-MM-DD). */
/** The deadline limits in force, the shipped defaults beside them, and the caps per appeal type. */
export interface DeadlinePolicyView {
  policy: DeadlinePolicy;
  source: 'default' | 'admin';
  updatedAt: string | null;
  defaults: DeadlinePolicy;
  replyLimits: Readonly<Record<AppealType, number>>;
}

export interface CalendarYear { year: number; holidays: string[]; workdays: string[]; source: 'shipped' | 'admin' }
