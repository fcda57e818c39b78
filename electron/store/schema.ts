import type { Generated } from 'kysely';

/**
 * Table types for Kysely. Times are ISO-8601 UTC text on both SQLite and PostgreSQL so that one
 * query path serves both dialects and strings sort in time order.
 */
export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  department_id: string | null;
  disabled: number;
  failed_attempts: number;
  locked_until: string | null;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
  /** 1: the password was set by an admin (or the system for one) and must be changed at the next sign-in. */
  must_change_password: Generated<number>;
}

/** A sign-in (migration 0013); the token itself is never stored, only its SHA-256. */
export interface SessionsTable {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  revoked_at: string | null;
  /** Why it ended early: logout, disabled, password_changed, password_reset, replaced. */
  revoked_reason: string | null;
}

export interface UserRolesTable {
  user_id: string;
  role: string;
}

export interface AuditEventsTable {
  id: string;
  at: string;
  actor_id: string | null;
  action: string;
  subject_type: string;
  subject_id: string | null;
  data: string;
}

export interface SettingsTable {
  scope: string;
  key: string;
  value: string;
}

export interface DraftsTable {
  user_id: string;
  key: string;
  data: string;
  saved_at: string;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface DivisionsTable {
  code: string;
  name: string;
  level: number;
  parent_code: string | null;
  /** 1: replaced by newer division data but still on old tickets; not offered for new ones. */
  retired: Generated<number>;
}

export interface CategoriesTable {
  id: string;
  code: string;
  name: string;
  level: number;
  parent_id: string | null;
}

export interface DepartmentsTable {
  id: string;
  code: string;
  name: string;
  kind: string;
  district_code: string | null;
}

export interface CitizensTable {
  id: string;
  phone: string;
  name: string | null;
  created_at: string;
}

export interface TicketsTable {
  id: string;
  number: string;
  created_at: string;
  updated_at: string;
  channel: string;
  appeal_type: string;
  urgency: string;
  status: string;
  citizen_id: string | null;
  phone: string | null;
  caller_name: string | null;
  confidential: number;
  category_id: string | null;
  title: string;
  content: string;
  district_code: string | null;
  street_code: string | null;
  community_code: string | null;
  address: string | null;
  lat: number | null;
  lng: number | null;
  lead_department_id: string | null;
  sign_by: string | null;
  reply_by: string | null;
  closed_at: string | null;
  parent_id: string | null;
}

export interface TicketEventsTable {
  id: string;
  ticket_id: string;
  at: string;
  actor_id: string | null;
  action: string;
  from_status: string | null;
  to_status: string | null;
  data: string;
}

export interface SipAccountsTable {
  user_id: string;
  ws_url: string;
  aor: string;
  auth_user: string;
  secret_enc: string;
  display_name: string | null;
  media_mode: string;
  updated_at: string;
}

/** A seat's phone as its desk last reported it (migration 0019). */
/** A call's recording (migration 23): the audio is in a file, this row says whose and how far. */
export interface RecordingsTable {
  id: string;
  call_id: string;
  /** 0, then 1, 2 … for what followed a reload of the recording window mid-call (migration 0028). */
  part: number;
  ticket_id: string | null;
  user_id: string;
  started_at: string;
  ended_at: string | null;
  duration_ms: number;
  bytes: number;
  chunks: number;
  mime: string;
  path: string;
  state: string;
}

export interface SeatPresenceTable {
  user_id: string;
  agent: string;
  registered: number;
  reported_at: string;
  reason: string | null;
  since: string | null;
  /** JSON of the reported call (SeatReportCall), or null with no call on the line. */
  call: string | null;
}

export interface AgentStateEventsTable {
  id: string;
  user_id: string;
  at: string;
  state: string;
  reason: string | null;
  call_id: string | null;
}

export interface CallRecordsTable {
  id: string;
  user_id: string;
  direction: string;
  remote_number: string;
  invited_at: string;
  answered_at: string | null;
  ended_at: string;
  ring_ms: number;
  talk_ms: number;
  hold_ms: number;
  end_reason: string;
  sip_code: number | null;
  transfer_target: string | null;
  wrap_up_code: string | null;
  /** Audio quality (migration 0027); null when not measured. */
  jitter_ms: number | null;
  jitter_p95_ms: number | null;
  loss_permille: number | null;
  rtt_ms: number | null;
  rtt_p95_ms: number | null;
  audio_warnings: number | null;
  /** 1 when the call's audio was poor (shared/domain/audio-health.ts poorAudio), 0 when not, null: not measured. */
  poor_audio: number | null;
}

export interface CallTicketLinksTable {
  call_id: string;
  ticket_id: string;
}

export interface TicketStateTable {
  ticket_id: string;
  version: number;
  snapshot: string;
}

/** Search document key per ticket (see migration 0005); uni/bi hold tokens on PostgreSQL only. */
export interface TicketSearchDocsTable {
  doc_id: number;
  ticket_id: string;
  uni: string | null;
  bi: string | null;
  /** PostgreSQL only (migration 0016): the tokens as a tsvector; absent on SQLite. */
  tsv?: string | null;
  /** PostgreSQL only (migration 0018): normalised text for substring checks; absent on SQLite. */
  body?: string | null;
  /**
   * SQLite only (migration 0031): how far instr on the raw fields answers a term as the normalised
   * text would (2: any term with few raw spellings, 1: terms of ideographs, 0: none; null: not yet known).
   */
  plain?: number | null;
  private_name?: string | null;
}

export interface CallScriptsTable {
  id: string;
  stage: string;
  category_id: string | null;
  title: string;
  body: string;
  sort: number;
  updated_at: string;
}

export interface KnowledgeArticlesTable {
  id: string;
  title: string;
  body: string;
  category_id: string | null;
  source: string;
  valid_from: string;
  valid_until: string | null;
  updated_at: string;
  updated_by: string | null;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: string;
  seq?: Generated<number>;
}

/** Every department a ticket was dispatched to (lead or co-department, current or earlier). */
export interface TicketDepartmentsTable {
  ticket_id: string;
  department_id: string;
}

/** Tickets counted by status, appeal type and district ('' for none), kept by triggers on tickets (migration 0022). */
export interface TicketTalliesTable {
  status: string;
  appeal_type: string;
  district_code: string;
  n: number;
}

/**
 * KPI counts per China day (migration 0021), kept by the ticket history's one writer in the same
 * transaction as each entry (electron/store/repos/kpi-daily.ts); columns are KpiCounts in snake case.
 */
export interface KpiDailyTable {
  /** China calendar day, YYYY-MM-DD. */
  day: string;
  registered: number;
  resolved_directly: number;
  dispatched: number;
  signed_on_time: number;
  returned: number;
  return_visits: number;
  resolved: number;
  satisfied: number;
  replied: number;
  replied_on_time: number;
  reopened: number;
}

/** Signed and returned dispatches per routing key, period and department (migration 0023). */
export interface DepartmentTalliesTable {
  key: string;
  /** '*' for all time, or a China day YYYY-MM-DD. */
  period: string;
  department_id: string;
  signed: number;
  returned: number;
}

/** Approved returns (退单) with their reason, for the misrouting guard (migration 0023). */
export interface DepartmentReturnsTable {
  id: string;
  ticket_id: string;
  department_id: string;
  at: string;
  category_id: string | null;
  district_code: string | null;
  title: string;
  text_head: string;
  reason: string;
}

export interface DB {
  department_tallies: DepartmentTalliesTable;
  department_returns: DepartmentReturnsTable;
  kpi_daily: KpiDailyTable;
  ticket_tallies: TicketTalliesTable;
  ticket_departments: TicketDepartmentsTable;
  users: UsersTable;
  user_roles: UserRolesTable;
  audit_events: AuditEventsTable;
  settings: SettingsTable;
  drafts: DraftsTable;
  meta: MetaTable;
  divisions: DivisionsTable;
  categories: CategoriesTable;
  departments: DepartmentsTable;
  citizens: CitizensTable;
  tickets: TicketsTable;
  ticket_events: TicketEventsTable;
  schema_migrations: SchemaMigrationsTable;
  sip_accounts: SipAccountsTable;
  agent_state_events: AgentStateEventsTable;
  seat_presence: SeatPresenceTable;
  recordings: RecordingsTable;
  call_records: CallRecordsTable;
  call_ticket_links: CallTicketLinksTable;
  ticket_state: TicketStateTable;
  call_scripts: CallScriptsTable;
  knowledge_articles: KnowledgeArticlesTable;
  ticket_search_docs: TicketSearchDocsTable;
  consultation_items: ConsultationItemsTable;
  class_cases: ClassCasesTable;
  class_case_tickets: ClassCaseTicketsTable;
  class_case_measures: ClassCaseMeasuresTable;
  class_case_counters: ClassCaseCountersTable;
  outreach_events: OutreachEventsTable;
  outreach_event_people: OutreachEventPeopleTable;
  outreach_event_tickets: OutreachEventTicketsTable;
  consultation_item_tickets: ConsultationItemTicketsTable;
  consultation_records: ConsultationRecordsTable;
  consultation_attachments: ConsultationAttachmentsTable;
  consultation_measures: ConsultationMeasuresTable;
  duty_patterns: DutyPatternsTable;
  duty_swaps: DutySwapsTable;
  category_model: CategoryModelTable;
  sessions: SessionsTable;
  counters: CountersTable;
  import_staging: ImportStagingTable;
}

/** One row per number series (migration 0015): the last number handed out; see store/counters.ts. */
export interface CountersTable {
  series: string;
  value: number;
}

/**
 * Checked import rows waiting to be published (migration 0015): written in short transactions
 * while the import runs, moved into tickets in one, deleted afterwards (or at the next start).
 */
export interface ImportStagingTable {
  batch_id: string;
  seq: number;
  staged_at: string;
  ticket_id: string;
  event_id: string;
  /** The sheet's own number, or null: one is taken from the import series when published. */
  number: string | null;
  /** 1..k over the rows without a number of their own, in sheet order. */
  gen_seq: number | null;
  /** Set on the first row of each phone in the batch: the id a new citizen gets. */
  new_citizen_id: string | null;
  created_at: string;
  appeal_type: string;
  status: string;
  phone: string | null;
  caller_name: string | null;
  category_id: string;
  title: string;
  content: string;
  district_code: string | null;
  address: string | null;
  closed_at: string | null;
}

/** The persisted category suggestion model (migration 0009): one row, id 1. */
export interface CategoryModelTable {
  id: number;
  /** FEATURES_VERSION of electron/classify when saved. */
  version: number;
  /** created_at of the newest ticket learned (null: none yet). */
  trained_through: string | null;
  /** Tickets with created_at ≤ trained_through when saved: more at start means older tickets were added since (an import). */
  tickets_through: number;
  documents: number;
  /** CategorySuggester.toJSON(). */
  model: string;
  saved_at: string;
}

/** A consultation item (see migration 0007); package, instruction and report are JSON text. */
export interface ConsultationItemsTable {
  id: string;
  number: string;
  created_at: string;
  updated_at: string;
  created_by: string | null;
  source: string;
  title: string;
  reason: string;
  domain: string;
  route: string;
  urgency: string;
  stage: string;
  version: number;
  claim_by: string;
  claimed_by: string | null;
  claimed_at: string | null;
  package: string | null;
  instruction: string | null;
  report: string | null;
  closed_at: string | null;
  close_note: string | null;
}

export interface ConsultationItemTicketsTable {
  item_id: string;
  ticket_id: string;
}

/** Research notes, meetings and feedback: kind + JSON data. */
export interface ConsultationRecordsTable {
  id: string;
  item_id: string;
  kind: string;
  at: string;
  author_id: string | null;
  data: string;
}

export interface ConsultationAttachmentsTable {
  id: string;
  item_id: string;
  record_id: string;
  name: string;
  mime: string;
  size: number;
  content: Uint8Array;
}

export interface ConsultationMeasuresTable {
  id: string;
  item_id: string;
  content: string;
  owner_department_id: string;
  deadline: string;
  status: string;
  evidence: string;
  drop_reason: string | null;
  created_at: string;
  updated_at: string;
}

/** Weekdays is JSON text of ISO weekday numbers. */
export interface DutyPatternsTable {
  id: string;
  user_id: string;
  desk: string;
  weekdays: string;
  start_minute: number;
  end_minute: number;
  valid_from: string;
  valid_until: string | null;
  updated_at: string;
}

export interface DutySwapsTable {
  pattern_id: string;
  date: string;
  replacement_user_id: string | null;
  reason: string;
  created_by: string | null;
  created_at: string;
}

/** 类案 (migration 0023). `terms` is a JSON array; `package` JSON of the responsibility package. */
export interface ClassCasesTable {
  id: string;
  number: string;
  created_at: string;
  updated_at: string;
  created_by: string | null;
  source: string;
  title: string;
  state: string;
  version: number;
  category_id: string | null;
  area_code: string | null;
  terms: string;
  package: string | null;
  reply: string | null;
  replied_at: string | null;
  consultation_item_id: string | null;
  closed_at: string | null;
  close_note: string | null;
}

export interface ClassCaseTicketsTable {
  class_case_id: string;
  ticket_id: string;
  added_at: string;
  auto: number;
}

export interface ClassCaseMeasuresTable {
  id: string;
  class_case_id: string;
  content: string;
  owner_department_id: string;
  deadline: string;
  status: string;
  version: number;
  updated_at: string;
}

export interface ClassCaseCountersTable {
  id: string;
  class_case_id: string;
  label: string;
  unit: string;
  target: number;
  value: number;
  owner_department_id: string;
  version: number;
  updated_at: string;
}

/** 便民服务进小区 events (migration 0026). */
export interface OutreachEventsTable {
  id: string;
  number: string;
  created_at: string;
  updated_at: string;
  created_by: string | null;
  title: string;
  community_code: string;
  address: string;
  /** The China calendar day of the event (YYYY-MM-DD). */
  date: string;
  version: number;
  /** People the team met and talked with, as the team counted them (besides the citizens who registered an appeal). */
  people_met: number;
  /** Cancelled (migration 0029): when, by whom and why; null while the event stands. */
  cancelled_at: string | null;
  cancelled_by: string | null;
  cancel_reason: string | null;
}

/** Who takes part in an event: `team` (agents who register appeals) or `member` (CPPCC member, liaison station expert). */
export interface OutreachEventPeopleTable {
  event_id: string;
  user_id: string;
  part: string;
}

/** An appeal registered at an event; `fixed_on_spot` 1 when it was registered as 立行立改 (closed by its lifecycle). */
export interface OutreachEventTicketsTable {
  event_id: string;
  ticket_id: string;
  fixed_on_spot: number;
  registered_by: string;
  registered_at: string;
}
