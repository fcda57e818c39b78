import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Result, SessionInfo, SipAccountForDesk } from '../../shared/contract';
import { silentLogger } from '../log';
import { startCenterBehindProxy, type CenterBehindProxy } from '../../test/support/desk-center';
import type { Connection, RequestRouter } from '../rpc/dispatcher';
import { DeskStore } from '../store/desk-store';
import { CenterForwarder } from './forwarder';

/**
 * A fresh desk of a center has no SIP account of its own: it takes the one the center holds for
 * the signed-in user when the window asks for the phone's status, so the window offers 签入话机
 * instead of 未配置电话 (before, it was taken only on phone.signIn, which that window never offered).
 */

let fixture: CenterBehindProxy;
let store: DeskStore;
let forwarder: CenterForwarder;
const provisioned: Array<{ user: string; account: SipAccountForDesk | null }> = [];
// The desk's own phone: configured once an account was provisioned for the user.
const localPhone: RequestRouter = {
  attach() {}, detach() {},
  dispatch: async (conn, name) => (name === 'phone.status'
    ? { ok: true, value: { configured: provisioned.some((p) => p.user === conn.session?.user.id && p.account !== null) } }
    : { ok: false, error: { code: 'unknown_request' } }),
};
const window: Connection = { id: 'desk-window', session: null, send: () => {} };

beforeAll(async () => {
  fixture = await startCenterBehindProxy();
  const { app } = fixture.app;
  const users = await app.store.db.selectFrom('users').select(['id', 'username']).execute();
  const admin = users.find((u) => u.username === 'admin')!.id;
  const agent = users.find((u) => u.username === 'agent01')!.id;
  await app.phone.setAccount({ userId: agent, wsUrl: 'wss://sip.example:7443', aor: '1001@hotline.test', authUser: '1001', password: 'pw-1001-secret', media: 'null' }, admin);
  store = DeskStore.open(mkdtempSync(join(tmpdir(), 'hotline-desk-')));
  forwarder = new CenterForwarder(localPhone, { url: `ws://127.0.0.1:${fixture.proxy.port}/rpc`, heartbeatMs: 1000, maxRetryMs: 500 }, silentLogger, store,
    async (session: SessionInfo, account) => { provisioned.push({ user: session.user.id, account }); });
  forwarder.attach(window);
}, 60_000);

afterAll(async () => {
  forwarder?.close();
  store?.close();
  await fixture?.close();
});

describe('a desk takes the seat\'s SIP account from its center', () => {
  it('when the window asks for the phone\'s status: the agent is offered the phone at once', async () => {
    const login = await forwarder.dispatch(window, 'session.login', { username: 'agent01', password: 'Demo-12345' });
    expect(login.ok).toBe(true);
    expect(provisioned).toEqual([]);
    const status = await forwarder.dispatch(window, 'phone.status', {}) as Result<{ configured: boolean }>;
    expect(status).toEqual({ ok: true, value: { configured: true } });
    expect(provisioned).toEqual([{ user: window.session!.user.id, account: expect.objectContaining({ aor: '1001@hotline.test', authUser: '1001', password: 'pw-1001-secret' }) }]);
  });

  it('while the center is out of reach, the status is the desk\'s own and nothing is taken', async () => {
    const before = provisioned.length;
    await fixture.proxy.cut();
    try {
      const status = await forwarder.dispatch(window, 'phone.status', {}) as Result<{ configured: boolean }>;
      expect(status).toEqual({ ok: true, value: { configured: true } });
      expect(provisioned.length).toBe(before);
    } finally {
      await fixture.proxy.restore();
    }
  });
});
