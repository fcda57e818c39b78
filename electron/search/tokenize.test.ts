import { describe, expect, it } from 'vitest';
import { collapsePhoneNumbers, END, GAP, IDEOGRAPH_TERM, JOIN, START, sepClass, normalisesCharByChar, normalizeText, planQuery, rawFindsIdeographs, rawSpellings, tokenizeDocument, tokenizeTicket } from './tokenize';
import { mulberry32 } from '../store/search/testing';

const bi = (...fields: string[]) => tokenizeDocument(...fields).bi.split(' ');
const uni = (...fields: string[]) => tokenizeDocument(...fields).uni.split(' ').sort();

describe('tokenizeDocument', () => {
  it('makes overlapping bigrams and the character set of Chinese text', () => {
    expect(bi('油烟扰民')).toEqual(['油烟', '烟扰', '扰民']);
    expect(uni('油烟扰民油')).toEqual(['扰', '民', '油', '烟']);
  });

  it('treats Latin letters and digits as characters, lower-cased, in the same runs as Chinese', () => {
    expect(bi('12路Bus')).toEqual(['12', '2路', '路b', 'bu', 'us']);
  });

  it('folds full-width forms and case (NFKC)', () => {
    expect(tokenizeDocument('ＡＢＣ１２３').bi).toBe(tokenizeDocument('abc123').bi);
    expect(normalizeText('Ｗｉ－Ｆｉ')).toBe('wi-fi');
  });

  it('puts a gap between runs split by punctuation, spaces and symbols, and between fields', () => {
    expect(bi('油烟，扰民')).toEqual(['油烟', GAP, '扰民']);
    expect(bi('噪音 扰民！😡投诉')).toEqual(['噪音', GAP, '扰民', GAP, '投诉']);
    expect(bi('标题', '内容')).toEqual(['标题', GAP, '内容']);
    // A single character makes no bigram but still separates its neighbours.
    expect(bi('ab-c-de')).toEqual(['ab', GAP, 'de']);
  });

  it('never produces FTS syntax: tokens are letters, digits, the gap and edge marks only', () => {
    const t = tokenizeDocument('"*():^- OR NEAR(a b) \'x\' {col}: +-');
    for (const tok of [...t.bi.split(' '), ...t.uni.split(' ')]) expect(tok).toMatch(/^([\p{L}\p{N}\uE001-\uE003\uE100-\uF7FF]+|\uE000)$/u);
  });

  it('marks the edges around separators within a field, never across fields', () => {
    const u = uni('12#楼，', '来电');
    // 2 ends a run at '#', 楼 starts one after it and ends one at '，' (NFKC: ','); 2 and 楼 are joined across '#'.
    expect(u).toEqual(expect.arrayContaining([`2${END}${sepClass('#')}`, `${START}${sepClass('#')}楼`, `2${JOIN}楼`, `楼${END}${sepClass(',')}`]));
    // 来 begins the second field: no separator before it in its field, no join to 楼.
    expect(u.some((x) => x.startsWith(START) && x.endsWith('来'))).toBe(false);
    expect(u).not.toContain(`楼${JOIN}来`);
    expect(uni('油烟扰民')).toEqual(['扰', '民', '油', '烟']);
  });

  it('keeps the separator next to a run in its END and START edges, and writes none across white space (version 4)', () => {
    const u = uni('2023年，来电。年 3#楼');
    expect(u).toEqual(expect.arrayContaining([`年${END}${sepClass(',')}`, `电${END}${sepClass('。')}`, `${START}${sepClass(',')}来`]));
    // 年 before a space: no END edge for it (a term never holds white space), and no join across the space.
    expect(u.filter((x) => x.startsWith(`年${END}`))).toEqual([`年${END}${sepClass(',')}`]);
    expect(u).not.toContain(`年${JOIN}3`);
    expect(u.some((x) => x.startsWith(START) && x.endsWith('3'))).toBe(false);
    // Separators after a run: the one next to it is its class; "电。年" joins across '。'.
    expect(u).toContain(`电${JOIN}年`);
    expect(sepClass('，'.normalize('NFKC'))).toBe(sepClass(','));
    expect(sepClass('。')).not.toBe(sepClass(','));
  });

  it('keeps characters outside the BMP whole', () => {
    expect(uni('𠀀𠀁')).toEqual(['𠀀', '𠀁']);
    expect(bi('𠀀𠀁')).toEqual(['𠀀𠀁']);
  });

  it('returns empty streams for text without letters or digits', () => {
    expect(tokenizeDocument('，。！', '')).toEqual({ uni: '', bi: '' });
  });
});

