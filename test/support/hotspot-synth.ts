/**
 * Generated messages with planted hotspots, for the engine's tests, parameter tuning and bench.
 * Background: everyday appeals about random places spread over the period, plus year-round
 * consultation topics (社保, 户籍) asked every week. Planted: one place or organisation, many
 * people within a few days, written in different words (synonyms), with typos in the name,
 * re-posts of the same text under other ids, and names with and without a place suffix.
 */
import { Rng } from '../../electron/demo/prng';
import type { HotspotInput } from '../../electron/hotspots/types';

const SYL = '安宝北滨城春翠达东方丰富广海和华嘉金锦景康蓝乐丽龙绿美明南鹏平青荣瑞润盛泰天万旺文武西祥新鑫兴阳怡银永裕园悦云泽兆正中'.split('');
const SUFFIX = ['小区', '花园', '苑', '家园', '路', '大道', '广场', '公司', '培训学校', '置业', ''];
const AREAS = ['江岸区', '江汉区', '硚口区', '汉阳区', '武昌区', '青山区', '洪山区', '东西湖区'];
const COMPLAINTS: { cat: string; ways: string[] }[] = [
  { cat: '城市管理', ways: ['路灯不亮', '路灯坏了好几天', '照明故障晚上一片漆黑', '路灯一周未亮'] },
  { cat: '生态环境', ways: ['噪音扰民', '施工噪音太大晚上睡不着', '夜间施工吵得人无法休息'] },
  { cat: '住房建设', ways: ['逾期交房', '开发商迟迟不交房', '延期交付至今没有说法'] },
  { cat: '市场监管', ways: ['退费难', '预付款退不回来', '卷款跑路不退学费'] },
  { cat: '交通运输', ways: ['大货车乱停乱放', '重型货车占道停放很危险', '渣土车违停'] },
  { cat: '城市管理', ways: ['垃圾无人清运', '垃圾堆积发臭', '生活垃圾几天没人收'] },
  { cat: '住房建设', ways: ['电梯经常故障', '电梯停运困人', '电梯坏了没人修'] },
  { cat: '生态环境', ways: ['油烟扰民', '餐馆油烟直排', '烧烤油烟熏得开不了窗'] },
];
const FILLER = [
  '希望有关部门尽快处理', '请领导重视', '多次反映无人解决', '严重影响居民生活', '请相关部门核实',
  '已经拨打过物业电话', '周边居民意见很大', '恳请尽快答复', '给出行带来不便', '谢谢',
];
const YEAR_ROUND = [
  { cat: '人力社保', q: ['社保卡如何补办', '养老保险怎么转移', '医保异地报销需要什么材料', '失业金如何申领'] },
  { cat: '公安', q: ['户口迁移需要哪些材料', '身份证异地补办流程', '新生儿落户怎么办理'] },
];

export interface Planted {
  name: string;
  ids: string[];
}

export interface SynthOptions {
  seed: number;
  /** Background messages. */
  background: number;
  /** Planted hotspots (0 for a null data set). */
  planted: number;
  days: number;
  /** Members per planted hotspot (min, max). */
  size?: [number, number];
  start?: number;
  /** Attach category, area and coordinates (as tickets in the app have). */
  fields?: boolean;
}

function name(rng: Rng): string {
  const n = rng.int(2, 3);
  let s = '';
  for (let i = 0; i < n; i++) s += rng.pick(SYL);
  return s + rng.pick(SUFFIX);
}

function typo(rng: Rng, s: string): string {
  if (s.length < 4) return s;
  const i = rng.int(1, s.length - 2);
  return s.slice(0, i) + rng.pick(SYL) + s.slice(i + 1);
}

export function synthMessages(o: SynthOptions): { messages: HotspotInput[]; planted: Planted[] } {
  const rng = new Rng(o.seed);
  const start = o.start ?? Date.UTC(2026, 0, 1);
  const day = 86_400_000;
  const messages: HotspotInput[] = [];
  let seq = 0;
  const id = (): string => `m${o.seed}-${(seq++).toString().padStart(7, '0')}`;
  const areaCoord = (area: string): { lat: number; lon: number } => {
    const k = AREAS.indexOf(area);
    return { lat: 30.5 + (k % 4) * 0.04 + rng.float() * 0.03, lon: 114.2 + Math.floor(k / 4) * 0.06 + rng.float() * 0.05 };
  };
  const extra = (cat: string, area: string, citizen: string): Partial<HotspotInput> =>
    o.fields ? { category: cat, area, citizen, ...areaCoord(area) } : {};
  for (let i = 0; i < o.background; i++) {
    const t = start + Math.floor(rng.float() * o.days * day);
    const area = rng.pick(AREAS);
    if (rng.chance(0.3)) {
      const y = rng.pick(YEAR_ROUND);
      const q = rng.pick(y.q);
      messages.push({ id: id(), title: `咨询${q}`, text: `您好，我想咨询一下${q}，${rng.pick(FILLER)}。`, time: t, ...extra(y.cat, area, `c${rng.int(1, 1e9)}`) });
      continue;
    }
    const place = name(rng);
    const c = rng.pick(COMPLAINTS);
    const way = rng.pick(c.ways);
    messages.push({
      id: id(),
      title: `${area}${place}${way}`,
      text: `我是${area}居民，${place}附近${way}，${rng.pick(FILLER)}，${rng.pick(FILLER)}。`,
      time: t,
      ...extra(c.cat, area, `c${rng.int(1, 1e9)}`),
    });
  }
  const planted: Planted[] = [];
  const [lo, hi] = o.size ?? [6, 14];
  for (let k = 0; k < o.planted; k++) {
    const place = name(rng) + rng.pick(['', '二期', '东门']);
    const c = rng.pick(COMPLAINTS);
    const area = rng.pick(AREAS);
    const burstStart = start + Math.floor(rng.float() * Math.max(1, o.days - 7) * day);
    const n = rng.int(lo, hi);
    const ids: string[] = [];
    let last: HotspotInput | null = null;
    for (let j = 0; j < n; j++) {
      const t = burstStart + Math.floor(rng.float() * 6 * day);
      if (last && rng.chance(0.15)) {
        // The same text re-posted under another id.
        const m = { ...last, id: id(), time: t };
        messages.push(m);
        ids.push(m.id);
        continue;
      }
      const spelled = rng.chance(0.15) ? typo(rng, place) : place;
      const way = rng.pick(c.ways);
      const m: HotspotInput = {
        id: id(),
        title: rng.chance(0.5) ? `${spelled}${way}` : `关于${area}${spelled}${way}的问题`,
        text: `${rng.pick(['您好，', '领导好，', ''])}${area}${spelled}${rng.pick(['', '这边', '一带'])}${way}，${rng.pick(FILLER)}，${rng.pick(FILLER)}。`,
        time: t,
        ...extra(c.cat, area, `p${k}-${j}`),
      };
      messages.push(m);
      ids.push(m.id);
      last = m;
    }
    planted.push({ name: place, ids });
  }
  return { messages, planted };
}

/** A planted hotspot is found when one reported hotspot holds at least half of it, and is mostly made of it. */
export function matchPlanted(planted: readonly Planted[], reported: readonly { ids: readonly string[] }[]): boolean[] {
  return planted.map((p) => {
    const set = new Set(p.ids);
    return reported.some((h) => {
      const hit = h.ids.filter((i) => set.has(i)).length;
      return hit * 2 >= p.ids.length && hit * 2 >= h.ids.length;
    });
  });
}
