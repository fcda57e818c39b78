import { CITY, CN_NUM, COMPANY_TRADES, DURATIONS, MONTH_WORDS, PLACE_WORDS, SHOP_KINDS, SHOP_OWNERS, TIMES } from './lexicon';
import type { Rng } from './prng';
import type { CommunityModel, LeafModel } from './reference';

import type { AppealType, TicketChannel as Channel } from '../../shared/domain/appeal';

export type { AppealType, Channel };

/**
 * What a ticket's text is about. A cluster of similar complaints (类案) shares one of these, so its
 * tickets read near-identically; only the framing (opening, history, demand) varies per caller.
 */
export interface TextCore {
  leaf: LeafModel;
  appeal: AppealType;
  community: CommunityModel;
  estate: string;
  slots: Record<string, string>;
  issue: number;
  details: number[];
  /** For praise: the department being thanked. */
  deptName: string;
}

const RIVERS = ['江城河', '青溪河', '月湖', '南湖', '东湖港', '黄孝河', '北湖渠', '白沙河'];
const HOSPITALS = ['市第一人民医院', '市中心医院', '市中医医院', '市妇幼保健院', '市第三人民医院', '江城大学附属医院'];
const STATIONS = ['江城火车站', '江城东站', '长途汽车客运站', '江城机场'];

function amount(rng: Rng): string {
  const r = rng.float();
  if (r < 0.35) return `${rng.int(2, 99) * 10}元`;
  if (r < 0.75) return `${rng.int(10, 99) * 100}元`;
  if (r < 0.95) return `${rng.int(11, 99) / 10}万元`;
  return `${rng.int(10, 60)}万元`;
}

export function makeSlots(rng: Rng, c: CommunityModel, estate: string): Record<string, string> {
  const word = () => rng.pick(PLACE_WORDS);
  const schools = [`江城市第${rng.pick(CN_NUM)}中学`, `${word()}小学`, `${c.districtName.slice(0, 2)}实验小学`, `${word()}中学`];
  return {
    xiaoqu: estate,
    building: `${rng.int(1, 24)}栋`,
    road: c.roads[0]!,
    road2: c.roads[1] ?? c.roads[0]!,
    site: `${word()}${rng.pick(['项目', '二期工程', '安置房项目', '商业综合体项目', '棚改项目'])}`,
    shop: `${rng.pick(SHOP_OWNERS)}${rng.pick(SHOP_KINDS)}`,
    company: `${CITY.short}${word()}${rng.pick(COMPANY_TRADES)}有限公司`,
    school: rng.pick(schools),
    hospital: rng.chance(0.7) ? rng.pick(HOSPITALS) : `${c.districtName}人民医院`,
    market: `${word()}${rng.pick(['农贸市场', '购物广场', '商场', '菜市场', '批发市场'])}`,
    bus: `${rng.int(1, 420)}路`,
    station: rng.chance(0.8) ? rng.pick(STATIONS) : `地铁${rng.int(1, 8)}号线${word()}站`,
    park: `${word()}公园`,
    river: rng.pick(RIVERS),
    village: c.rural ? c.name : `${word()}村`,
    community: c.name,
    duration: rng.pick(DURATIONS),
    time: rng.pick(TIMES),
    months: rng.pick(MONTH_WORDS),
    n: CN_NUM[rng.int(2, 7)]!,
    amount: amount(rng),
  };
}

const SLOT = /\{(\w+)\}/g;

export function fill(template: string, slots: Record<string, string>): string {
  return template.replace(SLOT, (_, k: string) => {
    const v = slots[k];
    if (v === undefined) throw new Error(`demo text has no filler for {${k}} in "${template}"`);
    return v;
  });
}

export function makeTextCore(rng: Rng, leaf: LeafModel, appeal: AppealType, c: CommunityModel, deptName: string): TextCore {
  const estate = rng.pick(c.estates);
  const slots = makeSlots(rng, c, estate);
  const details = [rng.int(0, leaf.details.length - 1)];
  if (leaf.details.length > 1 && rng.chance(0.7)) details.push((details[0]! + 1) % leaf.details.length);
  return { leaf, appeal, community: c, estate, slots, issue: rng.int(0, leaf.issues.length - 1), details, deptName };
}

