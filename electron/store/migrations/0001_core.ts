import type { Migration } from './types';
import { createIndex, strict } from './ddl';

/** Users, roles, audit trail, settings, drafts and store metadata. */
export const migration0001: Migration = {
  version: 1,
  name: 'core',
  async up(db, dialect) {
    await strict(db.schema.createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('department_id', 'text')
      .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('locked_until', 'text')
      .addColumn('last_login_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull()), dialect).execute();
    // Usernames are compared lower-cased by the service; the index enforces uniqueness of that form.
    await createIndex(db, 'users_username', 'users', ['username'], true);

    await strict(db.schema.createTable('user_roles')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('role', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('user_roles_pk', ['user_id', 'role']), dialect).execute();

    await strict(db.schema.createTable('audit_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('subject_type', 'text', (c) => c.notNull())
      .addColumn('subject_id', 'text')
      .addColumn('data', 'text', (c) => c.notNull()), dialect).execute();
    await createIndex(db, 'audit_events_at', 'audit_events', ['at']);
    await createIndex(db, 'audit_events_subject', 'audit_events', ['subject_type', 'subject_id']);

    await strict(db.schema.createTable('settings')
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('settings_pk', ['scope', 'key']), dialect).execute();

    await strict(db.schema.createTable('drafts')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('saved_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('drafts_pk', ['user_id', 'key']), dialect).execute();

    await strict(db.schema.createTable('meta')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull()), dialect).execute();
  },
};
