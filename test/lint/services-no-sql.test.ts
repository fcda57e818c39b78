/**
 * Services hold decisions, repositories hold SQL (DESIGN.md › "The shape of main for a center"):
 * the services below reach the store only through electron/store/repos/*, so they build no query,
 * open no transaction themselves and import neither Kysely nor the SQLite driver. A service that
 * does any of that again fails here, with the file and what was found.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Services moved behind the consultation, knowledge, settings, drafts, audit, calendar and classify repositories. */
const SERVICES = [
  'electron/services/consultation.ts',
  'electron/services/consultation-duty.ts',
  'electron/services/consultation-report.ts',
  'electron/services/knowledge.ts',
  'electron/services/settings.ts',
  'electron/services/drafts.ts',
  'electron/services/audit.ts',
  'electron/services/calendar.ts',
  'electron/services/deadline-policy.ts',
  'electron/classify/category-service.ts',
];

/** Query building, transactions and driver imports in source text. */
function sqlIn(source: string): string[] {
  const patterns = [
    /\b(?:selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(/g,
    /\bsql\s*(?:<[^>]*>)?\s*`/g,
    /\.transaction\(\)/g,
    /\bfrom\s+['"](?:kysely|better-sqlite3|pg)(?:\/[^'"]*)?['"]/g,
    /\b(?:import|require)\(\s*['"](?:kysely|better-sqlite3|pg)['"]/g,
  ];
  return patterns.flatMap((p) => [...source.matchAll(p)].map((m) => m[0]));
}

describe('services hold no SQL', () => {
  it('recognises queries, raw SQL, transactions and driver imports', () => {
    expect(sqlIn(`await this.db.selectFrom('meta').select('value')`)).toEqual(['selectFrom(']);
    expect(sqlIn(`await trx.insertInto('drafts').values(row)`)).toEqual(['insertInto(']);
    expect(sqlIn(`trx.updateTable('consultation_items').set(s)`)).toEqual(['updateTable(']);
    expect(sqlIn(`trx.deleteFrom('call_scripts').where('id', '=', id)`)).toEqual(['deleteFrom(']);
    expect(sqlIn('await sql`select 1`.execute(db)')).toEqual(['sql`']);
    expect(sqlIn('sql<number>`count(*)`')).toEqual(['sql<number>`']);
    expect(sqlIn('await this.db.transaction().execute(fn)')).toEqual(['.transaction()']);
    expect(sqlIn(`import type { Kysely } from 'kysely';`)).toEqual([`from 'kysely'`]);
    expect(sqlIn(`import Database from "better-sqlite3";`)).toEqual([`from "better-sqlite3"`]);
    expect(sqlIn(`const { sql } = await import('kysely');`)).toEqual([`import('kysely'`]);
    expect(sqlIn(`import { inTransaction, type Db } from '../store/repos/db';\nawait inTransaction(this.db, fn);`)).toEqual([]);
    expect(sqlIn(`// a comment on selecting from the queue\nconst sqlText = 'x';`)).toEqual([]);
  });

  it.each(SERVICES)('%s reaches the store only through repositories', (file) => {
    expect(sqlIn(readFileSync(join(process.cwd(), file), 'utf8'))).toEqual([]);
  });
});
