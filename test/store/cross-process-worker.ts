/**
 * One console server in its own process, for the cross-process tests and the bench
 * (test/store/processes.ts starts it): the PostgreSQL store and event bus, the services built as
 * the app builds them, and a line protocol on stdin/stdout. Each request is one JSON line
 * `{ id, op, args }`, each answer `{ id, ok, value | error }`; what the bus delivers and the
 * listener's status come as `{ event }` and `{ status }` lines.
 * Run: node --import tsx test/store/cross-process-worker.ts <database url> [reconnect delay ms]
 */
import { createInterface } from 'node:readline';
import { ContractFailure, userAudience, type SessionInfo } from '../../shared/contract';
import type { AgentState } from '../../shared/domain/agent-state';
import { silentLogger } from '../../electron/log';
import { openPostgresStore } from '../../electron/store/postgres';
import { createPostgresEventBus } from '../../electron/events/postgres-bus';
import { buildServices } from './services';

const [url, delay] = process.argv.slice(2);
if (!url) throw new Error('usage: cross-process-worker.ts <database url> [reconnect delay ms]');

/** Wall-clock milliseconds with sub-millisecond precision, comparable between processes on one machine. */
const wallMs = () => performance.timeOrigin + performance.now();
const send = (line: unknown) => process.stdout.write(`${JSON.stringify(line)}\n`);

const store = await openPostgresStore(url, { poolSize: 4 });
const bus = await createPostgresEventBus({
  url, log: silentLogger, reconnectDelayMs: delay ? Number(delay) : 100, onStatus: (status) => send({ status, at: wallMs() }),
});
const s = await buildServices(store, () => new Date(), bus);
bus.subscribe((e) => send({ event: e, at: wallMs() }));

const sessions = new Map<string, SessionInfo>();
async function as(username: string): Promise<SessionInfo> {
  let session = sessions.get(username);
  if (!session) {
    const row = await store.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow();
    session = await s.users.session(row.id);
    sessions.set(username, session);
  }
  return session;
}

/** Waits until the given wall-clock time, so that processes told "at T" start together. */
async function startAt(at: number | undefined): Promise<void> {
  if (at === undefined) return;
  const wait = at - wallMs();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

type Args = Record<string, unknown> & { at?: number; username: string };
const ops: Record<string, (a: Args) => Promise<unknown>> = {
  hello: async () => ({ busId: bus.id, pid: process.pid }),
  claim: async (a) => {
    const who = await as(a.username);
    await startAt(a.at);
    const t0 = wallMs();
    try {
      const d = await s.consultation.claim(a.itemId as string, who);
      return { won: true, claimedBy: d.claimedBy, ms: wallMs() - t0 };
    } catch (e) {
      if (e instanceof ContractFailure) return { won: false, error: e.error, ms: wallMs() - t0 };
      throw e;
    }
  },
  act: async (a) => {
    const who = await as(a.username);
    await startAt(a.at);
    try {
      await s.workflow.act(a.ticketId as string, a.expectedVersion as number, a.action as Parameters<typeof s.workflow.act>[2], who);
      return { done: true };
    } catch (e) {
      if (e instanceof ContractFailure) return { done: false, error: e.error };
      throw e;
    }
  },
  intake: async (a) => {
    const who = await as(a.username);
    await startAt(a.at);
    const numbers: string[] = [];
    for (let i = 0; i < (a.count as number); i++) {
      const r = await s.intake.create({
        channel: 'phone', citizen: { phone: `139${String(process.pid * 100 + i).padStart(8, '0').slice(-8)}`, confidential: false },
        appealType: 'complaint', categoryId: a.categoryId as string, urgency: 'normal', title: '小区路灯不亮', content: '来电人反映小区路灯连续一周不亮，夜间出行不便。',
      }, who);
      numbers.push(r.number);
    }
    return numbers;
  },
  escalate: async (a) => {
    const d = await s.consultation.escalate({ ticketIds: [a.ticketId as string], reason: '涉及多个部门，需要委员协调', route: 'studio', urgency: 'normal', source: 'ticket' }, await as(a.username));
    return { itemId: d.id };
  },
  /** As the app's duty.savePattern handler: save, then tell every desk the roster changed. */
  savePattern: async (a) => {
    const who = await as(a.username);
    const member = await store.db.selectFrom('users').select('id').where('username', '=', a.member as string).executeTakeFirstOrThrow();
    await s.duty.savePattern({ userId: member.id, desk: 'studio', weekdays: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00', validFrom: '2025-01-01', validUntil: null }, who);
    bus.publish('duty.changed', { at: new Date().toISOString() });
    return null;
  },
  /** As the app's reference-data handlers: tell every desk to reload the lists. */
  referenceChanged: async () => { bus.publish('reference.changed', { at: new Date().toISOString() }); return null; },
  /** As the phone service: an agent's seat state, to that user only. */
  agentState: async (a) => {
    const who = await as(a.username);
    bus.publish('phone.agent', a.state as AgentState, userAudience(who.user.id));
    return null;
  },
  /** A timed publish for the latency bench: the send time rides in the notice's params. */
  ping: async (a) => { bus.publish('app.notice', { level: 'info', code: 'bench.ping', params: { sentAt: wallMs(), seq: a.seq as number } }, { roles: ['admin'] }); return null; },
  flush: async () => { await bus.flush(); return null; },
};

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const { id, op, args } = JSON.parse(line) as { id: number; op: string; args: Args };
  const f = ops[op];
  if (!f) { send({ id, ok: false, error: `unknown op ${op}` }); return; }
  f(args).then((value) => send({ id, ok: true, value }), (e: unknown) => send({ id, ok: false, error: (e as Error).stack ?? String(e) }));
});
lines.on('close', () => {
  void (async () => {
    await bus.close();
    await store.close();
    process.exit(0);
  })();
});
send({ ready: true, busId: bus.id });
