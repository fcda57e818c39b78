import { rmSync } from 'node:fs';
import { DEFAULT_REFERENCE_DATE, loadDemoData } from '../../demo';
import { openSqliteStore, type Store } from '../sqlite';
import { indexDemoData, indexTicket } from './indexer';

/**
 * Test and benchmark fixtures: a store with demo tickets (realistic 12345 texts) indexed the way
 * production does it, plus tickets of random text over a small alphabet (repeats, digits, full-width
 * letters, punctuation) written through `indexTicket`, the service-layer path.
 */

/**
 * Characters whose substrings exercise runs, repeats, NFKC and punctuation separators; '⾳' (the
 * Kangxi radical, U+2FB3) normalises into 音 and '㎡' into "m2", which raw-text checks must leave to
 * the JS check (migration 0031).
 */
export const RANDOM_ALPHABET = [...'油烟扰民噪音阿电梯号楼栋路12３ＡbＣ，。#（）-⾳㎡'];

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomText(rnd: () => number, length: number, alphabet = RANDOM_ALPHABET): string {
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
  return s;
}

/**
 * The i-th ticket of random text, three to a second from `base` (ms): document keys that share a
 * second must stay distinct and ordered.
 */
export function randomTicket(rnd: () => number, i: number, base: number) {
  const at = new Date(base + Math.floor(i / 3) * 1000).toISOString();
  return {
    id: `rnd-${String(i).padStart(5, '0')}`, number: `RND${String(i).padStart(6, '0')}`, created_at: at, updated_at: at,
    channel: 'phone', appeal_type: 'other', urgency: 'normal', status: 'registered', citizen_id: null, phone: null,
    caller_name: null, confidential: 0, category_id: null, title: randomText(rnd, 4 + Math.floor(rnd() * 8)),
    content: randomText(rnd, 20 + Math.floor(rnd() * 60)), district_code: null, street_code: null, community_code: null,
    address: null, lat: null, lng: null, lead_department_id: null, sign_by: null, reply_by: null, closed_at: null, parent_id: null,
  };
}

export function removeStoreFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
}

export interface FixtureOptions {
  demoTickets: number;
  randomTickets?: number;
  seed?: number;
}

/** Opens a fresh store at `file`, loads demo data, indexes it, adds random-text tickets via indexTicket. */
export async function buildSearchFixture(file: string, opts: FixtureOptions): Promise<Store> {
  removeStoreFiles(file);
  const store = await openSqliteStore(file);
  await loadDemoData(store, { seed: opts.seed ?? 7, tickets: opts.demoTickets, referenceDate: DEFAULT_REFERENCE_DATE });
  await indexDemoData(store);
  const rnd = mulberry32(opts.seed ?? 7);
  const n = opts.randomTickets ?? 0;
  const base = Date.parse(DEFAULT_REFERENCE_DATE) - 30 * 86_400_000;
  await store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < n; i++) {
      const ticket = randomTicket(rnd, i, base);
      await trx.insertInto('tickets').values(ticket).execute();
      await indexTicket(trx, ticket);
    }
  });
  return store;
}
