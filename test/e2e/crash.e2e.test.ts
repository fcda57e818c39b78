/**
 * Crash test: the built host-mode console is killed (SIGKILL, no chance to flush or close) while
 * many writers register tickets over the WebSocket contract, then started again on the same data
 * folder. Every write the console acknowledged must be there, the store must pass SQLite's
 * integrity check, and the restarted console must take over the dead one's folder lock.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import type { ReferenceData, Result, TicketDetail } from '../../shared/contract';
import { startHost, type RunningHost } from './host';

const WRITERS = 16;
const ROUNDS = 3;
/** Acknowledged creates across all writers before the kill; the kill lands while they keep writing. */
const KILL_AFTER = 120;

interface Acked { id: string; number: string; title: string }

/** A contract client on one WebSocket: numbered requests, replies matched by id. */
async function client(host: RunningHost) {
  const token = new URL(host.url).hash.replace('#token=', '');
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/rpc?token=${token}`);
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  const pending = new Map<number, (r: Result<unknown>) => void>();
  let next = 1;
  let closed = false;
  ws.on('message', (raw) => {
    const msg = JSON.parse(raw.toString()) as { id?: number; result?: Result<unknown> };
    if (typeof msg.id === 'number' && msg.result) {
      pending.get(msg.id)?.(msg.result);
      pending.delete(msg.id);
    }
  });
  ws.on('error', () => undefined);
  ws.on('close', () => {
    closed = true;
    for (const p of pending.values()) p({ ok: false, error: { code: 'disconnected' } });
    pending.clear();
  });
  return {
    get closed() { return closed; },
    call<T>(name: string, input: unknown): Promise<Result<T>> {
      if (closed) return Promise.resolve({ ok: false, error: { code: 'disconnected' } });
      const id = next++;
      return new Promise((resolve) => {
        pending.set(id, resolve as (r: Result<unknown>) => void);
        ws.send(JSON.stringify({ id, name, input }));
      });
    },
    close: () => ws.close(),
  };
}

async function signedIn(host: RunningHost, username: string) {
  const c = await client(host);
  const r = await c.call('session.login', { username, password: 'Demo-12345' });
  expect(r, `login ${username}`).toMatchObject({ ok: true });
  return c;
}

let host: RunningHost | null = null;
afterAll(async () => { await host?.stop('SIGKILL'); });

describe('crash during writes', () => {
  it(`keeps every acknowledged ticket over ${ROUNDS} SIGKILL rounds of ${WRITERS} concurrent writers`, async () => {
    host = await startHost({ demo: true, demoTickets: 30 });
    const dataDir = host.dataDir;
    const acked: Acked[] = [];
    let attempts = 0;

    for (let round = 1; round <= ROUNDS; round++) {
      const lookup = await signedIn(host, 'agent01');
      const ref = await lookup.call<ReferenceData>('reference.get', {});
      if (!ref.ok) throw new Error(JSON.stringify(ref.error));
      const leaf = ref.value.categories.find((c) => !ref.value.categories.some((d) => d.parentId === c.id))!;
      const usernames = ['agent01', 'agent02', 'member01', 'lead01'];
      const writers = await Promise.all(Array.from({ length: WRITERS }, (_v, i) => signedIn(host!, usernames[i % usernames.length]!)));

      let roundAcked = 0;
      let killing: Promise<void> | null = null;
      const running = host;
      const write = async (w: Awaited<ReturnType<typeof client>>, i: number) => {
        for (let n = 0; !w.closed; n++) {
          const title = `崩溃测试 第${round}轮 写入者${i} 第${n}件`;
          attempts++;
          const r = await w.call<{ id: string; number: string }>('tickets.create', {
            channel: 'phone', citizen: { name: '测试市民', phone: `1390000${String(i).padStart(2, '0')}${String(n % 100).padStart(2, '0')}`, confidential: false },
            appealType: 'complaint', categoryId: leaf.id, urgency: 'normal', title, content: `第${round}轮第${n}件：小区旁工地夜间施工，噪音很大。`,
          });
          if (r.ok) {
            acked.push({ id: r.value.id, number: r.value.number, title });
            roundAcked++;
            if (roundAcked === KILL_AFTER) killing = running.stop('SIGKILL');
          } else {
            expect(r.error.code, title).toBe('disconnected');
          }
        }
      };
      await Promise.all(writers.map((w, i) => write(w, i)));
      await killing;
      expect(running.process.signalCode).toBe('SIGKILL');
      expect(roundAcked).toBeGreaterThanOrEqual(KILL_AFTER);

      // Straight from the file, before anything repairs it: integrity, and every acknowledged row.
      const db = new Database(join(dataDir, 'hotline.sqlite'));
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const found = new Set((db.prepare('select id from tickets').pluck().all() as string[]));
      db.close();
      const lost = acked.filter((a) => !found.has(a.id));
      expect(lost, `lost after round ${round}`).toEqual([]);

      // Started again on the same folder: the dead console's lock is taken over, the tickets read back.
      host = await startHost({ dataDir });
      const reader = await signedIn(host, 'lead01');
      for (const a of acked.filter((_a, i) => i % 7 === 0 || i >= acked.length - WRITERS)) {
        const r = await reader.call<TicketDetail>('tickets.get', { id: a.id });
        expect(r, a.title).toMatchObject({ ok: true, value: { number: a.number, title: a.title } });
      }
      reader.close();
    }

    // Numbers stay unique across crashes.
    expect(new Set(acked.map((a) => a.number)).size).toBe(acked.length);
    console.log(`crash test: ${ROUNDS} SIGKILL rounds, ${WRITERS} writers, ${attempts} creates sent, ${acked.length} acknowledged, 0 lost`);
    await host.stop('SIGTERM');
  }, 300_000);
});
