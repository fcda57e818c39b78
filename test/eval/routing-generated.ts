/**
 * Generated dispatch history with planted routing rules, for the department suggestion's
 * evaluation, tests and bench. Deterministic for a seed.
 *
 * The city: DISTRICTS districts of STREETS streets each; a government per district (区政府) and
 * per street (街道办事处), and CITY_DEPARTMENTS city bureaus. Each category has a rule:
 * - 'city': one bureau leads everywhere;
 * - 'district' / 'street': the local government of the ticket's place leads (属地);
 * and OVERRIDE_SHARE of (category, district) pairs are planted exceptions where another bureau
 * leads in that district only. Some categories have a co-department (协办) on most dispatches.
 * Noise: MISROUTE_SHARE of dispatches first go to a wrong department, which returns them (退单)
 * before the right one signs; SILENT_NOISE_SHARE are signed by a wrong department and never
 * returned; CATEGORY_NOISE_SHARE carry a wrong category (the agent picked a neighbour); the
 * street is unknown on STREET_UNKNOWN_SHARE of tickets. Titles are built from the category's
 * keywords (some shared between categories), place words and filler.
 */
import type { RoutingTicket } from '../../electron/classify/department-suggester';

export const DISTRICTS = 8;
export const STREETS = 8;
export const CITY_DEPARTMENTS = 24;
export const CATEGORIES = 80;
export const OVERRIDE_SHARE = 0.1;
export const MISROUTE_SHARE = 0.1;
export const SILENT_NOISE_SHARE = 0.03;
export const CATEGORY_NOISE_SHARE = 0.05;
export const STREET_UNKNOWN_SHARE = 0.3;

export interface GenDepartment { id: string; name: string; kind: 'bureau' | 'district' | 'street'; districtCode: string | null; streetCode: string | null }
export interface GenStreet { code: string; name: string; districtCode: string }
export interface GenCategory { id: string; name: string; rule: 'city' | 'district' | 'street'; bureau: string | null; co: string | null; words: string[] }

export interface GenTicket {
  id: string;
  at: number;
  ticket: RoutingTicket;
  /** The department the planted rules send it to, and its co-department if any. */
  truth: string;
  truthCo: string | null;
  /** What happened: departments that returned it first (misroutes), then the one that signed. */
  returnedBy: string[];
  signedBy: string;
  coSigned: string | null;
}

export interface GenWorld {
  departments: GenDepartment[];
  streets: GenStreet[];
  categories: GenCategory[];
  /** (category id, district code) → bureau id for the planted exceptions. */
  overrides: Map<string, string>;
}

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = '噪音扰民油烟排放路灯损坏井盖缺失占道经营违章搭建垃圾清运污水外溢停水停电燃气泄漏供暖不热公交晚点出租拒载学位分配医保报销社保转移公积金提取物业收费电梯故障小区停车拆迁补偿工资拖欠食品安全药品质量消费维权房屋漏水绿化破坏河道污染犬只扰民流动摊贩道路破损交通信号违规施工树木倒伏';
const PLACE = '东西南北中新老青红金银桃李松柏江河湖山林泉石花园桥港湾溪';

