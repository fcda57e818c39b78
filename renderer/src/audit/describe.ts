import type { TFunction } from 'i18next';

/** An audit line as the audit log and an item's timeline read it. */
export interface AuditLike { action: string; data: Record<string, unknown> }

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '');
const num = (v: unknown) => (typeof v === 'number' ? v : null);

/** The Chinese name of an audit action; an action the catalogue lacks shows as itself rather than vanish. */
export function auditActionName(t: TFunction, action: string): string {
  const [area, rest] = [action.slice(0, action.indexOf('.')), action.slice(action.indexOf('.') + 1)];
  if (area === 'ticket' && rest !== 'registered') {
    const name = t(`ticket.actions.${rest}`, { defaultValue: '' });
    if (name) return t('auditLog.ticketAction', { action: name });
  }
  return t(`auditLog.actions.${action}`, { defaultValue: action });
}

/** Is there a catalogue entry for this action (ticket workflow actions are named by the ticket catalogue)? */
export function hasAuditActionName(t: TFunction, action: string): boolean {
  return auditActionName(t, action) !== action;
}

/** "办理时限 · 投诉 普通：15 → 13 个工作日" from the policy's change line "reply.normal.complaint: 15 → 13". */
function deadlineChange(t: TFunction, line: string): string {
  const m = /^([\w.]+): (\S+) → (\S+)$/.exec(line);
  if (!m) return line;
  const [kind, urgency, type] = m[1]!.split('.');
  const value = (v: string) => (/^\d+$/.test(v) ? t('auditLog.workingDays', { n: v }) : v);
  const what = kind === 'sign'
    ? t('auditLog.deadlineSign', { urgency: t(`intake.urgencies.${urgency}`) })
    : t('auditLog.deadlineReply', { type: t(`appealTypes.${type}`, { defaultValue: type ?? '' }), urgency: t(`intake.urgencies.${urgency}`) });
  const [from, to] = [m[2]!, m[3]!];
  if (/^\d+$/.test(from) && /^\d+$/.test(to)) return `${what}：${from} → ${t('auditLog.workingDays', { n: to })}`;
  return `${what}：${value(from)} → ${value(to)}`;
}

const roleList = (t: TFunction, v: unknown) => (Array.isArray(v) ? v.map((r) => t(`roles.${String(r)}`, { defaultValue: String(r) })).join('、') : '');

/**
 * What changed, in words a person reads: one line per change. Fields the catalogue does not
 * know are left to the raw detail (shown on demand), not guessed at here.
 */
export function auditChanges(t: TFunction, e: AuditLike): string[] {
  const d = e.data;
  const L = (key: string, opts: Record<string, unknown> = {}) => t(`auditLog.changes.${key}`, opts);
  switch (e.action) {
    case 'deadlines.policy_set': return Array.isArray(d.changes) ? d.changes.map((c) => deadlineChange(t, String(c))) : [];
    case 'user.created': return [L('user', { username: str(d.username), roles: roleList(t, d.roles) })];
    case 'user.roles_changed': return [L('roles', { from: roleList(t, d.from), to: roleList(t, d.to) })];
    case 'user.locked': return [L('locked', { minutes: str(d.minutes) })];
    case 'session.login_failed': return [L('loginFailed', { reason: t(`auditLog.loginFailures.${str(d.reason)}`, { defaultValue: str(d.reason) }), username: str(d.username) })];
    case 'calendar.year_set': return [L('calendar', { holidays: num(d.holidays) ?? 0, workdays: num(d.workdays) ?? 0 })];
    case 'divisions.imported': return [L('divisions', { city: str(d.city), rows: num(d.rows) ?? 0, retired: num(d.retired) ?? 0, removed: num(d.removed) ?? 0 })];
    case 'tickets.exported': return [L('exported', { rows: num(d.rows) ?? 0 })];
    case 'tickets.imported': return [L('imported', { rows: num(d.rows) ?? 0 })];
    case 'ticket.registered': return [L('registered', { number: str(d.number), type: t(`appealTypes.${str(d.appealType)}`, { defaultValue: str(d.appealType) }) })];
    case 'knowledge.created': case 'knowledge.updated': case 'script.saved': return d.title ? [L('titled', { title: str(d.title) })] : [];
    case 'duty.swapped': return [L('swapped', { date: str(d.date) })];
    case 'sip.account_set': return [L('sip', { aor: str(d.aor) })];
    case 'seat.lead_action': return [L('seatLeadAction', { action: t(`wallboard.seats.actions.${str(d.action)}`, { defaultValue: str(d.action) }), note: str(d.note) })];
    default: break;
  }
  if (e.action.startsWith('ticket.') && typeof d.to === 'string') {
    const status = (s: unknown) => t(`statuses.${str(s)}`, { defaultValue: str(s) });
    return [d.from ? `${status(d.from)} → ${status(d.to)}` : status(d.to)];
  }
  if (e.action.startsWith('consultation.')) return consultationChanges(t, e);
  return [];
}

function consultationChanges(t: TFunction, e: AuditLike): string[] {
  const d = e.data;
  const out: string[] = [];
  if (d.number) out.push(str(d.number));
  switch (e.action) {
    case 'consultation.escalated':
      out.push(`${t(`consultation.routes.${str(d.route)}`)} · ${t(`consultation.urgencies.${str(d.urgency)}`)}`);
      break;
    case 'consultation.measure_added':
      if (d.content) out.push(str(d.content));
      if (d.deadline) out.push(t('auditLog.changes.measureDeadline', { date: str(d.deadline) }));
      break;
    case 'consultation.measure_updated':
      if (d.content) out.push(str(d.content));
      out.push(`${t(`consultation.measureStatuses.${str(d.from)}`)} → ${t(`consultation.measureStatuses.${str(d.to)}`)}`);
      break;
    case 'consultation.report_saved': if (d.title) out.push(`《${str(d.title)}》`); break;
    case 'consultation.instruction_recorded': out.push(t('auditLog.changes.instruction', { leader: str(d.leader), date: str(d.date) })); break;
    case 'consultation.released': if (str(d.reason)) out.push(str(d.reason)); break;
    case 'consultation.closed': if (str(d.note)) out.push(str(d.note)); break;
    case 'consultation.package_set': out.push(`${str(d.leader)} · ${str(d.department)}`); break;
    case 'consultation.advanced': out.push(`${t(`consultation.stages.${str(d.from)}`)} → ${t(`consultation.stages.${str(d.to)}`)}`); break;
    default: break;
  }
  return out;
}
