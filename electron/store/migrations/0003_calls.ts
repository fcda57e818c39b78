import type { Migration } from './types';
import { createIndex, strict } from './ddl';

/** SIP accounts per user, agent state history, and the call log with its ticket links. */
export const migration0003calls: Migration = {
  version: 3,
  name: 'calls',
  async up(db, dialect) {
    await strict(db.schema.createTable('sip_accounts')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('ws_url', 'text', (c) => c.notNull())
      .addColumn('aor', 'text', (c) => c.notNull())
      .addColumn('auth_user', 'text', (c) => c.notNull())
      // Encrypted with the OS keychain (Electron safeStorage) or the host key file; never sent to a renderer.
      .addColumn('secret_enc', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text')
      // 'webrtc': audio in a renderer; 'null': no media, for peers without WebRTC and tests.
      .addColumn('media_mode', 'text', (c) => c.notNull().defaultTo('webrtc'))
      .addColumn('updated_at', 'text', (c) => c.notNull()), dialect).execute();

    await strict(db.schema.createTable('agent_state_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('call_id', 'text'), dialect).execute();
    await createIndex(db, 'agent_state_events_user_at', 'agent_state_events', ['user_id', 'at']);

    await strict(db.schema.createTable('call_records')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('remote_number', 'text', (c) => c.notNull())
      .addColumn('invited_at', 'text', (c) => c.notNull())
      .addColumn('answered_at', 'text')
      .addColumn('ended_at', 'text', (c) => c.notNull())
      .addColumn('ring_ms', 'integer', (c) => c.notNull())
      .addColumn('talk_ms', 'integer', (c) => c.notNull())
      .addColumn('hold_ms', 'integer', (c) => c.notNull())
      .addColumn('end_reason', 'text', (c) => c.notNull())
      .addColumn('sip_code', 'integer')
      .addColumn('transfer_target', 'text')
      .addColumn('wrap_up_code', 'text'), dialect).execute();
    // The screen pop counts a caller's calls in the last 30 days while the phone rings.
    await createIndex(db, 'call_records_remote_invited', 'call_records', ['remote_number', 'invited_at']);
    await createIndex(db, 'call_records_user_invited', 'call_records', ['user_id', 'invited_at']);

    await strict(db.schema.createTable('call_ticket_links')
      .addColumn('call_id', 'text', (c) => c.notNull().references('call_records.id'))
      .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id'))
      .addPrimaryKeyConstraint('call_ticket_links_pk', ['call_id', 'ticket_id']), dialect).execute();
  },
};
