import type { Kysely } from 'kysely';
import { fail, type CallScript, type KnowledgeArticle, type KnowledgeHit, type ScriptStage } from '../../shared/contract';
import type { DB, KnowledgeArticlesTable } from '../store/schema';
import { uuidv7 } from '../util/ids';
import { writeAudit } from './audit';
import { containsText } from '../store/dialect';
import { categoryPaths } from '../../shared/domain/taxonomy';

/** Beijing calendar day: validity dates are days in China, whatever the machine's zone. */
const chinaDay = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/** Shipped with the product: the stages every 12345 call goes through. Admins edit them. */
export const DEFAULT_SCRIPTS: { stage: ScriptStage; title: string; body: string }[] = [
  { stage: 'opening', title: '开场', body: '您好，12345 政务服务便民热线，工号 {工号} 为您服务，请问有什么可以帮您？' },
  { stage: 'verification', title: '核实信息', body: '为了便于相关部门联系您反馈办理结果，请问您贵姓？联系电话是来电号码吗？您反映的具体地址是哪里？' },
  { stage: 'inquiry', title: '了解诉求', body: '请问这个情况是从什么时候开始的？之前是否向相关部门反映过？您希望怎样解决？' },
  { stage: 'closing', title: '结束', body: '您反映的问题我已经记录，将转交相关部门在规定时限内办理，办理结果会有工作人员回复您。请问还有其他问题吗？感谢您的来电，再见。' },
];

function snippet(body: string, terms: string[]): string {
  const at = terms.length ? Math.max(0, Math.min(...terms.map((t) => body.indexOf(t)).filter((i) => i >= 0), body.length)) : 0;
  const start = Math.max(0, at - 30);
  return (start > 0 ? '…' : '') + body.slice(start, start + 120) + (start + 120 < body.length ? '…' : '');
}

/**
 * Call scripts and the knowledge base. Articles number in the hundreds to low thousands, so a
 * scan with every query term required is fast and finds every substring (Chinese has no spaces
 * to split words on); ticket search, with millions of rows, has its own bigram index.
 */
export class KnowledgeService {
  constructor(private readonly db: Kysely<DB>, private readonly now: () => Date = () => new Date()) {}

  private async paths(): Promise<Map<string, string>> {
    const cats = await this.db.selectFrom('categories').select(['id', 'name', 'parent_id as parentId']).execute();
    return categoryPaths(cats);
  }

  private view(a: KnowledgeArticlesTable, paths: Map<string, string>): KnowledgeArticle {
    const today = chinaDay(this.now());
    return {
      id: a.id, title: a.title, body: a.body, categoryId: a.category_id, categoryPath: a.category_id ? paths.get(a.category_id) ?? '' : '',
      source: a.source, validFrom: a.valid_from, validUntil: a.valid_until, updatedAt: a.updated_at,
      valid: a.valid_from <= today && (a.valid_until === null || a.valid_until >= today),
    };
  }

  async search(query: string, categoryId: string | undefined, limit: number): Promise<KnowledgeHit[]> {
    const terms = query.normalize('NFKC').split(/\s+/).filter(Boolean).slice(0, 8);
    let q = this.db.selectFrom('knowledge_articles').selectAll();
    for (const term of terms) {
      q = q.where((eb) => eb.or([containsText(this.db, 'title', term), containsText(this.db, 'body', term)]));
    }
    const rows = await q.execute();
    const paths = await this.paths();
    const score = (a: KnowledgeArticlesTable) => (a.category_id === categoryId ? 100 : 0) + terms.filter((t) => a.title.includes(t)).length * 10;
    return rows.map((a) => ({ a, s: score(a) })).sort((x, y) => y.s - x.s || y.a.updated_at.localeCompare(x.a.updated_at)).slice(0, limit)
      .map(({ a }) => {
        const v = this.view(a, paths);
        return { id: v.id, title: v.title, snippet: snippet(a.body.replace(/\s+/g, ' '), terms), source: v.source, categoryPath: v.categoryPath, valid: v.valid, validUntil: v.validUntil };
      });
  }

  async get(id: string): Promise<KnowledgeArticle> {
    const a = await this.db.selectFrom('knowledge_articles').selectAll().where('id', '=', id).executeTakeFirst();
    if (!a) fail('not_found');
    return this.view(a, await this.paths());
  }

