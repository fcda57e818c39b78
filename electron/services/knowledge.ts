import { fail, type CallScript, type KnowledgeArticle, type KnowledgeHit, type ScriptStage } from '../../shared/contract';
import type { CallScriptsTable, KnowledgeArticlesTable } from '../store/schema';
import { categoryExists, categoryTree } from '../store/repos/categories';
import { inTransaction, type Db } from '../store/repos/db';
import * as repo from '../store/repos/knowledge';
import { uuidv7 } from '../util/ids';
import { writeAudit } from './audit';
import { categoryPaths } from '../../shared/domain/taxonomy';
import { chinaDateKey } from '../../shared/domain/china-time';
import { normalizeText, planQuery, tokenizeDocument, type TermPlan } from '../search/tokenize';


/** Shipped with the product: the stages every 12345 call goes through. Admins edit them. */
export const DEFAULT_SCRIPTS: { stage: ScriptStage; title: string; body: string }[] = [
  { stage: 'opening', title: '开场', body: '您好，12345 政务服务便民热线，工号 {工号} 为您服务，请问有什么可以帮您？' },
  { stage: 'verification', title: '核实信息', body: '为了便于相关部门联系您反馈办理结果，请问您贵姓？联系电话是来电号码吗？您反映的具体地址是哪里？' },
  { stage: 'inquiry', title: '了解诉求', body: '请问这个情况是从什么时候开始的？之前是否向相关部门反映过？您希望怎样解决？' },
  { stage: 'closing', title: '结束', body: '您反映的问题我已经记录，将转交相关部门在规定时限内办理，办理结果会有工作人员回复您。请问还有其他问题吗？感谢您的来电，再见。' },
];

/** About 120 characters of the body around `at` (an index of the body), with ellipses where cut. */
function snippetAt(body: string, at: number): string {
  const start = Math.max(0, at - 30);
  return (start > 0 ? '…' : '') + body.slice(start, start + 120) + (start + 120 < body.length ? '…' : '');
}

const scriptView = (r: CallScriptsTable): CallScript => ({ id: r.id, stage: r.stage as ScriptStage, categoryId: r.category_id, title: r.title, body: r.body, sort: r.sort });

/** An article as the search sees it: normalised as ticket search normalises (NFKC, lower case). */
interface IndexedArticle {
  row: KnowledgeArticlesTable;
  title: string;
  body: string;
  /** Character bigrams (and single characters) of title and body, for partial matches. */
  grams: Set<string>;
}

/** Grams of one query: the bigrams of each run, or the character of a 1-character run. */
function queryGrams(terms: readonly TermPlan[]): string[] {
  // Partial matches are for Chinese wording (停车收费 ~ 停车乱收费); digits and Latin letters match
  // whole only, or "5_0" would find every article holding a 5 and a 0.
  return [...new Set(terms.flatMap((t) => [...t.chars, ...t.phrases.flat()]))].filter((g) => /\p{Script=Han}/u.test(g));
}

/** An article is offered for a query it does not contain whole when it holds at least this share of the query's bigrams. */
const PARTIAL_SHARE = 0.6;

/**
 * Call scripts and the knowledge base.
 *
 * Search uses ticket search's Chinese tokenisation (electron/search/tokenize.ts: NFKC, lower case,
 * character bigrams) over articles held in memory: a center has hundreds to low thousands of
 * articles, so a scan of cached token sets costs well under a millisecond and needs no second FTS
 * schema on both dialects. Every term found whole (a substring, literally: `%`, `_` and quotes
 * are ordinary characters) ranks first; an article holding most of the query's bigrams follows,
 * so "停车收费" finds "停车乱收费" as an agent expects from a search box.
 */
export class KnowledgeService {
  private indexed: { key: string; articles: IndexedArticle[] } | null = null;

  constructor(private readonly db: Db, private readonly now: () => Date = () => new Date()) {}

