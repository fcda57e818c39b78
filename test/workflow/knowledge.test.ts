import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KnowledgeArticle, KnowledgeHit, Result } from '../../shared/contract';
import type { Connection } from '../../electron/rpc/dispatcher';
import { createTestApp, type TestApp } from '../support/app';
import { loadDemoData } from '../../electron/demo';

let t: TestApp;
const agent: Connection = { id: 'a', session: null, send: () => {} };
const admin: Connection = { id: 'b', session: null, send: () => {} };
const call = async <T>(c: Connection, name: string, input: unknown) => (await t.app.dispatcher.dispatch(c, name, input)) as Result<T>;

beforeAll(async () => {
  t = await createTestApp({ loadDemoData, demo: true, demoTickets: 50, now: () => new Date('2026-11-28T02:00:00Z') });
  for (const [c, u] of [[agent, 'agent01'], [admin, 'admin']] as const) {
    t.app.dispatcher.attach(c);
    await call(c, 'session.login', { username: u, password: 'Demo-12345' });
  }
}, 60_000);
afterAll(async () => { await t?.dispose(); });

describe('scripts and knowledge', () => {
  it('ships the call scripts for every stage', async () => {
    const r = await call<{ stage: string }[]>(agent, 'scripts.list', {});
    expect(r.ok && r.value.map((s) => s.stage)).toEqual(['opening', 'verification', 'inquiry', 'closing']);
  });

  it('finds an article by any Chinese substring of its text and says which are no longer valid', async () => {
    const all = await call<KnowledgeHit[]>(agent, 'knowledge.search', { query: '', limit: 100 });
    expect(all.ok && all.value.length).toBeGreaterThan(10);
    const first = all.ok ? all.value[0]! : null;
    const word = first!.title.slice(0, 2);
    const hits = await call<KnowledgeHit[]>(agent, 'knowledge.search', { query: word, limit: 100 });
    expect(hits.ok && hits.value.every((h) => h.title.includes(word) || h.snippet.includes(word))).toBe(true);
    expect(hits.ok && hits.value.map((h) => h.id)).toContain(first!.id);
    expect(all.ok && all.value.some((h) => !h.valid)).toBe(true);
    const none = await call<KnowledgeHit[]>(agent, 'knowledge.search', { query: '完全不存在的词语组合', limit: 10 });
    expect(none.ok && none.value).toEqual([]);
    const wild = await call<KnowledgeHit[]>(agent, 'knowledge.search', { query: '%_\\', limit: 10 });
    expect(wild.ok && wild.value).toEqual([]);
  });

  it('lets only an admin write articles, and refuses a validity window that ends before it starts', async () => {
    const input = { title: '新增文章：垃圾分类投放时间', body: '生活垃圾定时定点投放时间为每日 7:00–9:00、18:00–21:00。', categoryId: null, source: '《江城市生活垃圾管理条例》第十二条', validFrom: '2026-01-01', validUntil: null };
    expect(await call(agent, 'knowledge.save', input)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call(admin, 'knowledge.save', { ...input, validUntil: '2025-12-31' })).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: 'validUntil' }] } });
    const saved = await call<KnowledgeArticle>(admin, 'knowledge.save', input);
    expect(saved).toMatchObject({ ok: true, value: { valid: true, title: input.title } });
    const found = await call<KnowledgeHit[]>(agent, 'knowledge.search', { query: '投放时间', limit: 5 });
    expect(found.ok && found.value[0]?.title).toBe(input.title);
  });
});
