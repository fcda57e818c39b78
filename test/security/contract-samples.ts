import { z } from 'zod';

/**
 * Inputs derived from a contract schema, not kept by hand: the schema is turned into JSON Schema
 * (z.toJSONSchema) and walked. `sample` builds an input the schema should accept (so the access
 * check and the handler are reached); `mutations` derives malformed inputs from it, one fault each.
 */
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  enum?: Json[];
  const?: Json;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: Json;
}

export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

const UUID = '01900000-0000-7000-8000-00000000abcd';
/** Strings tried against a field's pattern and format, first fit wins; they cover the contract's shapes. */
const STRING_CANDIDATES = [
  UUID, '2026-01-02', '2026-01-02T03:04:05.000Z', '2026-01', '09:30', '110101', '1001', 'abc', 'a_b', 'key.one:two-3',
  'wss://pbx.example/ws', 'sip:1001@pbx.example', 'a@example.com', 'A1b2', '123#', 'abcd', '张三丰测试文本内容足够长',
  // A session token: 32 random bytes in base64url.
  'A'.repeat(43),
];

function patternsOf(s: JsonSchema): RegExp[] {
  const out: RegExp[] = [];
  const add = (p?: string) => {
    if (p) out.push(new RegExp(p, 'u'));
  };
  add(s.pattern);
  for (const sub of s.allOf ?? []) add(sub.pattern);
  return out;
}

function fitsString(v: string, s: JsonSchema): boolean {
  const len = [...v].length;
  if (s.minLength !== undefined && len < s.minLength) return false;
  if (s.maxLength !== undefined && len > s.maxLength) return false;
  if (s.format === 'uuid' && !/^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(v)) return false;
  if (s.format === 'date-time' && Number.isNaN(Date.parse(v))) return false;
  if (s.format === 'date-time' && !v.includes('T')) return false;
  if (s.format === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  if (s.format === 'email' && !v.includes('@')) return false;
  return patternsOf(s).every((re) => re.test(v));
}

function typeOf(s: JsonSchema): string | undefined {
  return Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
}

/** A value the schema accepts, as far as JSON Schema can tell (refinements are checked by zod afterwards). */
export function sample(s: JsonSchema, depth = 0): Json {
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0]!;
  const alt = s.anyOf ?? s.oneOf;
  if (alt) return sample(alt.find((a) => a.type !== 'null') ?? alt[0]!, depth + 1);
  switch (typeOf(s)) {
    case 'object': {
      const out: Record<string, Json> = {};
      for (const k of s.required ?? []) out[k] = sample(s.properties?.[k] ?? {}, depth + 1);
      return out;
    }
    case 'array': {
      const n = s.minItems ?? 0;
      return Array.from({ length: Math.max(n, s.prefixItems?.length ?? 0) }, (_v, i) => sample(s.prefixItems?.[i] ?? s.items ?? {}, depth + 1));
    }
    case 'string': {
      const fit = STRING_CANDIDATES.find((c) => fitsString(c, s));
      if (fit) return fit;
      const min = s.minLength ?? 0;
      return '测'.repeat(Math.max(min, 1)).slice(0, s.maxLength ?? 1000);
    }
    case 'integer':
    case 'number': {
      if (s.minimum !== undefined) return s.minimum;
      if (s.exclusiveMinimum !== undefined) return s.exclusiveMinimum + 1;
      return s.maximum !== undefined ? Math.min(0, s.maximum) : 0;
    }
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return {};
  }
}

export interface Mutation { label: string; input: unknown }

