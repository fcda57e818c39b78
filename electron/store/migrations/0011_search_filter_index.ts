import type { Migration } from './types';
import { createIndex } from './ddl';

/**
 * Text search with filters (district, status, type, category, department, dates, overdue) tests
 * every index hit against its ticket. With the filter columns in one index keyed by ticket id, a
 * hit that fails the filters costs an index probe instead of reading the ticket's row. On 1M
 * tickets, a 2-character query + district + status: p50 47 → 26 ms, p99 443 → 123 ms (one run).
 */
export const migration0011searchFilterIndex: Migration = {
  version: 11,
  name: 'search_filter_index',
  async up(db) {
    await createIndex(db, 'tickets_search_filters', 'tickets',
      ['id', 'status', 'district_code', 'street_code', 'appeal_type', 'category_id', 'lead_department_id', 'created_at', 'reply_by']);
  },
};
