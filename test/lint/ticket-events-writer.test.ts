/**
 * One writer per fact (DESIGN.md): a ticket's history is appended only through
 * electron/store/repos/ticket-events.ts, whose entries are typed by the domain's event map. Any
 * other insert into ticket_events in electron/ — Kysely or SQL text — bypasses that typing and
 * fails here; services read it through the same module.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = process.cwd();
const WRITER = ['electron', 'store', 'repos', 'ticket-events.ts'].join('/');

/** Places in source text that write ticket_events rows. */
function ticketEventWrites(source: string): string[] {
  const patterns = [
    /\b(?:insertInto|replaceInto|mergeInto)\(\s*['"`]ticket_events\b/g,
    /\b(?:insert|replace)\s+(?:or\s+\w+\s+)?into\s+["`]?ticket_events\b/gi,
  ];
  return patterns.flatMap((p) => [...source.matchAll(p)].map((m) => m[0]));
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return d.name === 'node_modules' ? [] : sources(path);
    return /\.(ts|tsx|js|mjs|cjs)$/.test(d.name) ? [path] : [];
  });
}

describe('ticket history has one writer', () => {
  it('recognises the ways a row could be written', () => {
    expect(ticketEventWrites(`await trx.insertInto('ticket_events').values(row).execute();`)).toHaveLength(1);
    expect(ticketEventWrites('await db.insertInto("ticket_events as e").values(row)')).toHaveLength(1);
    expect(ticketEventWrites('await sql`INSERT INTO ticket_events (id) select 1`.execute(trx);')).toHaveLength(1);
    expect(ticketEventWrites(`sqlite.prepare('insert or ignore into "ticket_events" values (?)')`)).toHaveLength(1);
    expect(ticketEventWrites(`db.selectFrom('ticket_events').select('action')`)).toHaveLength(0);
    expect(ticketEventWrites(`join ticket_events e on e.ticket_id = t.id`)).toHaveLength(0);
  });

  it('finds no insert into ticket_events in electron/ outside appendTicketEvent\'s module', () => {
    const bypasses = sources(join(ROOT, 'electron'))
      .map((f) => ({ file: relative(ROOT, f).split(sep).join('/'), writes: ticketEventWrites(readFileSync(f, 'utf8')) }))
      .filter((x) => x.file !== WRITER && x.writes.length > 0);
    expect(bypasses).toEqual([]);
  });

  it('services and handlers read history through the repository too, not by querying the table', () => {
    const outside = sources(join(ROOT, 'electron'))
      .map((f) => relative(ROOT, f).split(sep).join('/'))
      .filter((f) => f !== WRITER && !f.startsWith('electron/store/') && !f.endsWith('.test.ts'))
      .filter((f) => /['"`]ticket_events\b/.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(outside).toEqual([]);
  });

  it('the writer module is where the writes are', () => {
    expect(ticketEventWrites(readFileSync(join(ROOT, WRITER), 'utf8')).length).toBeGreaterThan(0);
  });
});
