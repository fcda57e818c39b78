import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACHMENT_MIME_TYPES, base64DecodedBytes, MAX_ATTACHMENT_BYTES, requests, type ContractError, type Result } from '../../shared/contract';
import type { Connection } from '../../electron/rpc/dispatcher';
import { createTestApp, type TestApp } from '../support/app';

let t: TestApp;
const admin: Connection = { id: 'admin-conn', session: null, send: () => {} };
const call = (name: string, input: unknown) => t.app.dispatcher.dispatch(admin, name, input) as Promise<Result<unknown>>;
const refusal = async (name: string, input: unknown): Promise<ContractError> => {
  const r = await call(name, input);
  expect(r.ok, `${name} should be refused`).toBe(false);
  return (r as { ok: false; error: ContractError }).error;
};
const scriptCount = async () => (await t.app.store.db.selectFrom('call_scripts').select('id').execute()).length;

beforeAll(async () => {
  t = await createTestApp();
  t.app.dispatcher.attach(admin);
  expect(await call('setup.createFirstAdmin', { username: 'root', displayName: '管理员', password: 'Sup3r-secret-1' })).toMatchObject({ ok: true });
});
afterAll(async () => { await t.dispose(); });

const script = { stage: 'opening', categoryId: null, title: '开场白（通用）', body: '您好，这里是 12345 热线。', sort: 1 };

describe('scripts.save', () => {
  it('answers an unknown category with invalid_input on categoryId, not internal, and saves nothing', async () => {
    const before = await scriptCount();
    const e = await refusal('scripts.save', { ...script, categoryId: 'no-such-category' });
    expect(e).toEqual({ code: 'invalid_input', issues: [{ path: 'categoryId', problem: 'unknown' }] });
    expect(await scriptCount()).toBe(before);
    expect(await call('scripts.save', script)).toMatchObject({ ok: true, value: { title: '开场白（通用）' } });
  });
});

/** Text that looks like something else, or like nothing, in every name and title field. */
const INVISIBLE = ['\u200B\u200B\u200B\u200B', '\u2060\u2060\u2060\u2060', '\u200C\u200D\u200C\u200D', '\u00AD\u00AD\u00AD\u00AD'];
const REVERSING = ['发票\u202Efdp.exe', '张\u202D三丰', '王\u2066五\u2069六', '李\u200F四五'];

