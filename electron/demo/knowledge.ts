import type { Kysely } from 'kysely';
import type { DB } from '../store/schema';
import { Rng, seededUuidv7 } from './prng';
import { DEPARTMENTS, TAXONOMY } from './taxonomy';

const DOCS = ['管理办法', '实施细则', '管理条例', '工作规范', '服务指南'];
/** The department that handles a leaf, as the demo's dispatch catalogue says. */
const HANDLER = new Map(TAXONOMY.flatMap((l1) => l1.l2.flatMap((l2) => l2.leaves.map((l) => [`${l2.name}/${l.name}`, l.handler] as const))));
const DEPT_NAME = new Map(DEPARTMENTS.map(([code, name]) => [code, name]));
const TIME_LIMITS = ['3 个工作日', '5 个工作日', '7 个工作日', '10 个工作日', '15 个工作日'];
const MATERIALS = ['本人有效身份证件', '房屋产权证明或租赁合同', '相关票据或凭证', '现场照片', '申请表（可在窗口或网上领取）', '社区出具的情况说明'];

/**
 * Invented knowledge articles for the demo city: one per sampled leaf category, each citing an
 * invented local regulation, a few already expired so the console's validity check shows.
 * Deterministic from the seed; nothing is taken from real policy texts.
 */
export async function seedDemoKnowledge(db: Kysely<DB>, seed: number, count = 40): Promise<number> {
  const rng = new Rng(seed, 77);
  const leaves = await db.selectFrom('categories as c').innerJoin('categories as p', 'p.id', 'c.parent_id')
    .select(['c.id', 'c.name', 'p.name as parent']).where('c.level', '=', 3).orderBy('c.code').execute();
  if (leaves.length === 0) return 0;
  const rows = [];
  for (let i = 0; i < Math.min(count, leaves.length); i++) {
    const leaf = leaves[Math.floor((i * leaves.length) / Math.min(count, leaves.length))]!;
    const agency = DEPT_NAME.get(HANDLER.get(`${leaf.parent}/${leaf.name}`) ?? '') ?? '主管部门';
    const doc = `《江城市${leaf.parent}${rng.pick(DOCS)}》`;
    const year = rng.int(2019, 2025);
    const expired = rng.chance(0.1);
    const materials = [...MATERIALS].sort(() => rng.float() - 0.5).slice(0, rng.int(2, 4));
    const body = [
      `【适用情形】市民反映“${leaf.name}”类问题时适用本指引。`,
      `【主管部门】${agency}负责受理和办理，属地街道（乡镇）配合。`,
      `【办理时限】自受理之日起 ${rng.pick(TIME_LIMITS)}内办结并答复。`,
      `【所需材料】${materials.join('、')}。`,
      `【答复口径】您反映的${leaf.name}问题，根据${doc}第 ${rng.int(3, 40)} 条，由${agency}负责处理。我们将把您的诉求转交主管部门，在规定时限内给您答复。`,
      `【注意事项】涉及安全隐患的，应提示市民注意安全，必要时按紧急工单办理。`,
    ].join('\n');
    rows.push({
      id: seededUuidv7(Date.UTC(year, 0, 1) + i * 1000, rng), title: `${leaf.name}：办理指引`, body, category_id: leaf.id,
      source: `${doc}（江政发〔${year}〕${rng.int(1, 60)}号）`,
      valid_from: `${year}-01-01`, valid_until: expired ? `${year + 1}-12-31` : null,
      updated_at: new Date(Date.UTC(year, 0, 1)).toISOString(), updated_by: null,
    });
  }
  await db.insertInto('knowledge_articles').values(rows).execute();
  return rows.length;
}
