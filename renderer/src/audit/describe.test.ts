import { describe, expect, it } from 'vitest';
import i18next from 'i18next';
import { TICKET_ACTION_TYPES } from '../../../shared/domain/ticket-lifecycle';
import { auditActionName, auditChanges, hasAuditActionName } from './describe';

// Every file of main that writes audit lines, as text: the catalogue is checked against the code,
// so an action added later without a Chinese name fails here rather than show as a code.
const sources = import.meta.glob<string>(['../../../electron/**/*.ts', '!../../../electron/**/*.test.ts'], { query: '?raw', import: 'default', eager: true });
function actionsWritten(): Set<string> {
  const out = new Set<string>();
  for (const text of Object.values(sources)) {
    if (!text.includes('writeAudit(')) continue;
    // The action of each audit write: the literals between `action:` and the subject.
    for (const m of text.matchAll(/writeAudit\([\s\S]*?action(?::|,)([\s\S]*?)subjectType/g)) {
      for (const lit of m[1]!.matchAll(/'([a-z_]+\.[a-z_]+)'/g)) out.add(lit[1]!);
    }
    // The consultation service passes its action to one writer that audits it.
    for (const m of text.matchAll(/session, '(consultation\.[a-z_]+)'/g)) out.add(m[1]!);
    // Actions named by a template: the consultation records and the ticket workflow.
    if (text.includes('`consultation.${kind}_added`')) for (const k of ['research', 'meeting', 'feedback']) out.add(`consultation.${k}_added`);
    if (text.includes('`ticket.${e.action}`')) for (const a of TICKET_ACTION_TYPES) out.add(`ticket.${a}`);
  }
  return out;
}

describe('audit log in Chinese', () => {
  const t = i18next.t.bind(i18next);

  it('names every action the code writes', () => {
    const actions = actionsWritten();
    // The scan itself must find the well-known writes, or it proves nothing.
    expect([...actions]).toEqual(expect.arrayContaining(['session.login', 'user.created', 'deadlines.policy_set', 'consultation.research_added', 'ticket.dispatch', 'divisions.imported',
      'user.enabled', 'knowledge.updated', 'consultation.released', 'consultation.closed', 'phone.sign_in', 'duty.swapped']));
    const unnamed = [...actions].filter((a) => !hasAuditActionName(t, a));
    expect(unnamed).toEqual([]);
  });

  it('reads the names a person expects', () => {
    expect(auditActionName(t, 'session.login_failed')).toBe('登录失败');
    expect(auditActionName(t, 'consultation.research_added')).toBe('记录调研');
    expect(auditActionName(t, 'ticket.approveExtension')).toBe('工单批准延期');
    // Unknown actions stay visible as their code.
    expect(auditActionName(t, 'something.new')).toBe('something.new');
  });

  it('turns a deadline change into words', () => {
    expect(auditChanges(t, { action: 'deadlines.policy_set', data: { changes: ['reply.normal.complaint: 15 → 13', 'sign.emergency: 1 → 当日'] } }))
      .toEqual(['办理时限 · 投诉 一般：15 → 13 个工作日', '签收时限 · 特急（当日）：1 个工作日 → 当日']);
  });

  it('reads roles, ticket moves, failed logins and imports', () => {
    expect(auditChanges(t, { action: 'user.roles_changed', data: { from: ['agent'], to: ['agent', 'shift_lead'] } })).toEqual(['角色：话务员 → 话务员、值班长']);
    expect(auditChanges(t, { action: 'ticket.dispatch', data: { from: 'registered', to: 'dispatched' } })).toEqual(['已登记 → 已派单']);
    expect(auditChanges(t, { action: 'session.login_failed', data: { username: 'zhang', reason: 'wrong_password' } })).toEqual(['密码错误 zhang']);
    expect(auditChanges(t, { action: 'divisions.imported', data: { city: '嘉峪关市', rows: 54, retired: 12, removed: 45 } }))
      .toEqual(['嘉峪关市 · 共 54 条；停用 12 个、删除 45 个旧区划']);
    expect(auditChanges(t, { action: 'consultation.measure_updated', data: { number: 'ZX202600001', content: '修复路灯', from: 'planned', to: 'done' } }))
      .toEqual(['ZX202600001', '修复路灯', '未开始 → 已完成']);
  });
});
