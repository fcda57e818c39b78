import type { Migration } from './types';

/**
 * Cancelling an outreach event (issue 14 item 5, follow-up): a planned event that will not take
 * place is kept with its history and marked cancelled, with when, by whom and why; it takes no new
 * appeals. Null: not cancelled. Editing an event needs no column (its version guards it).
 */
export const migration0029outreachCancel: Migration = {
  version: 29,
  name: 'outreach_cancel',
  async up(db) {
    for (const column of ['cancelled_at', 'cancelled_by', 'cancel_reason']) {
      await db.schema.alterTable('outreach_events').addColumn(column, 'text').execute();
    }
  },
};
