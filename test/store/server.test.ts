/**
 * The console server (`npm run server`) as real processes: two servers over TLS on one PostgreSQL
 * database (the store project's cluster, reached through a TCP proxy the test can cut), desks as
 * WebSocket clients. Certificates are made by openssl for this run.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import type { DeskSync, Result, TicketCreated } from '../../shared/contract';
import { createDatabaseOn, dropDatabaseOn } from '../support/postgres';
import pg from 'pg';
import { spawnHostFromSource, spawnServerFromSource, type SpawnedHost } from '../security/spawn-host';
import { WireClient, until } from '../support/wire-client';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'hotline-server-test-'));
const PASSWORD = 'Center-2026pw';
const NEW_PASSWORD = 'Lead-on-duty-7';

/** A self-signed certificate for 127.0.0.1 (it is its own CA). */
async function selfSigned(name: string): Promise<{ cert: string; key: string; pem: Buffer }> {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
    '-days', '2', '-subj', `/CN=${name}`, '-addext', 'subjectAltName=IP:127.0.0.1']);
  return { cert, key, pem: readFileSync(cert) };
}

/** A TCP proxy in front of PostgreSQL: cut() refuses and drops every connection, restore() lets them through again. */
async function pgProxy(targetPort: number) {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const listen = () => new Promise<void>((resolve, reject) => {
    const s = createServer((client) => {
      const upstream = connect(targetPort, '127.0.0.1');
      const end = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      for (const sock of [client, upstream]) {
        sockets.add(sock);
        sock.on('error', end);
        sock.on('close', end);
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => {
      port = (s.address() as { port: number }).port;
      server = s;
      resolve();
    });
  });
  await listen();
  return {
    port: () => port,
    cut: () => new Promise<void>((resolve) => {
      for (const sock of sockets) sock.destroy();
      sockets.clear();
      if (server) server.close(() => resolve());
      else resolve();
      server = null;
    }),
    restore: listen,
    close: async () => {
      for (const sock of sockets) sock.destroy();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}

type Frame = { id?: number; result?: Result<unknown>; event?: string; payload?: unknown };

/** A desk: one WebSocket to one server, requests by id, events kept in arrival order. */
class Desk {
  private nextId = 1;
  private readonly pending = new Map<number, (r: Result<unknown>) => void>();
  readonly events: { name: string; payload: unknown; at: number }[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as Frame;
      if (typeof msg.id === 'number' && msg.result) {
        this.pending.get(msg.id)?.(msg.result);
        this.pending.delete(msg.id);
      } else if (msg.event) {
        this.events.push({ name: msg.event, payload: msg.payload, at: performance.now() });
        for (const w of this.waiters) w();
      }
    });
  }

  static open(port: number, ca: Buffer): Promise<Desk> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`wss://127.0.0.1:${port}/rpc`, { ca });
      ws.once('open', () => resolve(new Desk(ws)));
      ws.once('error', reject);
    });
  }

  request<T = unknown>(name: string, input: unknown = {}): Promise<Result<T>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve as (r: Result<unknown>) => void);
      this.ws.send(JSON.stringify({ id, name, input }));
    });
  }

  async value<T = unknown>(name: string, input: unknown = {}): Promise<T> {
    const r = await this.request<T>(name, input);
    if (!r.ok) throw new Error(`${name} failed: ${JSON.stringify(r.error)}`);
    return r.value;
  }

  /** The first event of that name after index `from`; rejects after `ms`. */
  event(name: string, from: number, ms: number): Promise<{ payload: unknown; at: number }> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const e = this.events.slice(from).find((x) => x.name === name);
        if (!e) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(e);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no ${name} event within ${ms} ms`));
      }, ms);
      this.waiters.add(check);
      check();
    });
  }

  close(): void {
    this.ws.close();
  }
}

function get(port: number, path: string, ca: Buffer): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path, ca }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Polls /readyz until it answers with `status` (the bus reconnects with back-off, up to 5 s a try). */
async function readyzUntil(port: number, ca: Buffer, status: number): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + 40_000;
  for (;;) {
    const r = await get(port, '/readyz', ca);
    if (r.status === status || Date.now() > deadline) return r;
    await new Promise((res) => setTimeout(res, 200));
  }
}

const adminUrl = inject('postgresAdminUrl');
let dbUrl = '';
let proxy: Awaited<ReturnType<typeof pgProxy>>;
let tls: Awaited<ReturnType<typeof selfSigned>>;
let otherCa: Awaited<ReturnType<typeof selfSigned>>;
const servers: SpawnedHost[] = [];
const ports: number[] = [];
const desks: Desk[] = [];
const tokens: string[] = [];

async function startServer(name: string): Promise<number> {
  const config = join(dir, `${name}.json`);
  writeFileSync(config, JSON.stringify({ loginLimits: { perUser: { max: 5, windowSeconds: 60 }, perAddress: { max: 5, windowSeconds: 60 } } }));
  const proxied = new URL(dbUrl);
  proxied.port = String(proxy.port());
  const s = spawnServerFromSource(join(dir, `data-${name}`), ['--config', config, '--tls-cert', tls.cert, '--tls-key', tls.key, '--store-url', proxied.toString()]);
  servers.push(s);
  const outcome = await s.outcome;
  if (!outcome.ready) throw new Error(`server ${name} did not start (${outcome.code}): ${outcome.stderr}`);
  return outcome.port;
}

async function desk(port: number): Promise<Desk> {
  const d = await Desk.open(port, tls.pem);
  desks.push(d);
  return d;
}

beforeAll(async () => {
  [tls, otherCa] = await Promise.all([selfSigned('center'), selfSigned('stranger')]);
  dbUrl = await createDatabaseOn(adminUrl);
  proxy = await pgProxy(Number(new URL(adminUrl).port));
  // Two servers starting at once on an empty database: one migrates, the other waits for it.
  ports.push(...await Promise.all([startServer('one'), startServer('two')]));
  const first = await desk(ports[0]!);
  const admin = await first.value<{ token: string; expiresAt: string }>('setup.createFirstAdmin', { username: 'admin', displayName: '管理员', password: PASSWORD });
  tokens.push(admin.token);
  await first.value('users.create', { username: 'lead', displayName: '值班长', password: PASSWORD, roles: ['shift_lead'] });
  await first.value('users.create', { username: 'member', displayName: '委员', password: PASSWORD, roles: ['cppcc_member'] });
}, 120_000);

afterAll(async () => {
  for (const d of desks) d.close();
  await Promise.all(servers.map((s) => s.stop()));
  await proxy?.close();
  if (dbUrl) await dropDatabaseOn(adminUrl, dbUrl);
  rmSync(dir, { recursive: true, force: true });
});

describe('console server', () => {
  it('signs in with a token and its expiry; an action on server 1 reaches a desk on server 2 through the PostgreSQL bus', async () => {
    const admin = desks[0]!;
    const leadDesk = await desk(ports[1]!);
    const lead = await leadDesk.value<{ token: string; expiresAt: string; user: { username: string } }>('session.login', { username: 'lead', password: PASSWORD });
    tokens.push(lead.token);
    expect(lead.user.username).toBe('lead');
    expect(lead.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(Date.parse(lead.expiresAt)).toBeGreaterThan(Date.now());
    // An account an admin made must change its password first.
    await leadDesk.value('session.changePassword', { currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    const member = (await admin.value<{ id: string; name: string }[]>('duty.people')).find((p) => p.name === '委员')!;
    const from = leadDesk.events.length;
    const sentAt = performance.now();
    await admin.value('duty.savePattern', { userId: member.id, desk: 'studio', weekdays: [1, 2, 3, 4, 5], start: '09:00', end: '17:00', validFrom: '2026-01-01', validUntil: null });
    const heard = await leadDesk.event('duty.changed', from, 5_000);
    process.stdout.write(`cross-server event: ${(heard.at - sentAt).toFixed(0)} ms from the request to the event on the other server\n`);
    // And the desk on server 2 reads what server 1 wrote.
    expect((await leadDesk.value<{ patterns: { userId: string }[] }>('duty.roster', { from: '2026-01-05', to: '2026-01-11' })).patterns.map((p) => p.userId)).toContain(member.id);
  });

  it('resumes a session made on server 1 on server 2; a logout or disabling the account on server 1 ends it on both', async () => {
    const one = await desk(ports[0]!);
    const signed = await one.value<{ token: string }>('session.login', { username: 'member', password: PASSWORD });
    tokens.push(signed.token);
    const two = await desk(ports[1]!);
    expect((await two.value<{ user: { username: string } }>('session.resume', { token: signed.token })).user.username).toBe('member');
    await one.value('session.logout');
    const again = await (await desk(ports[1]!)).request('session.resume', { token: signed.token });
    expect(again).toMatchObject({ ok: false, error: { code: 'session_expired', details: { reason: 'session_logout' } } });
    // An account disabled on server 1: its token no longer resumes on server 2.
    const other = await (await desk(ports[1]!)).value<{ token: string; user: { id: string } }>('session.login', { username: 'member', password: PASSWORD });
    tokens.push(other.token);
    await desks[0]!.value('users.setDisabled', { userId: other.user.id, disabled: true });
    const refused = await (await desk(ports[1]!)).request('session.resume', { token: other.token });
    expect(refused).toMatchObject({ ok: false, error: { code: 'session_expired', details: { reason: 'session_disabled' } } });
  });

  it('refuses the 6th rapid wrong guess for one user, and for one address, with too_many_attempts', async () => {
    const one = await desk(ports[0]!);
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await one.request('session.login', { username: 'guessed', password: `wrong-${i}` });
      codes.push(r.ok ? 'ok' : r.error.code);
    }
    expect(codes.slice(0, 5).every((c) => c === 'login_failed')).toBe(true);
    const sixth = await one.request('session.login', { username: 'Guessed', password: 'wrong-6' });
    expect(sixth).toMatchObject({ ok: false, error: { code: 'too_many_attempts', details: { scope: 'user' } } });
    // Server 2 has its own counts: five different names from this address, then the sixth is refused.
    const two = await desk(ports[1]!);
    for (let i = 0; i < 5; i++) expect(await two.request('session.login', { username: `spray${i}`, password: 'x' })).toMatchObject({ ok: false, error: { code: 'login_failed' } });
    expect(await two.request('session.login', { username: 'spray5', password: 'x' })).toMatchObject({ ok: false, error: { code: 'too_many_attempts', details: { scope: 'address' } } });
  });

  it('serves the renderer and liveness over HTTPS', async () => {
    const page = await get(ports[1]!, '/', tls.pem);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>console</title>');
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(await get(ports[0]!, '/healthz', tls.pem)).toMatchObject({ status: 200, body: '{"status":"live"}' });
  });

  it('refuses a client that does not trust the server\'s certificate', async () => {
    await expect(Desk.open(ports[0]!, otherCa.pem)).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
    await expect(get(ports[0]!, '/healthz', otherCa.pem)).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });

  it('is not ready while PostgreSQL cannot be reached, and ready again after', async () => {
    const ready = await get(ports[0]!, '/readyz', tls.pem);
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({ status: 'ready', checks: { store: 'ok', migrations: 'ok', events: 'ok' } });
    await proxy.cut();
    const down = await readyzUntil(ports[0]!, tls.pem, 503);
    expect(down.status).toBe(503);
    expect(JSON.parse(down.body)).toMatchObject({ status: 'not_ready', checks: { store: 'unreachable' } });
    expect((await get(ports[0]!, '/healthz', tls.pem)).status).toBe(200);
    await proxy.restore();
    for (const port of ports) expect((await readyzUntil(port, tls.pem, 200)).status).toBe(200);
    // Both lived through it, and their desks carry on.
    expect(servers.map((s) => s.process.exitCode)).toEqual([null, null]);
    expect((await desks[0]!.value<{ user: { username: string } }>('session.current')).user.username).toBe('admin');
  }, 90_000);

  it('writes JSON log lines with neither session tokens nor passwords', () => {
    for (const s of servers) {
      const lines = s.stdout().split('\n').filter(Boolean);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
      for (const secret of [...tokens, PASSWORD, NEW_PASSWORD]) expect(s.stdout()).not.toContain(secret);
    }
  });

  it('refuses to listen beyond 127.0.0.1 without TLS, saying why', async () => {
    const s = spawnServerFromSource(join(dir, 'data-plain'), ['--host', '0.0.0.0', '--store-url', dbUrl]);
    const outcome = await s.outcome;
    expect(outcome).toMatchObject({ ready: false, code: 1 });
    expect(s.stderr()).toMatch(/监听地址 0\.0\.0\.0 不是本机 127\.0\.0\.1，必须启用 TLS/);
  });
});

/**
 * A desk process (host mode with --center naming both servers) through failures of the center:
 * PostgreSQL cut off under the servers, then the desk's server killed. Every appeal the desk took
 * exists once in the center's database afterwards.
 */
describe('a desk of this center', () => {
  let deskHost: SpawnedHost;
  let agent: WireClient;
  const AGENT_PASSWORD = 'Agent-on-seat-9';
  const appeal = (title: string) => ({
    channel: 'phone', citizen: { phone: '13812345678', confidential: false }, appealType: 'help', categoryId: 'cat-3', urgency: 'normal',
    title, content: `${title}，来电人希望尽快有人处理。`,
  });
  const status = async () => { const r = await agent.call<DeskSync>('desk.status', {}); if (!r.ok) throw new Error(r.error.code); return r.value; };
  async function countTitles(prefix: string): Promise<Map<string, number>> {
    const c = new pg.Client({ connectionString: dbUrl });
    await c.connect();
    try {
      const r = await c.query<{ title: string; n: string }>('select title, count(*) n from tickets where title like $1 group by title', [`${prefix}%`]);
      return new Map(r.rows.map((x) => [x.title, Number(x.n)]));
    } finally {
      await c.end();
    }
  }

  beforeAll(async () => {
    // A taxonomy, as the center's import of one would leave it (this database has no demo data).
    const c = new pg.Client({ connectionString: dbUrl });
    await c.connect();
    await c.query(`insert into categories (id, code, name, level, parent_id) values
      ('cat-1', '01', '城乡建设', 1, null), ('cat-2', '0101', '市政设施', 2, 'cat-1'), ('cat-3', '010101', '路灯照明', 3, 'cat-2')`);
    await c.end();
    await desks[0]!.value('users.create', { username: 'agent', displayName: '话务员甲', password: PASSWORD, roles: ['agent'] });
    deskHost = spawnHostFromSource(join(dir, 'desk-a'), ['--center', `wss://127.0.0.1:${ports[0]}/rpc, wss://127.0.0.1:${ports[1]}/rpc`, '--center-ca', tls.cert]);
    const out = await deskHost.outcome;
    if (!out.ready) throw new Error(`desk did not start: ${out.stderr}`);
    agent = await WireClient.open(out.port, new URL(out.url).hash.replace('#token=', ''));
    // The tests above used up this address's sign-in attempts on both servers (5 a minute): wait for the window.
    let login: Result<unknown> = { ok: false, error: { code: 'too_many_attempts' } };
    await until(async () => {
      login = await agent.call('session.login', { username: 'agent', password: PASSWORD });
      if (!login.ok && login.error.code === 'too_many_attempts') await new Promise((r) => setTimeout(r, 3000));
      return login.ok || login.error.code !== 'too_many_attempts';
    }, 90_000);
    expect(login, JSON.stringify(login)).toMatchObject({ ok: true });
    expect((await agent.call('session.changePassword', { currentPassword: PASSWORD, newPassword: AGENT_PASSWORD })).ok).toBe(true);
  }, 120_000);

  afterAll(async () => {
    agent?.ws.close();
    await deskHost?.stop();
  });

  it('PostgreSQL cut off under the servers: appeals wait on the desk, and exist once when it is back', async () => {
    expect(await agent.call<TicketCreated>('tickets.create', appeal('库断前：春华路路灯不亮'))).toMatchObject({ ok: true, value: { number: expect.any(String) } });
    await proxy.cut();
    for (let i = 1; i <= 3; i++) {
      const r = await agent.call<TicketCreated>('tickets.create', appeal(`库断时第${i}件：秋实路路灯闪烁`));
      expect(r, JSON.stringify(r)).toMatchObject({ ok: true, value: { queued: true } });
    }
    expect((await status()).waiting).toBe(3);
    await proxy.restore();
    await until(async () => (await status()).waiting === 0, 60_000);
    const counts = await countTitles('库断');
    expect([...counts.entries()].sort()).toEqual([['库断前：春华路路灯不亮', 1], ['库断时第1件：秋实路路灯闪烁', 1], ['库断时第2件：秋实路路灯闪烁', 1], ['库断时第3件：秋实路路灯闪烁', 1]]);
  }, 120_000);

  it('its server killed: the desk goes on with the other server, still signed in, and nothing is lost', async () => {
    await servers[0]!.stop('SIGKILL');
    const during = await agent.call<TicketCreated>('tickets.create', appeal('换服务器：文化路路灯不亮'));
    expect(during.ok).toBe(true);
    await until(async () => { const s = await status(); return s.online && s.waiting === 0; }, 60_000);
    const after = await agent.call<TicketCreated>('tickets.create', appeal('换服务器后：文化路路灯仍不亮'));
    expect(after).toMatchObject({ ok: true, value: { number: expect.any(String) } });
    expect(await agent.call('session.current', {})).toMatchObject({ ok: true, value: { user: { username: 'agent' } } });
    expect(agent.events.filter((e) => e.event === 'session.ended')).toEqual([]);
    expect([...(await countTitles('换服务器')).values()]).toEqual([1, 1]);
  }, 120_000);
});