  private async paths(): Promise<Map<string, string>> {
    return categoryPaths(await categoryTree(this.db));
  }

  /** The cached articles, reloaded when any was added or edited (here, by the demo loader, or by another server). */
  private async articles(): Promise<IndexedArticle[]> {
    const stamp = await repo.articlesStamp(this.db);
    const key = `${stamp.n}|${stamp.latest ?? ''}`;
    if (this.indexed?.key !== key) {
      const rows = await repo.allArticles(this.db);
      this.indexed = { key, articles: rows.map((row) => {
        const tokens = tokenizeDocument(row.title, row.body);
        return { row, title: normalizeText(row.title), body: normalizeText(row.body),
          grams: new Set([...tokens.bi.split(' '), ...tokens.uni.split(' ')].filter(Boolean)) };
      }) };
    }
    return this.indexed.articles;
  }

  /** The category, its ancestors and its descendants: the articles an agent on that category wants to see. */
  private async related(categoryId: string): Promise<Set<string>> {
    const cats = await categoryTree(this.db);
    const parent = new Map(cats.map((c) => [c.id, c.parentId]));
    const out = new Set<string>();
    for (let c: string | null | undefined = categoryId; c && !out.has(c); c = parent.get(c)) out.add(c);
    let frontier = [categoryId];
    while (frontier.length) {
      const next = cats.filter((c) => c.parentId !== null && frontier.includes(c.parentId) && !out.has(c.id)).map((c) => c.id);
      for (const id of next) out.add(id);
      frontier = next;
    }
    return out;
  }

  private view(a: KnowledgeArticlesTable, paths: Map<string, string>): KnowledgeArticle {
    const today = chinaDateKey(this.now()); // validity dates are days in China
    return {
      id: a.id, title: a.title, body: a.body, categoryId: a.category_id, categoryPath: a.category_id ? paths.get(a.category_id) ?? '' : '',
      source: a.source, validFrom: a.valid_from, validUntil: a.valid_until, updatedAt: a.updated_at,
      valid: a.valid_from <= today && (a.valid_until === null || a.valid_until >= today),
    };
  }

  /**
   * Without a query: the articles of the chosen category (with its ancestors and descendants), or
   * the newest ones when none is chosen. With a query: whole matches, then partial ones; articles
   * of the chosen category first within each.
   */
  async search(query: string, categoryId: string | undefined, limit: number): Promise<KnowledgeHit[]> {
    const terms = planQuery(query).slice(0, 8);
    const all = await this.articles();
    const related = categoryId ? await this.related(categoryId) : null;
    const inCategory = (a: IndexedArticle) => related !== null && a.row.category_id !== null && related.has(a.row.category_id);
    const scored: { a: IndexedArticle; s: number; at: number }[] = [];
    if (!terms.length) {
      for (const a of all) if (!related || inCategory(a)) scored.push({ a, s: inCategory(a) ? 1 : 0, at: 0 });
    } else {
      const grams = queryGrams(terms);
      for (const a of all) {
        const whole = terms.every((t) => a.title.includes(t.text) || a.body.includes(t.text));
        let s: number;
        if (whole) {
          s = 1000 + terms.filter((t) => a.title.includes(t.text)).length * 10;
        } else {
          const held = grams.filter((g) => a.grams.has(g)).length;
          if (grams.length < 2 || held / grams.length < PARTIAL_SHARE) continue;
          s = Math.round((held / grams.length) * 100);
        }
        const first = terms.map((t) => a.body.indexOf(t.text)).filter((i) => i >= 0);
        const firstGram = grams.map((g) => a.body.indexOf(g)).filter((i) => i >= 0);
        scored.push({ a, s: s + (inCategory(a) ? 5 : 0), at: first.length ? Math.min(...first) : firstGram.length ? Math.min(...firstGram) : 0 });
      }
    }
    const paths = await this.paths();
    return scored.sort((x, y) => y.s - x.s || y.a.row.updated_at.localeCompare(x.a.row.updated_at)).slice(0, limit)
      .map(({ a, at }) => {
        const v = this.view(a.row, paths);
        // NFKC keeps the length of CJK and ASCII text, so an index of the normalised body is one of the body.
        return { id: v.id, title: v.title, snippet: snippetAt(a.row.body.replace(/\s/g, ' '), at), source: v.source, categoryPath: v.categoryPath, valid: v.valid, validUntil: v.validUntil };
      });
  }