const OPENINGS: Record<Channel, readonly string[]> = {
  phone: ['市民来电反映：', '来电人反映，', '市民来电称，', '来电人表示，', '市民来电：'],
  web: ['网友在市长信箱留言反映：', '市民通过江城政务APP反映：', '网友留言称，', '市民通过微信公众号反映：'],
  walk_in: ['市民到热线服务大厅反映：', '群众来访反映：'],
  letter: ['市民来信反映：', '群众来信称，'],
  outreach: ['网格员巡查发现：', '社区网格员上报：', '热线回访中群众反映：'],
};
const HISTORY = [
  '此前已多次向社区和物业反映，但一直没有得到解决。', '来电人曾拨打12345反映过，问题至今没有改善。',
  '之前相关部门来现场看过，但问题没有根本解决，现在又反弹了。', '来电人称已经向街道反映了好几次，每次都说会处理，但一直没有下文。',
];
const IMPACT = [
  '严重影响周边居民的正常生活。', '给周边群众的生活和出行带来很大不便。', '存在较大的安全隐患。',
  '周边居民意见很大。', '对来电人一家的生活造成了很大困扰。',
];
const DEMAND: Record<AppealType, readonly string[]> = {
  complaint: ['来电人对此非常不满，要求相关部门尽快调查处理并给予答复。', '请相关部门尽快核实处理，来电人希望得到回复。', '来电人要求相关部门依法查处，并将处理结果告知。'],
  report: ['请相关部门核实查处，来电人要求对其个人信息保密。', '来电人举报上述情况，请相关部门依法调查处理。'],
  help: ['希望相关部门帮忙协调解决。', '来电人恳请相关部门尽快帮助解决，需要回复。', '请相关部门给予帮助，尽快解决问题。'],
  consultation: ['请相关部门予以解答。', '希望工作人员尽快回电告知。', '请相关部门给予政策解释，需要回复。'],
  suggestion: ['希望相关部门予以采纳。', '请相关部门研究考虑。'],
  praise: ['特致电表扬，希望对相关工作人员予以表彰。', '来电人表示非常满意，特此表扬。'],
  other: ['请相关部门了解情况后予以处理。', '请相关部门核实后答复来电人。'],
};
const CONSULT_CONTEXT = [
  '来电人今年{age}岁，', '来电人是外地来江城务工人员，', '来电人是{district}居民，', '来电人',
];
const PADDING = [
  '来电人希望相关部门能够重视此事，不要再互相推诿。', '来电人表示如果问题得不到解决，还会继续反映。',
  '来电人表示愿意配合相关部门调查核实。', '来电人可以提供现场照片和视频。', '来电人希望处理过程中及时与其沟通。',
  '来电人称周边很多居民都有同样的诉求。', '来电人称这段时间情况没有任何好转，反而越来越严重。',
  '来电人称自己也曾试着和对方沟通，但对方根本不理会。', '来电人希望相关部门能到现场实地查看，而不是只打电话了解情况。',
  '来电人表示理解相关部门工作忙，但这个问题确实拖得太久了。', '来电人说自己年纪大了，来回跑实在跑不动。',
];
const OUTREACH_PADDING = [
  '网格员已拍照留存，现场情况需要相关部门处置。', '经初步了解，周边群众对此反映较多。',
  '网格员已向社区报告，社区无法自行解决。', '现场情况已录入网格化管理平台。',
];
const PRAISE_PADDING = [
  '来电人特别提到工作人员周末也赶到现场处理。', '来电人希望政府部门都能像这样为群众办实事。', '来电人称邻居们也让其代为表示感谢。',
];
const CONSULT_PADDING = [
  '来电人称在网上查询到的信息不够清楚，打电话到相关窗口也一直占线。', '来电人希望了解是否可以网上办理，还是必须到现场办理。',
  '来电人还想知道办理需要多长时间、是否收费。', '来电人表示之前听别人说过相关政策有调整，想确认一下。',
  '来电人称家里老人不会使用智能手机，希望有线下办理渠道。', '来电人希望工作人员能把需要准备的材料一次性告知清楚。',
];

const MIN_LEN = 150;
const MAX_LEN = 400;

function where(core: TextCore): string {
  const c = core.community;
  return `${c.districtName}${c.streetName}${c.name}`;
}

function issueText(core: TextCore): string {
  return fill(core.leaf.issues[core.issue]!, core.slots);
}

/** The issue placed in its division, without saying the estate twice or "来电人" after a place. */
function located(core: TextCore): string {
  const raw = core.leaf.issues[core.issue]!;
  const text = issueText(core);
  if (raw.startsWith('来电人')) return `${text}。来电人家住${where(core)}${core.estate}`;
  return `${where(core)}${text}`;
}

/** Draws from `pool` without repeating a sentence already in `used`. */
function fresh(rng: Rng, pool: readonly string[], used: Set<string>): string | null {
  for (let k = 0; k < 4; k++) {
    const s = rng.pick(pool);
    if (!used.has(s)) return s;
  }
  return null;
}