const DEEP = (() => {
  let v: unknown = 'bottom';
  for (let i = 0; i < 5000; i++) v = [v];
  return v;
})();
const JUNK_STRINGS: [string, string][] = [
  ['lone surrogate', 'a\uD800b'], ['NUL and RLO', '\u0000\u202E\u0000'], ['zero-width only', '\u200B\u200B\u200B\u200B'],
  ['astral CJK', '𠮷'.repeat(40)], ['SQL', "' OR 1=1; DROP TABLE tickets; --"], ['LIKE wildcards', '%_%\\'], ['FTS syntax', '"a" NEAR(b) OR c*'],
  ['HTML', '<img src=x onerror=alert(1)>'], ['path', '../../../../etc/passwd'], ['huge', 'x'.repeat(100_000)], ['huge CJK', '测'.repeat(50_000)],
  ['empty', ''], ['spaces', '   '], ['proto', '__proto__'],
];
const WRONG_TYPES: [string, unknown][] = [
  ['null', null], ['number', 12345], ['float', 1.5], ['negative', -1], ['huge number', 1e308], ['unsafe integer', 2 ** 53 + 1],
  ['Infinity', Infinity], ['NaN', NaN], ['-0', -0], ['boolean', true], ['string', 'x'], ['array', []], ['object', {}],
  ['deep nesting', DEEP], ['array of junk', Array.from({ length: 10_000 }, (_v, i) => i)],
];

function withPollution(base: unknown): unknown[] {
  const b = base && typeof base === 'object' && !Array.isArray(base) ? (base as Record<string, unknown>) : {};
  return [
    JSON.parse(`{"__proto__":{"polluted":true,"isAdmin":true},${JSON.stringify(b).slice(1)}`.replace(/,}$/, '}')),
    { ...b, constructor: { prototype: { polluted: true } } },
    { ...b, prototype: { polluted: true } },
    Object.assign(Object.create(null) as object, b, { toString: 'x', valueOf: 1, hasOwnProperty: 2 }),
  ];
}

function setPath(base: unknown, path: (string | number)[], value: unknown, remove = false): unknown {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let cur = copy;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (remove) delete cur[last];
  else cur[last] = value;
  return copy;
}

/** Paths of the sample's fields (objects and first array items), with their JSON Schema. */
function fields(s: JsonSchema, value: unknown, path: (string | number)[] = [], out: { path: (string | number)[]; schema: JsonSchema }[] = []) {
  const alt = s.anyOf ?? s.oneOf;
  if (alt) {
    const branch = alt.find((a) => a.type !== 'null') ?? alt[0]!;
    return fields(branch, value, path, out);
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, sub] of Object.entries(s.properties ?? {})) {
      const child = (value as Record<string, unknown>)[k];
      out.push({ path: [...path, k], schema: sub });
      if (child !== undefined) fields(sub, child, [...path, k], out);
    }
  } else if (Array.isArray(value) && value.length > 0 && s.items) {
    out.push({ path: [...path, 0], schema: s.items });
    fields(s.items, value[0], [...path, 0], out);
  }
  return out;
}

/** Malformed inputs for one request, each with one fault, labelled for the failure message. */
export function mutations(s: JsonSchema, base: unknown): Mutation[] {
  const out: Mutation[] = [];
  for (const [label, v] of WRONG_TYPES) out.push({ label: `input is ${label}`, input: v });
  out.push({ label: 'input is a string', input: 'app.info' });
  out.push({ label: 'unknown field', input: { ...(base as object), definitelyNotAField: 1 } });
  for (const [i, p] of withPollution(base).entries()) out.push({ label: `prototype keys #${i}`, input: p });
  for (const f of fields(s, base)) {
    const where = f.path.join('.');
    const t = typeOf(f.schema);
    out.push({ label: `${where} missing`, input: setPath(base, f.path, undefined, true) });
    for (const [label, v] of WRONG_TYPES) out.push({ label: `${where} = ${label}`, input: setPath(base, f.path, v) });
    if (t === 'string' || f.schema.enum || f.schema.anyOf) {
      for (const [label, v] of JUNK_STRINGS) out.push({ label: `${where} = ${label} string`, input: setPath(base, f.path, v) });
    }
    if (t === 'integer' || t === 'number') {
      if (f.schema.minimum !== undefined) out.push({ label: `${where} below minimum`, input: setPath(base, f.path, f.schema.minimum - 1) });
      if (f.schema.maximum !== undefined) out.push({ label: `${where} above maximum`, input: setPath(base, f.path, f.schema.maximum + 1) });
    }
    if (t === 'object') {
      out.push({ label: `${where} with prototype keys`, input: setPath(base, f.path, JSON.parse('{"__proto__":{"polluted":true}}')) });
    }
  }
  return out;
}
