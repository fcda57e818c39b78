/**
 * The patched sip.js grammar (build/patch-sipjs.mjs: tables built once at load) behaves exactly like
 * the pristine one: same parse results (strict deep-equal, including the side data sip.js reads from
 * `options.data`), same failures (error class name, message, expected set, found, location) on a
 * corpus of real messages, header values for every start rule, malformed input and a seeded fuzz set.
 * Calls to the two files are interleaved, so state leaking from one call into the next would show.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Core } from 'sip.js';
import { HEADER_VALUES, MALFORMED, MALFORMED_MESSAGES, MESSAGES, fuzzCorpus } from './corpus';
import { loadGrammars, patchScript, restoreGrammar, useGrammar, type Grammars, type PegModule } from './grammars';

type Outcome =
  | { ok: true; result: unknown; data: unknown }
  | { ok: false; error: { name: string; message: string; expected?: unknown; found?: unknown; location?: unknown }; data: unknown };

function run(peg: PegModule, input: string, startRule?: string): Outcome {
  const options: { startRule?: string; data?: unknown } = startRule === undefined ? {} : { startRule };
  try {
    const result = peg.parse(input, options);
    return { ok: true, result, data: options.data };
  } catch (e) {
    const err = e as Error & { expected?: unknown; found?: unknown; location?: unknown };
    return { ok: false, error: { name: err.name, message: err.message, expected: err.expected, found: err.found, location: err.location }, data: options.data };
  }
}

let g: Grammars;
beforeAll(async () => {
  g = await loadGrammars();
});
afterEach(() => restoreGrammar());

describe('the patch itself', () => {
  it('is pinned: the installed file is the patch of the pristine copy, and the two files differ', async () => {
    const script = await patchScript();
    const { readFileSync } = await import('node:fs');
    const original = readFileSync(g.files.original, 'utf8');
    const patched = readFileSync(g.files.patched, 'utf8');
    expect(g.sipjsVersion).toBe(script.EXPECTED_VERSION);
    expect(script.patchGrammarSource(original)).toBe(patched);
    expect(patched).not.toBe(original);
    expect(g.original.parse).not.toBe(g.patched.parse);
  });

  it('no longer builds the tables inside peg$parse', async () => {
    const { readFileSync } = await import('node:fs');
    const body = (file: string) => readFileSync(file, 'utf8').split('function peg$parse(')[1]!;
    expect(body(g.files.original)).toContain('peg$decode(');
    expect(body(g.files.patched)).not.toContain('peg$decode(');
    expect(body(g.files.patched)).not.toContain('const peg$consts');
  });
});

describe('grammar start rules: original vs patched', () => {
  const cases = Object.entries(HEADER_VALUES).flatMap(([rule, values]) => values.map((v) => [rule, v] as const));

  it.each(cases)('%s: %s', (rule, value) => {
    const a = run(g.original, value, rule);
    const b = run(g.patched, value, rule);
    expect(b).toStrictEqual(a);
  });

  it('covers every start rule the grammar exports, with a success for each', () => {
    const succeeded = new Set(cases.filter(([rule, v]) => run(g.patched, v, rule).ok).map(([rule]) => rule));
    const rules = Object.keys(HEADER_VALUES);
    expect(rules.length).toBeGreaterThanOrEqual(34);
    for (const rule of rules) expect(succeeded, rule).toContain(rule);
  });

  it.each(MALFORMED)('malformed %s: %j fails identically', (rule, value) => {
    const a = run(g.original, value, rule);
    const b = run(g.patched, value, rule);
    expect(a.ok).toBe(false);
    expect(b).toStrictEqual(a);
  });

  it('the default start rule and unknown start rules behave the same', () => {
    for (const [input, rule] of [['<sip:a@b>', undefined], ['sip:a@b', 'NoSuchRule'], ['sip:a@b', 'toString'], ['sip:a@b', '']] as const) {
      expect(run(g.patched, input, rule), `${input} / ${rule}`).toStrictEqual(run(g.original, input, rule));
    }
  });

  it('a seeded fuzz corpus of 3000 mutated header values gives identical outcomes', () => {
    let failures = 0;
    for (const [rule, value] of fuzzCorpus(3000)) {
      const a = run(g.original, value, rule);
      const b = run(g.patched, value, rule);
      if (!a.ok) failures++;
      expect(b, `${rule}: ${JSON.stringify(value)}`).toStrictEqual(a);
    }
    // Both outcomes are exercised.
    expect(failures).toBeGreaterThan(300);
    expect(failures).toBeLessThan(2700);
  });

  it('keeps no state between calls: a parse after a failure equals a parse in a fresh module', () => {
    const sequence = [...MALFORMED.slice(0, 8), ...Object.entries(HEADER_VALUES).map(([r, v]) => [r, v[0]!] as [string, string])];
    const fresh = sequence.map(([rule, value]) => run(g.original, value, rule));
    for (let round = 0; round < 3; round++) {
      sequence.forEach(([rule, value], i) => expect(run(g.patched, value, rule)).toStrictEqual(fresh[i]));
    }
  });

  it('is re-entrant: a parse started from inside another parse leaves the outer one intact', () => {
    // `options.startRule` is read after the parser state is initialised; a getter can parse again there.
    const reentrant = (peg: PegModule) => {
      let inner: Outcome | undefined;
      const options = {
        get startRule() {
          inner ??= run(peg, 'SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bKinner', 'Via');
          return 'From';
        },
        data: undefined as unknown,
      };
      const result = peg.parse('"张三" <sip:13912345678@hotline.test>;tag=outer', options);
      return { result, data: options.data, inner };
    };
    const a = reentrant(g.original);
    const b = reentrant(g.patched);
    expect(b).toStrictEqual(a);
    expect(b.inner?.ok).toBe(true);
  });
});

describe('whole messages through sip.js (Core.Parser + parseHeader): original vs patched', () => {
  const factory = new Core.LoggerFactory();
  factory.level = Core.Levels.error; // sip.js warns about every malformed message
  const logger = factory.getLogger('equivalence');

  /** What sip.js makes of a message: the parsed message object plus every header parsed on demand. */
  const digest = (text: string) => {
    const message = Core.Parser.parseMessage(text, logger);
    if (!message) return { message: undefined, headers: undefined };
    const headers: Record<string, unknown[]> = {};
    for (const name of Object.keys(message.headers)) {
      const count = message.getHeaders(name).length;
      headers[name] = Array.from({ length: count }, (_, i) => message.parseHeader(name, i));
    }
    return { message, headers };
  };

  const both = async (text: string) => {
    const original = await useGrammar('original');
    const a = digest(text);
    const viaOriginal = original.calls;
    const patched = await useGrammar('patched');
    const b = digest(text);
    return { a, b, viaOriginal, viaPatched: patched.calls };
  };

  it.each(Object.entries(MESSAGES))('%s', async (_name, text) => {
    const { a, b, viaOriginal, viaPatched } = await both(text);
    expect(a.message, 'sip.js accepts the message').toBeDefined();
    expect(viaOriginal).toBeGreaterThan(3);
    expect(viaPatched).toBe(viaOriginal);
    expect(b).toStrictEqual(a);
  });

  it.each(MALFORMED_MESSAGES.map((m) => [JSON.stringify(m.slice(0, 60)), m]))('malformed message %s', async (_name, text) => {
    const { a, b } = await both(text);
    expect(b).toStrictEqual(a);
  });

  it('URIParse and nameAddrHeaderParse agree', async () => {
    const { Grammar } = await import('sip.js');
    const inputs = [...HEADER_VALUES['SIP_URI']!, ...HEADER_VALUES['Name_Addr_Header']!, 'sip:', '<sip:a@b', '"张三" <sip:a@b>'];
    await useGrammar('original');
    const a = inputs.map((s) => [Grammar.URIParse(s), Grammar.nameAddrHeaderParse(s)]);
    await useGrammar('patched');
    const b = inputs.map((s) => [Grammar.URIParse(s), Grammar.nameAddrHeaderParse(s)]);
    expect(b).toStrictEqual(a);
  });
});