  async get(id: string): Promise<KnowledgeArticle> {
    const a = await repo.articleById(this.db, id);
    if (!a) fail('not_found');
    return this.view(a, await this.paths());
  }

  async save(input: { id?: string; title: string; body: string; categoryId: string | null; source: string; validFrom: string; validUntil: string | null }, actorId: string): Promise<KnowledgeArticle> {
    if (input.validUntil && input.validUntil < input.validFrom) fail('invalid_input', { issues: [{ path: 'validUntil', problem: 'before_valid_from' }] });
    if (input.categoryId && !(await categoryExists(this.db, input.categoryId))) fail('invalid_input', { issues: [{ path: 'categoryId', problem: 'unknown' }] });
    const at = this.now().toISOString();
    const id = input.id ?? uuidv7();
    const row = { title: input.title, body: input.body, category_id: input.categoryId, source: input.source, valid_from: input.validFrom, valid_until: input.validUntil, updated_at: at, updated_by: actorId };
    await inTransaction(this.db, async (trx) => {
      if (input.id) {
        if (!(await repo.updateArticle(trx, input.id, row))) fail('not_found');
      } else await repo.insertArticle(trx, { id, ...row });
      await writeAudit(trx, { actorId, action: input.id ? 'knowledge.updated' : 'knowledge.created', subjectType: 'knowledge_article', subjectId: id, data: { title: input.title } });
    });
    return this.get(id);
  }

  async scripts(categoryId?: string): Promise<CallScript[]> {
    return (await repo.scriptRows(this.db, categoryId)).map(scriptView);
  }

  async saveScript(input: { id?: string; stage: ScriptStage; categoryId: string | null; title: string; body: string; sort: number }, actorId: string): Promise<CallScript> {
    // An unknown category is the caller's mistake, not a foreign-key failure deep in the store.
    if (input.categoryId && !(await categoryExists(this.db, input.categoryId))) fail('invalid_input', { issues: [{ path: 'categoryId', problem: 'unknown' }] });
    const id = input.id ?? uuidv7();
    const row = { stage: input.stage, category_id: input.categoryId, title: input.title, body: input.body, sort: input.sort, updated_at: this.now().toISOString() };
    await inTransaction(this.db, async (trx) => {
      if (input.id) {
        if (!(await repo.updateScript(trx, input.id, row))) fail('not_found');
      } else await repo.insertScripts(trx, [{ id, ...row }]);
      await writeAudit(trx, { actorId, action: 'script.saved', subjectType: 'call_script', subjectId: id, data: { stage: input.stage, title: input.title } });
    });
    return scriptView((await repo.scriptById(this.db, id)) ?? fail('not_found'));
  }

  async deleteScript(id: string, actorId: string): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      if (!(await repo.deleteScript(trx, id))) fail('not_found');
      await writeAudit(trx, { actorId, action: 'script.deleted', subjectType: 'call_script', subjectId: id });
    });
  }

  /** Puts the default scripts into a store that has none (first start, or an upgrade). */
  async ensureDefaultScripts(): Promise<void> {
    if (await repo.hasScripts(this.db)) return;
    const at = this.now().toISOString();
    await repo.insertScripts(this.db, DEFAULT_SCRIPTS.map((s, i) => ({ id: uuidv7(), stage: s.stage, category_id: null, title: s.title, body: s.body, sort: i * 10, updated_at: at })));
  }
}
