import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhoneStatus, Result } from '../../shared/contract';
import type { Connection } from '../../electron/rpc/dispatcher';
import { createTestApp, type TestApp } from '../support/app';
import { loadDemoData } from '../../electron/demo';

let t: TestApp;
const agent: Connection = { id: 'a', session: null, send: () => {} };
const admin: Connection = { id: 'b', session: null, send: () => {} };
const call = async <T>(c: Connection, name: string, input: unknown) => (await t.app.dispatcher.dispatch(c, name, input)) as Result<T>;

beforeAll(async () => {
  t = await createTestApp({ loadDemoData, demo: true, demoTickets: 20 });
  for (const [c, u] of [[agent, 'agent01'], [admin, 'admin']] as const) {
    t.app.dispatcher.attach(c);
    await call(c, 'session.login', { username: u, password: 'Demo-12345' });
  }
}, 60_000);
afterAll(async () => { await t?.dispose(); });

describe('phone settings', () => {
  const config = { notReadyReasons: [{ code: 'break', label: '小休' }, { code: 'study', label: '业务学习' }], wrapUpCodes: [{ code: 'done', label: '已处理' }], acwSeconds: 45 };

  it('lets an admin set reason codes and the wrap-up timer, which agents then see', async () => {
    expect(await call(agent, 'phone.setConfig', config)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call(admin, 'phone.setConfig', config)).toMatchObject({ ok: true, value: config });
    const status = await call<PhoneStatus>(agent, 'phone.status', {});
    expect(status.ok && status.value).toMatchObject({ notReadyReasons: config.notReadyReasons, wrapUpCodes: config.wrapUpCodes, acwSeconds: 45 });
  });

  it('refuses duplicate codes and bad codes, keeping the settings as they were', async () => {
    const dup = await call(admin, 'phone.setConfig', { ...config, wrapUpCodes: [{ code: 'x', label: '甲' }, { code: 'x', label: '乙' }] });
    expect(dup).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: 'wrapUpCodes', problem: 'duplicate_code' }] } });
    const bad = await call(admin, 'phone.setConfig', { ...config, notReadyReasons: [{ code: 'Has Space', label: '坏' }] });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const now = await call(admin, 'phone.getConfig', {});
    expect(now).toMatchObject({ ok: true, value: config });
  });

  it('keeps the settings across a restart of the console', async () => {
    const dir = t.dir;
    await t.app.close();
    const again = await createTestApp({ dataDir: dir });
    const c: Connection = { id: 'c', session: null, send: () => {} };
    again.app.dispatcher.attach(c);
    await again.app.dispatcher.dispatch(c, 'session.login', { username: 'admin', password: 'Demo-12345' });
    expect(await again.app.dispatcher.dispatch(c, 'phone.getConfig', {})).toMatchObject({ ok: true, value: config });
    t = again;
  });
});