describe('human text in names and titles', () => {
  it('refuses zero-width-only and bidi-control names through the dispatcher, with the reason', async () => {
    for (const title of INVISIBLE) {
      const e = await refusal('scripts.save', { ...script, title });
      expect(e.issues, JSON.stringify(title)).toContainEqual({ path: 'title', problem: 'no_content' });
    }
    for (const title of REVERSING) {
      const e = await refusal('scripts.save', { ...script, title });
      expect(e.issues, JSON.stringify(title)).toContainEqual({ path: 'title', problem: 'hidden_characters' });
    }
    const e = await refusal('users.create', { username: 'agent9', displayName: '坐席\u202E九', password: 'Sup3r-secret-1', roles: ['agent'] });
    expect(e.issues).toContainEqual({ path: 'displayName', problem: 'hidden_characters' });
    expect((await refusal('users.create', { username: 'agent9', displayName: '\u200B', password: 'Sup3r-secret-1', roles: ['agent'] })).issues)
      .toContainEqual({ path: 'displayName', problem: 'no_content' });
  });

  it('keeps ordinary Chinese, mixed-script and multi-line text', async () => {
    expect(await call('scripts.save', { ...script, title: '核实身份 ID-2 （带括号）', body: '第一行\n第二行\t制表' })).toMatchObject({ ok: true });
    expect(await call('users.create', { username: 'agent8', displayName: '阿依古丽·买买提', password: 'Sup3r-secret-1', roles: ['agent'] })).toMatchObject({ ok: true });
  });

  // Every name/title field of the contract, checked at the schema: a valid input, the field, and where it sits.
  const id = '01900000-0000-7000-8000-000000000000';
  const fields: [string, Record<string, unknown>, string[]][] = [
    ['setup.createFirstAdmin', { username: 'root2', displayName: '管理员', password: 'x' }, ['displayName']],
    ['users.create', { username: 'u1', displayName: '张三', password: 'x', roles: ['agent'] }, ['displayName']],
    ['sip.setAccount', { userId: id, wsUrl: 'wss://pbx.example/ws', aor: 'sip:1001@pbx.example', authUser: '1001', displayName: '一号席' }, ['displayName']],
    ['knowledge.save', { title: '居住证办理', body: '携带身份证到派出所办理。', categoryId: null, source: '市公安局', validFrom: '2026-01-01', validUntil: null }, ['title', 'source']],
    ['scripts.save', script, ['title']],
    ['tickets.create', { channel: 'phone', citizen: { name: '张三', confidential: false }, appealType: 'complaint', categoryId: 'c1', urgency: 'normal', title: '夜间施工扰民', content: '小区旁工地每天夜里施工。' }, ['title', 'citizen.name']],
    ['consultation.escalate', { ticketIds: [id], reason: '多次投诉未解决', route: 'studio', urgency: 'normal', title: '夜间施工扰民' }, ['title']],
    ['consultation.saveReport', { itemId: id, title: '关于夜间施工的报告', problem: '施工扰民', suggestions: '加强执法' }, ['title']],
    ['consultation.setPackage', { itemId: id, leader: '王局长', departmentId: 'd1', street: '东城街道', community: '和平社区' }, ['leader', 'street', 'community']],
    ['consultation.recordInstruction', { itemId: id, leader: '李市长', date: '2026-01-01', text: '请尽快解决' }, ['leader']],
    ['phone.setConfig', { notReadyReasons: [{ code: 'rest', label: '休息' }], wrapUpCodes: [{ code: 'done', label: '已办结' }], acwSeconds: 30 }, ['notReadyReasons.0.label']],
  ];
  const setAt = (obj: Record<string, unknown>, path: string, value: string): Record<string, unknown> => {
    const copy = structuredClone(obj);
    const keys = path.split('.');
    let cur: Record<string, unknown> = copy;
    for (const k of keys.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
    cur[keys.at(-1)!] = value;
    return copy;
  };
  for (const [name, valid, paths] of fields) {
    it(`${name}: ${paths.join(', ')} refuse invisible and reversing text`, () => {
      const schema = requests[name as keyof typeof requests].input;
      expect(schema.safeParse(valid).success, `${name} valid input`).toBe(true);
      for (const path of paths) {
        for (const bad of [...INVISIBLE, ...REVERSING]) {
          const r = schema.safeParse(setAt(valid, path, bad));
          expect(r.success, `${name}.${path} = ${JSON.stringify(bad)}`).toBe(false);
          expect(r.error!.issues.map((i) => i.path.join('.')), `${name}.${path}`).toContain(path);
        }
      }
    });
  }
});

describe('consultation attachments', () => {
  const research = requests['consultation.addResearch'].input;
  const base = { itemId: '01900000-0000-7000-8000-000000000000', method: 'site_visit', date: '2026-01-01', summary: '现场查看了施工点位。' };
  const withFile = (file: Record<string, unknown>) => research.safeParse({ ...base, attachments: [{ name: '现场照片.jpg', mime: 'image/jpeg', base64: Buffer.from('photo').toString('base64'), ...file }] });
  const problemAt = (file: Record<string, unknown>) => {
    const r = withFile(file);
    expect(r.success, JSON.stringify(file).slice(0, 80)).toBe(false);
    return r.error!.issues.map((i) => i.path.join('.'));
  };

  it('accepts the listed types, in any letter case, and a file of exactly 4 MB', () => {
    for (const mime of ATTACHMENT_MIME_TYPES) expect(withFile({ mime }).success, mime).toBe(true);
    expect(withFile({ mime: 'IMAGE/PNG' }).data?.attachments[0]?.mime).toBe('image/png');
    const exact = Buffer.alloc(MAX_ATTACHMENT_BYTES, 7).toString('base64');
    expect(base64DecodedBytes(exact)).toBe(MAX_ATTACHMENT_BYTES);
    expect(withFile({ base64: exact }).success).toBe(true);
  });

  it('refuses types a browser would run or render, and made-up types', () => {
    for (const mime of ['text/html', 'image/svg+xml', 'application/javascript', 'text/javascript', 'application/x-msdownload', 'application/xhtml+xml', '', 'image/jpeg; charset=utf-8', 'x'.repeat(1000)]) {
      expect(problemAt({ mime }), mime).toContain('attachments.0.mime');
    }
  });

  it('refuses base64 that is not base64, and files over 4 MB counted in decoded bytes', () => {
    for (const base64 of ['', 'not base64!!', 'YWJj\nZGVm', 'YWJjZA', 'YW=Jj', '====', '4pyTIMOgIGxhIG1vZGU=====', Buffer.from('x').toString('base64url') + '-_']) {
      expect(problemAt({ base64 }), JSON.stringify(base64)).toContain('attachments.0.base64');
    }
    const over = Buffer.alloc(MAX_ATTACHMENT_BYTES + 1, 7).toString('base64');
    expect(base64DecodedBytes(over)).toBe(MAX_ATTACHMENT_BYTES + 1);
    expect(problemAt({ base64: over })).toContain('attachments.0.base64');
  });

  it('refuses file names with path separators, bidi controls or nothing visible', () => {
    for (const name of ['../../etc/passwd', 'a\\b.txt', '照片\u202Egpj.exe', '\u200B\u200B', '   ', 'a\nb.txt']) {
      expect(problemAt({ name }), JSON.stringify(name)).toContain('attachments.0.name');
    }
  });

  it('is refused by the dispatcher before any handler runs', async () => {
    const r = await call('consultation.addResearch', { ...base, attachments: [{ name: 'x.html', mime: 'text/html', base64: 'PGh0bWw+' }] });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: 'attachments.0.mime' }] } });
  });
});