/** The ticket's content: 150–400 characters, no template markers left. */
export function composeContent(rng: Rng, core: TextCore, channel: Channel): string {
  const opening = rng.pick(OPENINGS[channel]);
  const { leaf, appeal } = core;
  const outreach = channel === 'outreach';
  const head: string[] = [];
  const body: string[] = [];
  let pool: readonly string[] = outreach ? OUTREACH_PADDING : PADDING;
  const details = core.details.map((i) => fill(leaf.details[i]!, core.slots) + '。').filter((d) => !outreach || !d.includes('来电人'));
  if (appeal === 'consultation') {
    const raw = leaf.issues[core.issue]!;
    const ctx = raw.startsWith('来电人') ? ''
      : fill(rng.pick(CONSULT_CONTEXT), { age: String(rng.int(24, 78)), district: core.community.districtName }) + '称';
    const q = leaf.question ?? `${leaf.name}方面的问题应该向哪个部门反映，有什么办理渠道`;
    head.push(`${opening}${ctx}${issueText(core)}。来电人想咨询${q}。`);
    body.push(`来电人住在${where(core)}${core.estate}。`);
    pool = CONSULT_PADDING;
  } else if (appeal === 'suggestion') {
    head.push(`${opening}${located(core)}。`);
    head.push(`来电人建议相关部门加强${leaf.name}方面的日常管理和巡查，建立长效机制，从根本上解决问题。`);
    body.push(...details, '来电人认为可以借鉴其他城市的做法，多听取群众的意见。');
  } else if (appeal === 'praise') {
    head.push(`${opening}此前来电人反映${where(core)}${core.estate}的${leaf.name}问题，${core.deptName}工作人员接单后第一时间到现场核实处理，问题已经得到解决。`);
    head.push('来电人对工作人员认真负责、热情耐心的工作态度表示衷心感谢。');
    body.push('工作人员处理完后还主动回访，询问来电人是否满意。', `来电人说${core.community.name}的居民都很满意。`,
      '来电人表示这是第一次感受到反映问题这么快就有了结果。');
    pool = PRAISE_PADDING;
  } else {
    head.push(`${opening}${located(core)}，该问题已持续${core.slots.duration}。`);
    const other = leaf.issues.length > 1 ? fill(leaf.issues[(core.issue + 1) % leaf.issues.length]!, core.slots) : null;
    if (other && !other.startsWith('来电人')) head.push(`此外，${other}。`);
    body.push(...details);
    if (!outreach && (appeal === 'complaint' || appeal === 'report')) body.push(rng.pick(HISTORY));
    body.push(rng.pick(IMPACT));
  }
  const demand = outreach ? '请相关部门核实处置。' : rng.pick(DEMAND[appeal]);
  // Real tickets vary a lot in length: aim somewhere between the short and the long ones.
  const target = MIN_LEN + Math.floor(rng.float() ** 2 * (MAX_LEN - MIN_LEN - 50)) + 20;
  const used = new Set<string>();
  let text = head.join('');
  for (const o of body) {
    if ((text + o + demand).length > MAX_LEN) continue;
    text += o;
    used.add(o);
  }
  for (let added = 0; (text + demand).length < target && added < 4; added++) {
    const o = fresh(rng, pool, used);
    if (o === null || (text + o + demand).length > MAX_LEN) break;
    text += o;
    used.add(o);
  }
  for (const o of [...pool, ...PADDING]) {
    if ((text + demand).length >= MIN_LEN) break;
    if (!used.has(o)) text += o;
  }
  text += demand;
  return text.length > MAX_LEN ? text.slice(0, MAX_LEN - 1) + '。' : text;
}

export function composeTitle(rng: Rng, core: TextCore): string {
  const { leaf, estate } = core;
  const place = rng.chance(0.6) ? estate : core.slots.road!;
  switch (core.appeal) {
    case 'complaint': return rng.chance(0.5) ? `${place}${leaf.name}问题` : `投诉${place}${leaf.name}`;
    case 'report': return `举报${place}${leaf.name}`;
    case 'help': return rng.chance(0.5) ? `求助：${place}${leaf.name}` : `请求解决${place}${leaf.name}问题`;
    case 'consultation': return `咨询${leaf.name}相关问题`;
    case 'suggestion': return `关于${leaf.name}的建议`;
    case 'praise': return `表扬${core.deptName}`;
    case 'other': return `${leaf.name}相关问题`;
  }
}

export function addressOf(rng: Rng, core: TextCore): string {
  const c = core.community;
  if (c.rural) return `${c.districtName}${c.streetName}${c.name}${core.estate}`;
  return `${c.districtName}${core.slots.road}${rng.int(1, 399)}号${core.estate}${core.slots.building}`;
}

const REPLIES: Record<AppealType, readonly string[]> = {
  complaint: ['经现场核查，情况基本属实，已责令相关责任方限期整改，并将持续跟踪。', '已安排执法人员到现场处理，问题已整改到位。', '经调查，已约谈相关责任单位，要求立即整改。'],
  report: ['经核查，举报情况属实，已依法立案查处。', '经现场检查，未发现举报所述问题，将加强日常巡查。'],
  help: ['已协调相关单位处理，问题已解决。', '已联系来电人并上门了解情况，正在协调解决。', '已安排人员维修，现已恢复正常。'],
  consultation: ['已电话联系来电人，就相关政策作了详细解答，来电人表示理解。', '已告知来电人办理流程和所需材料。'],
  suggestion: ['感谢来电人的建议，我单位将认真研究。', '已将建议转相关科室研究采纳。'],
  praise: ['感谢市民的肯定，已将表扬转达相关工作人员。'],
  other: ['已联系来电人了解情况并作出解释。'],
};

export function replyText(rng: Rng, appeal: AppealType): string {
  return rng.pick(REPLIES[appeal]);
}
