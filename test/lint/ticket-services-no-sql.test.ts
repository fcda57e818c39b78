/**
 * Services hold decisions, repositories hold SQL (DESIGN.md › "The shape of main for a center"):
 * the ticket-side services and the phone service reach the store only through
 * electron/store/repos/*, so they neither build queries nor import the query builder or the driver.
 * The list is the files moved so far; each one added stays clean from then on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = process.cwd();

const CONVERTED = [
  'electron/services/tickets.ts', 'electron/services/ticket-intake.ts', 'electron/services/ticket-workflow.ts',
  'electron/services/ticket-visibility.ts', 'electron/services/similar.ts', 'electron/services/kpi.ts', 'electron/services/xlsx-io.ts',
  'electron/services/call-links.ts', 'electron/services/division-import.ts', 'electron/services/stats-notifier.ts',
  'electron/phone/screen-pop.ts', 'electron/phone/phone-service.ts',
];

/** Query building and store-driver imports found in source text. */
function storeAccess(source: string): string[] {
  const patterns = [
    /\.(?:selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(/g,
    /\bsql(?:<[^>]*>)?`/g,
    /\bfrom\s+['"](?:kysely|better-sqlite3|pg)(?:\/[^'"]*)?['"]/g,
    /\bimport\(\s*['"](?:kysely|better-sqlite3|pg)(?:\/[^'"]*)?['"]\s*\)/g,
  ];
  return patterns.flatMap((p) => [...source.matchAll(p)].map((m) => m[0]));
}

describe('ticket and phone services hold no SQL', () => {
  it('finds queries and driver imports where they are', () => {
    expect(storeAccess("import { sql, type Kysely } from 'kysely';\nconst n = sql<number>`count(*)`;\nawait db.selectFrom('tickets').execute();"))
      .toEqual(['.selectFrom(', 'sql<number>`', "from 'kysely'"]);
    expect(storeAccess("type D = import('better-sqlite3');\nawait trx.deleteFrom('drafts').execute();")).toEqual(['.deleteFrom(', "import('better-sqlite3')"]);
    // The repositories are where the SQL went.
    expect(storeAccess(readFileSync(join(ROOT, 'electron/store/repos/tickets.ts'), 'utf8')).length).toBeGreaterThan(0);
  });

  it.each(CONVERTED)('%s reaches the store only through repositories', (file) => {
    expect(storeAccess(readFileSync(join(ROOT, file), 'utf8'))).toEqual([]);
  });
});
