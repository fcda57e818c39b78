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

  it('finds "停车收费" in an article about 停车乱收费, whole matches first, and `%` / `_` literally', async () => {
    const base = { categoryId: null, source: '《江城市停车管理办法》第九条', validFrom: '2026-01-01', validUntil: null };
    const parking = await call<KnowledgeArticle>(admin, 'knowledge.save', { ...base, title: '路边停车乱收费怎么办', body: '停车场须公示收费标准，乱收费可向价格主管部门举报。' });
    const whole = await call<KnowledgeArticle>(admin, 'knowledge.save', { ...base, title: '停车收费标准查询', body: '咪表停车收费标准按区域划分，首小时 5 元。' });
    const pct = await call<KnowledgeArticle>(admin, 'knowledge.save', { ...base, title: '公积金贷款利率说明', body: '首套房公积金贷款首付比例不低于 20%，账户代码形如 GJJ_2026。' });
    expect(parking.ok && whole.ok && pct.ok).toBe(true);
    const hits = await call<KnowledgeHit[]>(agent, 'knowledge.search', { query: '停车收费', limit: 10 });
    const ids = hits.ok ? hits.value.map((h) => h.id) : [];
    expect(ids.slice(0, 2)).toEqual([whole.ok && whole.value.id, parking.ok && parking.value.id]);
    for (const q of ['20%', 'GJJ_2026', '_2026', '%']) {
      const r = await call<KnowledgeHit[]>(agent, 'knowledge.search', { query: q, limit: 10 });
      expect(r.ok && r.value.map((h) => h.id), q).toEqual([pct.ok && pct.value.id]);
    }
    const snippet = await call<KnowledgeHit[]>(agent, 'knowledge.search', { query: 'GJJ', limit: 1 });
    expect(snippet.ok && snippet.value[0]!.snippet).toContain('GJJ_2026');
  });

  it('lists the articles of the chosen category (with its parents and children) when nothing is typed', async () => {
    const all = await call<KnowledgeHit[]>(agent, 'knowledge.search', { query: '', limit: 100 });
    const withCat = all.ok ? all.value.filter((h) => h.categoryPath) : [];
    expect(withCat.length).toBeGreaterThan(2);
    const article = await call<KnowledgeArticle>(agent, 'knowledge.get', { id: withCat[0]!.id });
    const categoryId = article.ok ? article.value.categoryId! : '';
    const listed = await call<KnowledgeHit[]>(agent, 'knowledge.search', { query: '', categoryId, limit: 100 });
    expect(listed.ok && listed.value.map((h) => h.id)).toContain(withCat[0]!.id);
    expect(listed.ok && listed.value.every((h) => h.categoryPath === withCat[0]!.categoryPath)).toBe(true);
    expect(listed.ok && listed.value.length).toBeLessThan(all.ok ? all.value.length : 0);
  });
});
