import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result, SimilarTicket, TicketDetail } from '../../shared/contract';
import type { Connection } from '../../electron/rpc/dispatcher';
import { createTestApp, type TestApp } from '../support/app';
import { queryPlan, usesIndex } from '../support/plan';
import { loadDemoData } from '../../electron/demo';
import { bigrams, overlap } from '../../electron/services/similar';

let t: TestApp;
const agent: Connection = { id: 'a', session: null, send: () => {} };
const call = async <T>(name: string, input: unknown) => (await t.app.dispatcher.dispatch(agent, name, input)) as Result<T>;

beforeAll(async () => {
  t = await createTestApp({ loadDemoData, demo: true, demoTickets: 600 });
  t.app.dispatcher.attach(agent);
  await call('session.login', { username: 'agent01', password: 'Demo-12345' });
}, 60_000);
afterAll(async () => { await t?.dispose(); });

describe('similar open tickets (并单 candidates)', () => {
  it('scores shared wording, not word order or punctuation', () => {
    expect(overlap(bigrams('小区门口油烟扰民'), bigrams('油烟扰民，小区门口！'))).toBeGreaterThan(0.8);
    expect(overlap(bigrams('路灯不亮'), bigrams('公积金提取'))).toBe(0);
  });

  it('reads a category\'s recent tickets through its index, not a walk over all recent tickets', async () => {
    const plan = await queryPlan(t.app.store, `select id from tickets where category_id = ? and status in ('dispatched','signed') and created_at >= ? order by created_at desc limit 400`,
      ['x', '2026-01-01']);
    expect(usesIndex(plan, 'tickets_category_created'), plan).toBe(true);
  });

  it('offers an open ticket with the same wording in the same category, and merges the new one under it', async () => {
    const open = await t.app.store.db.selectFrom('tickets').select(['id', 'title', 'content', 'category_id', 'district_code'])
      .where('status', 'in', ['dispatched', 'signed', 'handling']).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    const r = await call<SimilarTicket[]>('tickets.similar', { categoryId: open.category_id, text: `${open.title}${open.content}`, limit: 5 });
    expect(r.ok && r.value[0]).toMatchObject({ id: open.id, score: 1 });
    const other = await call<SimilarTicket[]>('tickets.similar', { categoryId: open.category_id, text: '完全无关的一段文字内容用于测试', limit: 5 });
    expect(other.ok && other.value.map((x) => x.id)).not.toContain(open.id);

    const created = await call<{ id: string }>('tickets.create', {
      channel: 'phone', citizen: { phone: '13700001234', confidential: false }, appealType: 'complaint', categoryId: open.category_id!, urgency: 'normal',
      title: open.title, content: open.content,
    });
    expect(created.ok).toBe(true);
    const id = (created as { value: { id: string } }).value.id;
    const merged = await call<TicketDetail>('tickets.act', { ticketId: id, expectedVersion: 1, action: { type: 'merge', parentId: open.id } });
    expect(merged.ok && merged.value.status).toBe('merged');
    const row = await t.app.store.db.selectFrom('tickets').select('parent_id').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.parent_id).toBe(open.id);
  });

  it('suggests categories learned from the store, and learns a new ticket at once', async () => {
    const leaf = await t.app.store.db.selectFrom('categories').select(['id', 'name']).where('level', '=', 3).orderBy('code', 'desc').executeTakeFirstOrThrow();
    const wording = { title: '量子计算实验室通风机组夜间啸叫', content: '量子计算实验室楼顶通风机组每晚啸叫，周边居民无法入睡，请求处理。' };
    // The model trains in slices after start; wait for it rather than for a fixed time.
    let r = await call<{ categoryId: string; path: string; probability: number }[]>('tickets.suggestCategory', wording);
    for (let i = 0; i < 50 && r.ok && r.value.length === 0; i++) {
      await new Promise((res) => setTimeout(res, 100));
      r = await call('tickets.suggestCategory', wording);
    }
    expect(r.ok && r.value.length).toBe(3);
    const probs = r.ok ? r.value.map((x) => x.probability) : [];
    expect([...probs].sort((a, b) => b - a)).toEqual(probs);
    expect(r.ok && r.value[0]!.path.split(' / ')).toHaveLength(3);
    const created = await call('tickets.create', { channel: 'walk_in', citizen: { confidential: false }, appealType: 'complaint', categoryId: leaf.id, urgency: 'normal', ...wording });
    expect(created.ok).toBe(true);
    const after = await call<{ categoryId: string }[]>('tickets.suggestCategory', wording);
    expect(after.ok && after.value[0]!.categoryId).toBe(leaf.id);
    const none = await call<unknown[]>('tickets.suggestCategory', { title: '', content: '' });
    expect(none.ok && none.value).toEqual([]);
  });

  it('offers recent answered and closed tickets too, marked as repeat-call / reopen candidates, and links the new ticket to one', async () => {
    const since = new Date(Date.now() - 55 * 86_400_000).toISOString();
    const pick = (states: string[]) => t.app.store.db.selectFrom('tickets').select(['id', 'number', 'title', 'content', 'category_id', 'status'])
      .where('status', 'in', states).where('created_at', '>=', since).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    const closed = await pick(['closed']);
    const answered = await pick(['replied', 'reviewed']);
    const open = await pick(['dispatched', 'signed', 'handling']);
    const r1 = await call<SimilarTicket[]>('tickets.similar', { categoryId: closed.category_id, text: `${closed.title}${closed.content}`, limit: 5 });
    expect(r1.ok && r1.value.find((x) => x.id === closed.id)).toMatchObject({ kind: 'closed', status: 'closed', score: 1 });
    const r2 = await call<SimilarTicket[]>('tickets.similar', { categoryId: answered.category_id, text: `${answered.title}${answered.content}`, limit: 5 });
    expect(r2.ok && r2.value.find((x) => x.id === answered.id)).toMatchObject({ kind: 'answered', score: 1 });
    const r3 = await call<SimilarTicket[]>('tickets.similar', { categoryId: open.category_id, text: `${open.title}${open.content}`, limit: 5 });
    expect(r3.ok && r3.value.find((x) => x.id === open.id)).toMatchObject({ kind: 'open' });

    const input = { channel: 'phone', citizen: { phone: '13700004321', confidential: false }, appealType: 'complaint', categoryId: closed.category_id!, urgency: 'normal', title: closed.title, content: closed.content };
    // An open ticket takes the appeal by merging (并单), not as a repeat call.
    expect(await call('tickets.create', { ...input, repeatOf: open.id })).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: 'repeatOf', problem: 'still_open' }] } });
    const created = await call<{ id: string }>('tickets.create', { ...input, repeatOf: closed.id });
    expect(created.ok).toBe(true);
    const detail = await call<TicketDetail>('tickets.get', { id: created.ok ? created.value.id : '' });
    const reg = detail.ok ? detail.value.timeline.find((e) => e.action === 'register') : undefined;
    expect(JSON.parse(reg!.data)).toEqual({ repeatOf: closed.id, repeatOfNumber: closed.number });
  });
});