  async save(input: { id?: string; title: string; body: string; categoryId: string | null; source: string; validFrom: string; validUntil: string | null }, actorId: string): Promise<KnowledgeArticle> {
    if (input.validUntil && input.validUntil < input.validFrom) fail('invalid_input', { issues: [{ path: 'validUntil', problem: 'before_valid_from' }] });
    if (input.categoryId && !(await this.db.selectFrom('categories').select('id').where('id', '=', input.categoryId).executeTakeFirst())) {
      fail('invalid_input', { issues: [{ path: 'categoryId', problem: 'unknown' }] });
    }
    const at = this.now().toISOString();
    const id = input.id ?? uuidv7();
    const row = { title: input.title, body: input.body, category_id: input.categoryId, source: input.source, valid_from: input.validFrom, valid_until: input.validUntil, updated_at: at, updated_by: actorId };
    await this.db.transaction().execute(async (trx) => {
      if (input.id) {
        const r = await trx.updateTable('knowledge_articles').set(row).where('id', '=', input.id).executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) fail('not_found');
      } else await trx.insertInto('knowledge_articles').values({ id, ...row }).execute();
      await writeAudit(trx, { actorId, action: input.id ? 'knowledge.updated' : 'knowledge.created', subjectType: 'knowledge_article', subjectId: id, data: { title: input.title } });
    });
    return this.get(id);
  }

  async scripts(categoryId?: string): Promise<CallScript[]> {
    let q = this.db.selectFrom('call_scripts').selectAll().orderBy('sort').orderBy('title');
    q = categoryId ? q.where((eb) => eb.or([eb('category_id', 'is', null), eb('category_id', '=', categoryId)])) : q.where('category_id', 'is', null);
    const rows = await q.execute();
    return rows.map((r) => ({ id: r.id, stage: r.stage as ScriptStage, categoryId: r.category_id, title: r.title, body: r.body, sort: r.sort }));
  }

  async saveScript(input: { id?: string; stage: ScriptStage; categoryId: string | null; title: string; body: string; sort: number }, actorId: string): Promise<CallScript> {
    // An unknown category is the caller's mistake, not a foreign-key failure deep in the store.
    if (input.categoryId && !(await this.db.selectFrom('categories').select('id').where('id', '=', input.categoryId).executeTakeFirst())) {
      fail('invalid_input', { issues: [{ path: 'categoryId', problem: 'unknown' }] });
    }
    const id = input.id ?? uuidv7();
    const row = { stage: input.stage, category_id: input.categoryId, title: input.title, body: input.body, sort: input.sort, updated_at: this.now().toISOString() };
    await this.db.transaction().execute(async (trx) => {
      if (input.id) {
        const r = await trx.updateTable('call_scripts').set(row).where('id', '=', input.id).executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) fail('not_found');
      } else await trx.insertInto('call_scripts').values({ id, ...row }).execute();
      await writeAudit(trx, { actorId, action: 'script.saved', subjectType: 'call_script', subjectId: id, data: { stage: input.stage, title: input.title } });
    });
    const s = await this.db.selectFrom('call_scripts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return { id: s.id, stage: s.stage as ScriptStage, categoryId: s.category_id, title: s.title, body: s.body, sort: s.sort };
  }

  async deleteScript(id: string, actorId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const r = await trx.deleteFrom('call_scripts').where('id', '=', id).executeTakeFirst();
      if (Number(r.numDeletedRows) !== 1) fail('not_found');
      await writeAudit(trx, { actorId, action: 'script.deleted', subjectType: 'call_script', subjectId: id });
    });
  }

  /** Puts the default scripts into a store that has none (first start, or an upgrade). */
  async ensureDefaultScripts(): Promise<void> {
    const any = await this.db.selectFrom('call_scripts').select('id').limit(1).executeTakeFirst();
    if (any) return;
    const at = this.now().toISOString();
    await this.db.insertInto('call_scripts').values(DEFAULT_SCRIPTS.map((s, i) => ({ id: uuidv7(), stage: s.stage, category_id: null, title: s.title, body: s.body, sort: i * 10, updated_at: at }))).execute();
  }
}
