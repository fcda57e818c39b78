/**
 * The real replies (../shared/data/real/replies.jsonl, 2020 TipDM "智慧政务" data) as routing
 * examples, for evaluation only: read at test time, never copied into the product or demo data.
 *
 * The handling department is extracted from the reply with one documented rule:
 * 1. take the reply after "回复如下" (the whole reply when absent), its first 400 characters;
 * 2. find the first phrase introduced by 经 / 由 / 据 / 会同 / 责成 / 联合 / 交由 / 转 that is an
 *    administrative level (A<n>区, A市, 市, 区, 县, 省) followed by 1–8 Han characters ending in a
 *    unit suffix (局 委员会 委 办公室 办 管委会 中心 公司 分局 大队 支队 派出所), shortest match;
 * 3. the department is that phrase without its level (the same bureau of different districts is
 *    one function; the district is a routing input of its own), with three synonyms merged
 *    (交通运输局 → 交通局, 住建委 → 住建局, 教育体育局 → 教育局);
 * 4. replies where the phrase is only a government or party body (委, 政府, 政府办 …) or nothing
 *    matches have no department: most replies are written by the department itself ("我局"),
 *    which names no one, and are left out.
 * The district is the first "A<n>区" of the title or message, if any.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REAL_DIR, fnv } from './real-messages';

export const REPLIES = resolve(REAL_DIR, 'replies.jsonl');
export const repliesPresent = () => existsSync(REPLIES);

export interface RoutedReply { id: string; title: string; text: string; district: string | null; department: string }

const UNIT = /(?:经|由|据|会同|责成|联合|交由|转)((?:A\d+区|A市|市|区|县|省)[\u4e00-\u9fa5]{1,8}?(?:局|委员会|委|办公室|办|管委会|中心|公司|分局|大队|支队|派出所))/;
const NOT_A_DEPARTMENT = new Set(['委', '政府', '政府办', '人民政府办', '委人才办']);
const SYNONYMS: [RegExp, string][] = [[/交通运输局$/, '交通局'], [/住建委$/, '住建局'], [/教育体育局$/, '教育局']];

/** The department a reply names under the rule above, or null. */
export function departmentOfReply(reply: string): string | null {
  const at = reply.indexOf('回复如下');
  const body = (at >= 0 ? reply.slice(at) : reply).slice(0, 400);
  const m = UNIT.exec(body);
  if (!m) return null;
  let name = m[1]!.replace(/^(A\d+区|A市|市|区|县|省)/, '').replace(/^高新区/, '');
  if (name.length < 2 || NOT_A_DEPARTMENT.has(name)) return null;
  for (const [re, to] of SYNONYMS) name = name.replace(re, to);
  return name;
}

interface Raw { id: string; title: string; text: string; reply: string | null }

/** Every reply row, and those with an extractable department. */
export function loadRoutedReplies(): { total: number; routed: RoutedReply[] } {
  const rows = readFileSync(REPLIES, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Raw);
  const routed: RoutedReply[] = [];
  for (const r of rows) {
    const department = r.reply ? departmentOfReply(r.reply) : null;
    if (!department) continue;
    const district = /A\d+区/.exec(`${r.title} ${r.text}`)?.[0] ?? null;
    routed.push({ id: r.id, title: r.title ?? '', text: r.text ?? '', district, department });
  }
  return { total: rows.length, routed };
}

/** Held out when FNV(id) % 5 === 0 (≈ 20 %): deterministic across runs and machines. */
export const isHeldOut = (id: string) => fnv(id) % 5 === 0;