/** The world of a seed: departments, streets, categories and planted rules. */
export function generateWorld(seed: number): GenWorld {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const departments: GenDepartment[] = [];
  const streets: GenStreet[] = [];
  const bureaus: string[] = [];
  for (let i = 0; i < CITY_DEPARTMENTS; i++) {
    const id = `bureau-${i}`;
    bureaus.push(id);
    departments.push({ id, name: `市第${i + 1}局`, kind: 'bureau', districtCode: null, streetCode: null });
  }
  const placeName = (n: number) => PLACE[n % PLACE.length]! + PLACE[(n * 7 + 3) % PLACE.length]!;
  for (let d = 0; d < DISTRICTS; d++) {
    const dc = `9901${String(d + 1).padStart(2, '0')}`;
    departments.push({ id: `district-${dc}`, name: `${placeName(d * 11)}区人民政府`, kind: 'district', districtCode: dc, streetCode: null });
    for (let s = 0; s < STREETS; s++) {
      const sc = `${dc}${String(s + 1).padStart(3, '0')}`;
      const name = `${placeName(d * STREETS + s + 5)}${'一二三四五六七八九'[s % 9]}街道`;
      streets.push({ code: sc, name, districtCode: dc });
      departments.push({ id: `street-${sc}`, name: `${name}办事处`, kind: 'street', districtCode: dc, streetCode: sc });
    }
  }
  const wordPool = WORDS.match(/.{2}/g)!;
  const categories: GenCategory[] = [];
  for (let c = 0; c < CATEGORIES; c++) {
    const x = r();
    const rule = x < 0.55 ? 'city' : x < 0.75 ? 'district' : 'street';
    // Two own keywords and one shared with other categories: text alone is a hint, not an answer.
    const words = [wordPool[(c * 2) % wordPool.length]!, wordPool[(c * 2 + 1) % wordPool.length]!, pick(wordPool)];
    categories.push({
      id: `cat-${c}`, name: `类别${c}`, rule, bureau: rule === 'city' ? pick(bureaus) : null,
      co: r() < 0.25 ? pick(bureaus) : null, words,
    });
  }
  const overrides = new Map<string, string>();
  for (const c of categories) {
    for (let d = 0; d < DISTRICTS; d++) {
      if (r() < OVERRIDE_SHARE) overrides.set(`${c.id}|9901${String(d + 1).padStart(2, '0')}`, pick(bureaus));
    }
  }
  return { departments, streets, categories, overrides };
}

/** Who leads a category at a place under the planted rules. */
export function ruleDepartment(w: GenWorld, c: GenCategory, districtCode: string, streetCode: string): string {
  const o = w.overrides.get(`${c.id}|${districtCode}`);
  if (o) return o;
  if (c.rule === 'city') return c.bureau!;
  return c.rule === 'district' ? `district-${districtCode}` : `street-${streetCode}`;
}

/** `n` tickets in time order (one every 10 minutes from `startMs`), with what happened to each. */
export function generateTickets(w: GenWorld, n: number, seed: number, startMs = Date.UTC(2026, 0, 1)): GenTicket[] {
  const r = rng(seed ^ 0x9e3779b9);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const out: GenTicket[] = [];
  for (let i = 0; i < n; i++) {
    // Popular categories are popular: a skewed pick.
    const c = w.categories[Math.floor(Math.pow(r(), 1.6) * w.categories.length)]!;
    const street = pick(w.streets);
    const truth = ruleDepartment(w, c, street.districtCode, street.code);
    const wrongOf = () => {
      // A plausible wrong department: the other level of local government, or another bureau.
      if (truth.startsWith('street-') && r() < 0.6) return `district-${street.districtCode}`;
      if (truth.startsWith('district-') && r() < 0.6) return `street-${street.code}`;
      let x = pick(w.departments).id;
      while (x === truth) x = pick(w.departments).id;
      return x;
    };
    const recorded = r() < CATEGORY_NOISE_SHARE ? w.categories[(Number(c.id.slice(4)) + 1) % w.categories.length]! : c;
    const place = r() < 0.35 ? street.name.replace(/街道$/, '') : '';
    const title = `${place}${pick(c.words)}${r() < 0.5 ? pick(c.words) : ''}问题${r() < 0.3 ? pick(['反映', '投诉', '求助']) : ''}`;
    const returnedBy = r() < MISROUTE_SHARE ? [wrongOf()] : [];
    const signedBy = r() < SILENT_NOISE_SHARE ? wrongOf() : truth;
    const truthCo = c.co && c.co !== truth ? c.co : null;
    out.push({
      id: `t-${seed}-${i}`, at: startMs + i * 600_000,
      ticket: { categoryId: recorded.id, districtCode: street.districtCode, streetCode: r() < STREET_UNKNOWN_SHARE ? null : street.code, title, content: `${title}，请相关部门处理。` },
      truth, truthCo, returnedBy, signedBy, coSigned: truthCo && r() < 0.8 ? truthCo : null,
    });
  }
  return out;
}
