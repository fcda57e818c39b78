import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result, ScreenPop } from '../../shared/contract';
import type { Connection } from '../../electron/rpc/dispatcher';
import { createTestApp, type TestApp } from '../support/app';
import { loadDemoData } from '../../electron/demo';
import { uuidv7 } from '../../electron/util/ids';

// In center mode the phone runs on the desk: when a colleague hands a caller over with a ticket,
// the member's desk knows the ticket from the call and asks the center for the pop with it.
let t: TestApp;
const member: Connection = { id: 'm', session: null, send: () => {} };
const call = async <T>(name: string, input: unknown) => (await t.app.dispatcher.dispatch(member, name, input)) as Result<T>;

beforeAll(async () => {
  t = await createTestApp({ loadDemoData, demo: true, demoTickets: 20 });
  t.app.dispatcher.attach(member);
  await call('session.login', { username: 'member01', password: 'Demo-12345' });
}, 60_000);
afterAll(async () => { await t?.dispose(); });

describe('a screen pop for a call handed over to a desk', () => {
  it('shows the handed-over ticket and pops the citizen on it, not the colleague\'s extension', async () => {
    const ticket = await t.app.store.db.selectFrom('tickets').select(['id', 'number', 'phone', 'title']).where('phone', 'is not', null)
      .where('confidential', '=', 0).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    const pop = await call<ScreenPop>('phone.screenPop', { phone: '1001', ticketId: ticket.id });
    expect(pop.ok, JSON.stringify(pop)).toBe(true);
    if (!pop.ok) return;
    expect(pop.value.transferredTicket).toMatchObject({ id: ticket.id, number: ticket.number, title: ticket.title });
    expect(pop.value.phone).toBe(ticket.phone);
  });

  it('shows no handed-over ticket for an id that names none, and refuses a malformed id', async () => {
    const unknown = await call<ScreenPop>('phone.screenPop', { phone: '13800138000', ticketId: uuidv7() });
    expect(unknown.ok && (unknown.value.transferredTicket ?? null)).toBeNull();
    expect(unknown.ok && unknown.value.phone).toBe('13800138000');
    expect(await call('phone.screenPop', { phone: '1001', ticketId: 'not-a-ticket' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});