describe('planQuery', () => {
  it('turns a term into a bigram phrase, a 1-character term into a character', () => {
    expect(planQuery('油烟扰民')).toEqual([{ text: '油烟扰民', chars: [], phrases: [['油烟', '烟扰', '扰民']], edges: [], exact: true }]);
    expect(planQuery('电')).toEqual([{ text: '电', chars: ['电'], phrases: [], edges: [], exact: true }]);
  });

  it('splits terms on white space, including the ideographic space', () => {
    expect(planQuery(' 噪音\u3000扰民 ').map((t) => t.text)).toEqual(['噪音', '扰民']);
  });

  it('keeps punctuation inside a term literal and marks the term for a substring check', () => {
    expect(planQuery('3#楼')).toEqual([{ text: '3#楼', chars: ['3', '楼'], phrases: [], edges: [`3${END}${sepClass('#')}`, `${START}${sepClass('#')}楼`, `3${JOIN}楼`], exact: false }]);
    expect(planQuery('NEAR(')).toEqual([{ text: 'near(', chars: [], phrases: [['ne', 'ea', 'ar']], edges: [`r${END}${sepClass('(')}`], exact: false }]);
    expect(planQuery('"*()"')).toEqual([{ text: '"*()"', chars: [], phrases: [], edges: [], exact: false }]);
    expect(planQuery('情况。来')[0]!.edges).toEqual([`况${END}${sepClass('。')}`, `${START}${sepClass('。')}来`, `况${JOIN}来`]);
    expect(planQuery('年，')[0]!.edges).toEqual([`年${END}${sepClass(',')}`]);
  });

  it('asks no edges of a term that may be a phone number (its digits are indexed without them)', () => {
    expect(planQuery('0101-234')[0]!.edges).toEqual([]);
    expect(planQuery('12#楼')[0]!.edges).toContain(`2${JOIN}楼`);
  });

  it('normalises the query as documents are normalised', () => {
    expect(planQuery('ＯＲ')[0]!.phrases).toEqual([['or']]);
  });
});

describe('tokenizeTicket', () => {
  const t = { title: '路灯', content: '不亮', number: 'JC01', address: '人民路', callerName: '张三', phone: '138-1234-5678' };
  it('indexes number, address and a public caller name as plain text, the phone only under its prefix', () => {
    const tok = tokenizeTicket(t);
    const bi = tok.bi.split(' ');
    expect(bi).toEqual(expect.arrayContaining(['jc', 'c0', '01', '人民', '张三', 'p13', 'p38', 'p78']));
    expect(bi).not.toContain('13');
    expect(tok.uni.split(' ')).not.toContain('8');
  });

  it('puts a confidential caller name and number under their own prefixes', () => {
    const bi = tokenizeTicket({ ...t, confidential: true }).bi.split(' ');
    expect(bi).toEqual(expect.arrayContaining(['c张三', 'q13']));
    expect(bi).not.toContain('张三');
    expect(bi).not.toContain('p13');
  });
});

describe('collapsePhoneNumbers', () => {
  it('turns a phone number as typed into its stored digits', () => {
    for (const typed of ['138 1234 5678', '138-1234-5678', '+86 138 1234 5678', '0086-13812345678', '(138)1234 5678']) {
      expect(collapsePhoneNumbers(normalizeText(typed))).toBe('13812345678');
    }
    expect(collapsePhoneNumbers(normalizeText('（０１０）１２３４ ５６７８'))).toBe('01012345678');
    expect(collapsePhoneNumbers('张三 +86 10 1234 5678 路灯')).toBe('张三 01012345678 路灯');
  });

  it('leaves dates, short numbers and fragments as typed', () => {
    for (const s of ['2024-01-15', '3 12', '138 1234', '12345']) expect(collapsePhoneNumbers(s)).toBe(s);
  });
});

describe('rawFindsIdeographs: when instr on the raw text answers a term of ideographs', () => {
  it('flags every character outside the ideographs that normalises into one (all code points)', () => {
    const missed: string[] = [];
    for (let c = 0; c <= 0x10ffff; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const ch = String.fromCodePoint(c);
      if (IDEOGRAPH_TERM.test(ch)) continue;
      if (/[\u3400-\u4dbf\u4e00-\u9fff]/u.test(normalizeText(ch)) && rawFindsIdeographs(ch)) missed.push(c.toString(16));
    }
    expect(missed).toEqual([]);
    // Kangxi radical 人, a compatibility ideograph, a circled ideograph: each normalises into a term's character.
    for (const form of ['\u2f08', '\uf900', '\u3280']) expect(rawFindsIdeographs(`物业${form}费`)).toBe(false);
    // Full-width punctuation, letters and digits, ㎡ and Latin with accents normalise, but never into an ideograph.
    expect(rawFindsIdeographs('小区，１２号楼ＡＢ栋 50㎡ café')).toBe(true);
    expect(rawFindsIdeographs(null)).toBe(true);
  });

  it('a term of ideographs is in the raw text exactly when it is in the normalised text, for texts it passes', () => {
    const rnd = mulberry32(31);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
    const ideographs = [...'小区物业楼道路灯噪声扰民一二三人大天'];
    // Everything that normalises or combines, except what rawFindsIdeographs refuses.
    const others = [...'，。、：；！？（）ＡＢｃ１２３ABCabc123 ㎡é', '\u0301', '\u3099', '\ufe00', '\u200b', '\u00ad', 'ﬁ', 'Ⅻ', '①', '\uff61'];
    let checked = 0;
    for (let n = 0; n < 20_000; n++) {
      const text = Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => (rnd() < 0.6 ? pick(ideographs) : pick(others))).join('');
      expect(rawFindsIdeographs(text)).toBe(true);
      const term = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(ideographs)).join('');
      expect(text.includes(term)).toBe(normalizeText(text).includes(term));
      checked += text.includes(term) ? 1 : 0;
    }
    expect(checked).toBeGreaterThan(1000);
  });
});

