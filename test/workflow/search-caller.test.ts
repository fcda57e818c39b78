import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result, TicketSearchResult } from '../../shared/contract';
import type { Connection } from '../../electron/rpc/dispatcher';
import { createTestApp, type TestApp } from '../support/app';
import { loadDemoData } from '../../electron/demo';
import { callerVisibilityOf } from '../../electron/search';

let t: TestApp;
const conn = (id: string): Connection => ({ id, session: null, send: () => {} });
const agent = conn('agent');
const admin = conn('admin');
const member = conn('member');
const call = async <T>(c: Connection, name: string, input: unknown) => (await t.app.dispatcher.dispatch(c, name, input)) as Result<T>;

beforeAll(async () => {
  t = await createTestApp({ loadDemoData, demo: true, demoTickets: 50, search: { inProcess: true } });
  for (const [c, u] of [[agent, 'agent01'], [admin, 'admin'], [member, 'member01']] as const) {
    t.app.dispatcher.attach(c);
    await call(c, 'session.login', { username: u, password: 'Demo-12345' });
  }
}, 60_000);
afterAll(async () => { await t?.dispose(); });

describe('tickets.search by the caller (issue 10.2)', () => {
  it('maps roles to what they see of callers, as tickets.get does', () => {
    expect(callerVisibilityOf(['agent'])).toBe('all');
    expect(callerVisibilityOf(['shift_lead'])).toBe('all');
    expect(callerVisibilityOf(['cppcc_member'])).toBe('non_confidential');
    expect(callerVisibilityOf(['liaison_expert'])).toBe('non_confidential');
    expect(callerVisibilityOf(['admin'])).toBe('none');
    expect(callerVisibilityOf(['department'])).toBe('none');
  });

  it('finds a new ticket by its caller\'s number as typed for an agent; an admin can neither match nor read it', async () => {
    const base = { channel: 'phone', appealType: 'help', urgency: 'normal', title: '楼道灯不亮', content: '楼道里的声控灯坏了一个月，晚上上下楼很不方便。' };
    const cat = await t.app.store.db.selectFrom('categories').select('id').where('level', '=', 3).orderBy('code').executeTakeFirstOrThrow();
    const open = await call<{ id: string; number: string }>(agent, 'tickets.create', { ...base, categoryId: cat.id, citizen: { phone: '+86 136-1122-3344', name: '钱多多', confidential: false } });
    const secret = await call<{ id: string; number: string }>(agent, 'tickets.create', { ...base, categoryId: cat.id, citizen: { phone: '(010) 6655 4433', name: '孙保密', confidential: true } });
    expect(open.ok && secret.ok).toBe(true);
    const ids = async (c: Connection, text: string) => {
      const r = await call<TicketSearchResult>(c, 'tickets.search', { text, limit: 20 });
      expect(r.ok, text).toBe(true);
      return r.ok ? r.value.rows.map((x) => x.id) : [];
    };
    const openId = open.ok ? open.value.id : '';
    const secretId = secret.ok ? secret.value.id : '';
    expect(await ids(agent, '136 1122 3344')).toEqual([openId]);
    expect(await ids(agent, '010-66554433')).toEqual([secretId]);
    expect(await ids(agent, '孙保密')).toEqual([secretId]);
    expect(await ids(member, '13611223344')).toEqual([openId]);
    expect(await ids(member, '01066554433')).toEqual([]);
    expect(await ids(member, '孙保密')).toEqual([]);
    expect(await ids(admin, '13611223344')).toEqual([]);
    expect(await ids(admin, '3344')).not.toContain(openId);
    // By number and name it is found, with the number masked.
    const byNumber = await call<TicketSearchResult>(admin, 'tickets.search', { text: open.ok ? open.value.number : '', limit: 5 });
    expect(byNumber.ok && byNumber.value.rows[0]).toMatchObject({ id: openId, phone: '136****3344', callerName: '钱多多', phoneHighlights: [] });
    // The renderer cannot widen what it sees: the field is not part of the request.
    expect(await call(admin, 'tickets.search', { text: '13611223344', limit: 5, callerVisibility: 'all' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});
