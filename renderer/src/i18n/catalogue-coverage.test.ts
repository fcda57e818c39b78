import { describe, expect, it } from 'vitest';
import i18next from 'i18next';
import { errorCodes, sessionEndReasons } from '../../../shared/contract';
import { errorMessage } from '.';
import { hasProblemMessage, problemMessage } from './problems';

// Main's sources as text: every refusal it can send is checked against the catalogue, so a code
// added later without a Chinese sentence fails here instead of reaching a user as a generic
// 格式不正确 (or as the wrong sentence: an unknown reason falls back to its code's message).
const electron = import.meta.glob<string>(['../../../electron/**/*.ts', '!../../../electron/**/*.test.ts'], { query: '?raw', import: 'default', eager: true });
const shared = import.meta.glob<string>(['../../../shared/**/*.ts', '!../../../shared/**/*.test.ts'], { query: '?raw', import: 'default', eager: true });
const file = (files: Record<string, string>, tail: string): string => {
  const hit = Object.entries(files).find(([p]) => p.endsWith(tail));
  if (!hit) throw new Error(`source not found: ${tail}`);
  return hit[1];
};
/** The string literals of a union type `export type Name = | 'a' | "b" ...;` (or of `code: '…'` members). */
const unionOf = (text: string, name: string, member = /['"]([A-Za-z_]+)['"]/g): string[] => {
  const m = new RegExp(`export type ${name} =([\\s\\S]*?);\\n`).exec(text);
  if (!m) throw new Error(`type not found: ${name}`);
  return [...m[1]!.matchAll(member)].map((x) => x[1]!);
};
const all = (files: Record<string, string>, re: RegExp): string[] => Object.values(files).flatMap((text) => [...text.matchAll(re)].map((m) => m[1]!));

/** Every `details.reason` main can send, literal or built from a code of a domain module. */
function reasonsSent(): Set<string> {
  const out = new Set<string>(all(electron, /fail\([^;]*?reason: '([a-z0-9_]+)'/g));
  const lifecycle = file(shared, 'domain/ticket-lifecycle.ts');
  for (const c of unionOf(lifecycle, 'TicketError', /code: '([a-z_]+)'/g)) if (c !== 'forbidden' && c !== 'wrong_department') out.add(`ticket_${c}`);
  out.add('ticket_forbidden'); out.add('ticket_wrong_department');
  for (const c of unionOf(file(shared, 'domain/agent-state.ts'), 'AgentStateError')) out.add(`agent_${c}`);
  for (const c of unionOf(file(electron, 'sip/types.ts'), 'SoftphoneErrorCode')) out.add(`phone_${c.toLowerCase()}`);
  for (const c of unionOf(file(electron, 'search/query.ts'), 'SearchErrorCode')) out.add(`search_${c}`);
  for (const c of sessionEndReasons) out.add(`session_${c}`);
  for (const c of unionOf(file(electron, 'jobs/xlsx-stream.ts'), 'SheetRefusal')) out.add(c);
  return out;
}

/** Every issue `problem` main can send: its own checks, the text refinements, zod's codes, phone and calendar checks. */
function problemsSent(): Set<string> {
  // xlsx-io's problems are of rows in a sheet, not of fields: checked below against the import table.
  // ws-binding's problems are of malformed frames, which the console's own transport never sends.
  const fieldChecks = Object.fromEntries(Object.entries(electron).filter(([p]) => !p.endsWith('services/xlsx-io.ts') && !p.endsWith('host/ws-binding.ts')));
  const out = new Set<string>(all(fieldChecks, /problem: '([a-z0-9_]+)'/g));
  for (const c of all(shared, /\{ message: '([a-z0-9_]+)' \}/g)) out.add(c);
  // zod 4 issue codes, as the dispatcher passes them on.
  for (const c of ['invalid_type', 'too_big', 'too_small', 'invalid_format', 'not_multiple_of', 'unrecognized_keys', 'invalid_union', 'invalid_key', 'invalid_element', 'invalid_value', 'custom']) out.add(c);
  for (const c of all({ p: file(shared, 'domain/phone.ts') }, /error: '([a-z_]+)'/g)) out.add(`phone_${c}`);
  for (const c of unionOf(file(shared, 'domain/working-days.ts'), 'CalendarIssue', /code: '([a-z_]+)'/g)) out.add(c);
  for (const c of unionOf(file(electron, 'jobs/xlsx-stream.ts'), 'SheetRefusal')) out.add(c);
  return out;
}

describe('every refusal main can send has a Chinese sentence', () => {
  it('names each error code', () => {
    const missing = errorCodes.filter((c) => !i18next.exists(`errors.${c}`));
    expect(missing).toEqual([]);
  });

  it('names each reason main gives, including today\'s (password, Excel, consultation stages)', () => {
    const reasons = reasonsSent();
    // The scan must find the well-known ones, or it proves nothing.
    expect([...reasons]).toEqual(expect.arrayContaining(['consultation_stage_follows_work', 'xlsx_too_many_rows', 'not_xlsx',
      'ticket_invalid_transition', 'search_timeout', 'phone_not_registered', 'agent_wrap_up_required', 'session_password_reset', 'duty_wrong_desk']));
    const missing = [...reasons].filter((r) => !i18next.exists(`errors.${r}`));
    expect(missing).toEqual([]);
  });

  it('names each problem a field can have, rather than a generic 格式不正确', () => {
    const problems = problemsSent();
    expect([...problems]).toEqual(expect.arrayContaining(['no_content', 'hidden_characters', 'bad_file_name', 'not_base64', 'unknown', 'retired', 'other_year',
      'phone_unrecognised', 'invalid_value', 'too_small', 'department_role_required', 'xlsx_damaged', 'no_shift']));
    const missing = [...problems].filter((p) => !hasProblemMessage(p));
    expect(missing).toEqual([]);
  });

  it('names each problem of an imported row, and each column, in the import report', () => {
    const io = file(electron, 'services/xlsx-io.ts');
    const problems = new Set([...io.matchAll(/problem: ('[a-z_]+')/g), ...io.matchAll(/bad\(rowNo, '[a-zA-Z]+', ([^)]*)\)/g)].flatMap((m) => [...m[1]!.matchAll(/'([a-z_]+)'/g)].map((x) => x[1]!)));
    expect([...problems]).toEqual(expect.arrayContaining(['column_missing', 'bad_time', 'too_short', 'duplicate_number']));
    expect([...problems].filter((p) => !i18next.exists(`importExport.problems.${p}`))).toEqual([]);
    const fields = [...io.matchAll(/bad\(rowNo, '([a-zA-Z]+)'/g)].map((m) => m[1]!);
    expect(fields.length).toBeGreaterThan(5);
    expect(fields.filter((f) => !i18next.exists(`importExport.fields.${f}`))).toEqual([]);
  });

  it('says what is wrong with the field the issue names', () => {
    expect(problemMessage('invalid_value', 'attachments.0.mime')).toContain('不支持的文件类型');
    expect(problemMessage('invalid_format', 'username')).toContain('字母、数字');
    expect(problemMessage('hidden_characters', 'title')).toContain('不可见字符');
    expect(problemMessage('something_new')).toBe('格式不正确');
  });

  it('puts the first field\'s problem into the message instead of "check the red fields"', () => {
    expect(errorMessage({ code: 'invalid_input', issues: [{ path: 'reason', problem: 'hidden_characters' }] })).toBe('输入有误：含有不可见字符或文字方向控制符，请删除后重新输入（可从记事本中转贴）');
    // A reason still wins: it is the more specific sentence.
    expect(errorMessage({ code: 'invalid_input', issues: [{ path: 'base64', problem: 'xlsx_damaged' }], details: { reason: 'xlsx_damaged' } })).toContain('文件已损坏');
    expect(errorMessage({ code: 'invalid_input' })).toBe('输入有误，请检查标红的字段。');
  });
});