describe('normalisesCharByChar and rawSpellings: terms with punctuation checked on the raw text', () => {
  it('lists every raw form of a character that is neither a letter nor a digit (all code points)', () => {
    const missed: string[] = [];
    for (let c = 0; c <= 0x10ffff; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const ch = String.fromCodePoint(c);
      const n = normalizeText(ch);
      if ([...n].length !== 1 || /[\p{L}\p{N}]/u.test(n) || !rawFindsIdeographs(ch)) continue;
      const spellings = rawSpellings(n, 64);
      if (spellings && !spellings.includes(ch)) missed.push(c.toString(16));
    }
    expect(missed).toEqual([]);
    expect(new Set(rawSpellings('年,'))).toEqual(new Set(['年,', '年，', '年﹐', '年︐']));
    expect(new Set(rawSpellings('。'))).toEqual(new Set(['。', '｡', '︒']));
    // Letters and digits have too many raw forms; so do long runs of punctuation.
    expect(rawSpellings('a年')).toBeNull();
    expect(rawSpellings('1#')).toBeNull();
    expect(rawSpellings(',,,')).toBeNull();
  });

  it('a text it passes holds a term after normalisation exactly when it holds one of the raw spellings', () => {
    const rnd = mulberry32(41);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
    const ideographs = [...'年号小区道路'];
    const punctuation = [...',，﹐︐.。｡．#＃-－()（）'];
    const others = [...'AbＣ１2 ㎡℃é…', '\u0301', '\ufe00', '①'];
    let passed = 0;
    let found = 0;
    for (let n = 0; n < 20_000; n++) {
      const text = Array.from({ length: 1 + Math.floor(rnd() * 14) }, () => {
        const r = rnd();
        return r < 0.5 ? pick(ideographs) : r < 0.9 ? pick(punctuation) : pick(others);
      }).join('');
      const term = normalizeText(Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => (rnd() < 0.5 ? pick(ideographs) : pick(punctuation))).join(''));
      const spellings = rawSpellings(term);
      if (!normalisesCharByChar(text) || !spellings) continue;
      passed++;
      const inNormalised = normalizeText(text).includes(term);
      expect(spellings.some((x) => text.includes(x)), `${JSON.stringify(text)} ${JSON.stringify(term)}`).toBe(inNormalised);
      if (inNormalised) found++;
    }
    expect(passed).toBeGreaterThan(3000);
    expect(found).toBeGreaterThan(500);
    // What it refuses: a character that normalises to more than one (㎡ → m2, ℃ → °c, … → ...), a composing mark.
    for (const t of ['50㎡', '18℃', '等等…', 'e\u0301', '⾳乐']) expect(normalisesCharByChar(t)).toBe(false);
    expect(normalisesCharByChar('小区，３号楼（东）“12#”。ABC')).toBe(true);
  });

  it('MAPPED_ONE_TO_ONE: every character it takes normalises to one character on its own, and texts of them character by character', () => {
    const sample = '\t\n\r !"#$%&\'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~·—‘’“”\u3000、。〃〈〉《》「」『』【】〔〕〖〗〘〙〚〛〜〝〞〟年一龥㐀！＂＃＄％＆＇（）＊＋，－．／０９：；＜＝＞？＠ＡＺ［＼］＾＿｀ａｚ｛｜｝～';
    for (const ch of sample) expect([...normalizeText(ch)].length, ch).toBe(1);
    const rnd = mulberry32(43);
    const chars = [...sample];
    for (let n = 0; n < 2000; n++) {
      const text = Array.from({ length: 20 }, () => chars[Math.floor(rnd() * chars.length)]!).join('');
      expect(normalizeText(text)).toBe([...text].map(normalizeText).join(''));
      expect(normalisesCharByChar(text)).toBe(true);
    }
  });
});
