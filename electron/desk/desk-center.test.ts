import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLOSE_CONTRACT_MISMATCH, contractVersion, type Result } from '../../shared/contract';
import { WireClient as Client, until } from '../../test/support/wire-client';
import { startHostServer, type HostServer } from '../host/server';
import { silentLogger } from '../log';
import { loadDemoData } from '../demo';
import { createTestApp, type TestApp } from '../../test/support/app';
import { spawnHostFromSource, type SpawnedHost } from '../../test/security/spawn-host';

/**
 * A desk (host mode with --center, its own process) against a center (a host-mode console in this
 * process, on SQLite): its client's requests reach the center's store, the center's events reach
 * it, and a restart of the center is carried by the desk without a new sign-in.
 */
const rendererDir = mkdtempSync(join(tmpdir(), 'hotline-renderer-'));
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>console</title>');

let center: TestApp;
let centerHost: HostServer;
let desk: SpawnedHost;
let deskPort = 0;
let deskToken = '';
const centerToken = 'center-test-token-0123456789abcdef';

async function startCenter(dataDir?: string, port = 0) {
  center = await createTestApp({ loadDemoData, demo: true, demoTickets: 5, ...(dataDir ? { dataDir } : {}) });
  centerHost = await startHostServer({ app: center.app, rendererDir, port, log: silentLogger, token: centerToken });
}

beforeAll(async () => {
  await startCenter();
  desk = spawnHostFromSource(mkdtempSync(join(tmpdir(), 'hotline-desk-')), ['--center', `ws://127.0.0.1:${centerHost.port}/rpc?token=${centerToken}`]);
  const out = await desk.outcome;
  if (!out.ready) throw new Error(`desk did not start: ${out.stderr}`);
  deskPort = out.port;
  deskToken = new URL(out.url).hash.replace('#token=', '');
}, 60_000);

afterAll(async () => {
  await desk?.stop();
  await centerHost?.close();
  await center?.dispose();
});

async function newTicket(c: Client, title: string) {
  const leaf = await center.app.store.db.selectFrom('categories').select('id').where('level', '=', 3).executeTakeFirstOrThrow();
  return c.call<{ id: string; number: string }>('tickets.create', {
    channel: 'walk_in', citizen: { confidential: false }, appealType: 'consultation', categoryId: leaf.id, urgency: 'normal', title, content: `${title}，来电人询问办理流程。`,
  });
}

describe('a desk in center mode', () => {
  let agent: Client;

  it('signs in at the center and registers a ticket that lands in the center\'s store', async () => {
    agent = await Client.open(deskPort, deskToken);
    // The desk's hello says its own time, as the center's does: a desk's clock is checked against it.
    expect(agent.hello).toEqual({ contract: contractVersion(), now: expect.any(String) });
    expect(Math.abs(Date.parse(agent.hello!.now!) - Date.now())).toBeLessThan(5000);
    const login = await agent.call<{ token: string; user: { username: string } }>('session.login', { username: 'agent01', password: 'Demo-12345' });
    expect(login).toMatchObject({ ok: true, value: { user: { username: 'agent01' } } });
    // The desk measured its clock against the center's hello: the same machine here, so only the network's share.
    const sync = await agent.call<{ mode: string; clockSkewMs: number | null }>('desk.status', {});
    expect(sync).toMatchObject({ ok: true, value: { mode: 'center' } });
    expect(Math.abs(sync.ok ? sync.value.clockSkewMs ?? Infinity : Infinity)).toBeLessThan(5000);
    const created = await newTicket(agent, '咨询居住证办理');
    expect(created.ok).toBe(true);
    const id = created.ok ? created.value.id : '';
    const row = await center.app.store.db.selectFrom('tickets').select(['id', 'title']).where('id', '=', id).executeTakeFirst();
    expect(row).toEqual({ id, title: '咨询居住证办理' });
  });

  it('passes on the center\'s events caused by another client of the center', async () => {
    const other = await Client.open(centerHost.port, centerToken);
    expect((await other.call('session.login', { username: 'agent02', password: 'Demo-12345' })).ok).toBe(true);
    const created = await newTicket(other, '咨询公积金提取');
    expect(created.ok).toBe(true);
    const id = created.ok ? created.value.id : '';
    await until(() => agent.events.some((e) => e.event === 'ticket.changed' && JSON.stringify(e.payload).includes(id)));
    other.ws.close();
  });

  it('serves the desk-local phone requests itself, under the session the center gave', async () => {
    // The desk's own store has no SIP account for this user (reference cache: issue 12 point 3).
    const r = await agent.call('phone.status', {});
    expect(r).toMatchObject({ ok: true });
  });

  it('after the center restarts, the desk reconnects and the session resumes without a new sign-in', async () => {
    const dir = center.dir;
    const port = centerHost.port;
    await centerHost.close();
    await center.app.close();
    const down = await agent.call('tickets.recent', { limit: 5 });
    expect(down).toMatchObject({ ok: false, error: { code: 'center_unreachable' } });
    await startCenter(dir, port);
    let after: Result<unknown> = down;
    await until(async () => {
      after = await agent.call('tickets.recent', { limit: 5 });
      return !(!after.ok && after.error.code === 'center_unreachable');
    });
    expect(after).toMatchObject({ ok: true });
    expect(await agent.call('session.current', {})).toMatchObject({ ok: true, value: { user: { username: 'agent01' } } });
    expect(agent.events.filter((e) => e.event === 'session.ended')).toEqual([]);
  });

  it('tells a client of another contract version so, with a clear code, and closes', async () => {
    const old = await Client.open(deskPort, deskToken, 'c1-00000000000000');
    expect(old.hello).toMatchObject({ contract: contractVersion(), error: { code: 'contract_mismatch' } });
    await until(() => old.closeCode !== null);
    expect(old.closeCode).toBe(CLOSE_CONTRACT_MISMATCH);
  });
});
