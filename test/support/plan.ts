import { CompiledQuery } from 'kysely';
import type { Store } from '../../electron/store/sqlite';

/**
 * The plan the store makes for `query` (`?` placeholders), as text. SQLite: EXPLAIN QUERY PLAN.
 * PostgreSQL: EXPLAIN with sequential scans priced out (a test table is small, and the planner
 * rightly reads a small table whole), so the plan shows whether an index can serve the query.
 */
export async function queryPlan(store: Store, query: string, params: readonly unknown[]): Promise<string> {
  if (store.sqlite) {
    return (store.sqlite.prepare(`explain query plan ${query}`).all(...params) as { detail: string }[]).map((p) => p.detail).join('\n');
  }
  let n = 0;
  const text = query.replace(/\?/g, () => `$${++n}`);
  return store.db.transaction().execute(async (trx) => {
    await trx.executeQuery(CompiledQuery.raw('set local enable_seqscan = off'));
    const rows = (await trx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${text}`, [...params]))).rows;
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  });
}

/** Does the plan read through the named index (SQLite or PostgreSQL wording)? */
export function usesIndex(plan: string, index: string): boolean {
  return new RegExp(`USING (COVERING )?INDEX ${index}\\b|Index (Only )?Scan (Backward )?(using|on) ${index}\\b`).test(plan);
}
