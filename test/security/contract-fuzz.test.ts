/**
 * Permanent fuzz test over every contract entry. Inputs are generated from the contract itself
 * (requests × their zod schemas, see contract-samples.ts), never from a hand-kept list, and run
 * through the dispatcher of a real console (real SQLite store, demo data, one session per role).
 *
 * For every request: a valid input from every role and from no session (the role matrix: a role
 * the contract does not allow must get `forbidden`, no session must get `unauthenticated`); then
 * thousands of malformed inputs (wrong types, missing fields, huge and unicode-junk strings, deep
 * nesting, prototype-pollution keys) from an allowed and from a refused caller.
 * Never `internal`, never a throw, never a hang, never a refused role getting through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestNames, requests, roles, type Access, type RequestName, type Result, type Role, type SessionInfo } from '../../shared/contract';
import type { Connection } from '../../electron/rpc/dispatcher';
import { demoAccounts, DEMO_PASSWORD } from '../../electron/app/demo-accounts';
import { loadDemoData } from '../../electron/demo';
import { createTestApp, type TestApp } from '../support/app';
import { jsonSchemaOf, mutations, sample } from './contract-samples';

let t: TestApp;
type Caller = { label: Role | 'no session'; role: Role | null; conn: Connection; saved: SessionInfo | null };
const callers: Caller[] = [];
const counts = { requests: 0, matrixCells: 0, matrixAllowed: 0, matrixRefused: 0, malformed: 0, dispatches: 0 };

const allows = (access: Access, role: Role | null) => access === 'public' || (role !== null && (access === 'session' || access.includes(role)));

async function signIn(c: Caller) {
  const account = demoAccounts.find((a) => a.roles[0] === c.role)!;
  const r = await t.app.dispatcher.dispatch(c.conn, 'session.login', { username: account.username, password: DEMO_PASSWORD }) as Result<SessionInfo>;
  if (!r.ok) throw new Error(`cannot sign in ${account.username}: ${JSON.stringify(r.error)}`);
  c.saved = r.value;
}

/** One call, from a caller whose session is put back first (a fuzzed logout must not skew later cells). */
async function call(c: Caller, name: unknown, input: unknown): Promise<Result<unknown>> {
  c.conn.session = c.saved;
  counts.dispatches++;
  const r = await t.app.dispatcher.dispatch(c.conn, name, input);
  expect(r === null || typeof r !== 'object' || typeof r.ok !== 'boolean', `${typeof name === 'string' ? name.slice(0, 40) : typeof name}: not a Result`).toBe(false);
  return r;
}

/** A session ended on the server side (logout, password change) is signed in again before going on. */
async function keepSignedIn() {
  for (const c of callers) {
    if (!c.role) continue;
    c.conn.session = c.saved;
    const r = await t.app.dispatcher.dispatch(c.conn, 'settings.get', {});
    if (!r.ok && r.error.code === 'unauthenticated') await signIn(c);
  }
}

beforeAll(async () => {
  t = await createTestApp({ loadDemoData, demo: true, demoTickets: 40 });
  for (const role of roles) {
    const c: Caller = { label: role, role, conn: { id: `fuzz-${role}`, session: null, send: () => {} }, saved: null };
    t.app.dispatcher.attach(c.conn);
    await signIn(c);
    callers.push(c);
  }
  const anon: Caller = { label: 'no session', role: null, conn: { id: 'fuzz-anon', session: null, send: () => {} }, saved: null };
  t.app.dispatcher.attach(anon.conn);
  callers.push(anon);
}, 120_000);

afterAll(async () => {
  console.log(`contract fuzz: ${counts.requests} requests, role matrix ${counts.matrixCells} cells (${counts.matrixAllowed} allowed, ${counts.matrixRefused} refused), ${counts.malformed} malformed inputs, ${counts.dispatches} dispatches`);
  await t?.dispose();
});

describe('contract fuzz', () => {
  it('covers every request of the contract with a generated input the schema accepts', () => {
    for (const name of requestNames) {
      const base = sample(jsonSchemaOf(requests[name].input));
      const parsed = requests[name].input.safeParse(base);
      expect(parsed.success, `${name}: generated input ${JSON.stringify(base).slice(0, 200)} refused: ${JSON.stringify(parsed.error?.issues.slice(0, 3))}`).toBe(true);
    }
  });

  it('role matrix: every role and no session against every request; only the contract\'s roles get through', async () => {
    for (const name of requestNames) {
      const def = requests[name];
      const base = sample(jsonSchemaOf(def.input));
      for (const c of callers) {
        const r = await call(c, name, structuredClone(base));
        counts.matrixCells++;
        const where = `${name} as ${c.label}`;
        if (allows(def.access, c.role)) {
          counts.matrixAllowed++;
          expect(r.ok ? 'ok' : r.error.code, where).not.toBe('internal');
          if (!r.ok && c.role) expect(r.error.code, where).not.toBe('unauthenticated');
        } else {
          counts.matrixRefused++;
          expect(r, where).toEqual({ ok: false, error: { code: c.role ? 'forbidden' : 'unauthenticated' } });
        }
      }
      await keepSignedIn();
    }
    counts.requests = requestNames.length;
  }, 120_000);

  it('malformed inputs: never internal, never a throw or hang, never past a refused caller', async () => {
    const anon = callers.find((c) => c.role === null)!;
    for (const name of requestNames) {
      const def = requests[name];
      const schema = jsonSchemaOf(def.input);
      const base = sample(schema);
      const allowed = callers.find((c) => c.role && allows(def.access, c.role) && c.role === 'admin') ?? callers.find((c) => c.role && allows(def.access, c.role)) ?? anon;
      const refused = callers.find((c) => c.role && !allows(def.access, c.role)) ?? (def.access === 'public' ? null : anon);
      for (const m of mutations(schema, base)) {
        counts.malformed++;
        const where = `${name} ${m.label}`;
        const r = await call(allowed, name, m.input);
        expect(r.ok ? 'ok' : r.error.code, `${where} as ${allowed.label}`).not.toBe('internal');
        if (refused) {
          const x = await call(refused, name, m.input);
          expect(x.ok ? 'ok' : x.error.code, `${where} as ${refused.label}`).toBeOneOf(['invalid_input', refused.role ? 'forbidden' : 'unauthenticated']);
        }
      }
      await keepSignedIn();
    }
    // Prototype-pollution keys reached no object of the process.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  }, 300_000);

  it('answers names that are not requests with unknown_request', async () => {
    const admin = callers.find((c) => c.role === 'admin')!;
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'app.info ', 'APP.INFO', '', 'x'.repeat(100_000), null, 42, { toString: 1 }, ['app.info']]) {
      expect(await call(admin, name, {}), String(typeof name === 'string' ? name.slice(0, 20) : typeof name)).toEqual({ ok: false, error: { code: 'unknown_request' } });
    }
    expect(await call(admin, 'app.info' satisfies RequestName, {})).toMatchObject({ ok: true });
  });

  it('refuses an input the validator cannot walk (a throwing getter, a proxy) instead of throwing', async () => {
    const admin = callers.find((c) => c.role === 'admin')!;
    const getter = Object.defineProperty({}, 'username', { enumerable: true, get: () => { throw new Error('boom'); } });
    const proxy = new Proxy({}, { ownKeys: () => { throw new Error('boom'); }, get: () => { throw new Error('boom'); } });
    for (const input of [getter, proxy]) {
      expect(await call(admin, 'session.login', input)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      expect(await call(admin, 'users.create', input)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    }
  });
});
