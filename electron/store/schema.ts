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

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: string;
  seq?: Generated<number>;
}

export interface DB {
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
  call_records: CallRecordsTable;
  call_ticket_links: CallTicketLinksTable;
  ticket_state: TicketStateTable;
}
