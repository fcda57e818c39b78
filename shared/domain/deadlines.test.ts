import { describe, expect, it } from 'vitest';
import chineseDays from 'chinese-days';
import { APPEAL_TYPES, type AppealType } from './appeal';
import { CHINA_CALENDAR_2025_2026 as CAL } from './calendar-cn';
import {
  computeDeadlines, deadlineStatus, DEFAULT_DEADLINE_POLICY, parseDeadlinePolicy, validateDeadlinePolicy, type DeadlinePolicy,
} from './deadlines';
import { chinaDateKey } from './china-time';

// chinese-days' own functions misread dates west of UTC (see calendar-cn.test.ts); consult them only east of it.
const westOfUtc = new Date('2025-06-01T00:00:00Z').getTimezoneOffset() > 0;

const cst = (local: string) => new Date(`${local}+08:00`);
const eod = (day: string) => cst(`${day}T23:59:59`);

type Editable = { sign: Record<string, unknown>; reply: Record<string, Record<string, unknown>> };

/** A deep copy of the default policy with one change, as an admin would save it (possibly wrong). */
function edited(change: (p: Editable) => void): DeadlinePolicy {
  const copy = JSON.parse(JSON.stringify(DEFAULT_DEADLINE_POLICY)) as Editable;
  change(copy);
  return copy as unknown as DeadlinePolicy;
}

describe('DEFAULT_DEADLINE_POLICY', () => {
  it('holds the published numbers for normal tickets', () => {
    const expected: Record<AppealType, number> = {
      consultation: 2, help: 5, complaint: 15, report: 15, suggestion: 15, praise: 5, other: 10,
    };
    for (const t of APPEAL_TYPES) expect(DEFAULT_DEADLINE_POLICY.reply.normal[t], t).toEqual({ kind: 'working_days', days: expected[t] });
    expect(DEFAULT_DEADLINE_POLICY.sign.normal).toEqual({ kind: 'working_days', days: 1 });
  });

  it('is same-day for every emergency', () => {
    expect(DEFAULT_DEADLINE_POLICY.sign.emergency.kind).toBe('same_day');
    for (const t of APPEAL_TYPES) expect(DEFAULT_DEADLINE_POLICY.reply.emergency[t].kind, t).toBe('same_day');
  });

  it('passes its own validation', () => {
    expect(validateDeadlinePolicy(DEFAULT_DEADLINE_POLICY)).toEqual([]);
    expect(parseDeadlinePolicy(DEFAULT_DEADLINE_POLICY)).toEqual({ ok: true, policy: DEFAULT_DEADLINE_POLICY });
  });
});

describe('computeDeadlines', () => {
  it('counts working days over 国庆 2025 for a complaint dispatched on Sep 30', () => {
    const start = cst('2025-09-30T10:00:00');
    const { signBy, replyBy } = computeDeadlines(start, 'complaint', 'normal', DEFAULT_DEADLINE_POLICY, CAL);
    expect(signBy).toEqual(eod('2025-10-09'));
    expect(replyBy).toEqual(eod('2025-10-28'));
    if (!westOfUtc) expect(chinaDateKey(replyBy)).toBe(chineseDays.findWorkday(15, '2025-09-30'));
  });

  it('gives a consultation registered on the Friday before 春节 2026 two working days', () => {
    const { signBy, replyBy } = computeDeadlines(cst('2026-02-13T17:30:00'), 'consultation', 'normal', DEFAULT_DEADLINE_POLICY, CAL);
    expect(signBy).toEqual(eod('2026-02-14'));
    expect(replyBy).toEqual(eod('2026-02-24'));
  });

  it('makes emergencies due the same day, even on a holiday', () => {
    const start = cst('2025-10-03T21:00:00');
    expect(computeDeadlines(start, 'help', 'emergency', DEFAULT_DEADLINE_POLICY, CAL))
      .toEqual({ signBy: eod('2025-10-03'), replyBy: eod('2025-10-03') });
  });

  it('shortens urgent tickets', () => {
    const start = cst('2025-11-03T09:00:00'); // Monday
    expect(computeDeadlines(start, 'help', 'urgent', DEFAULT_DEADLINE_POLICY, CAL))
      .toEqual({ signBy: eod('2025-11-03'), replyBy: eod('2025-11-06') });
  });

  it('follows an edited policy', () => {
    const policy = edited((p) => { p.reply['normal']!['help'] = { kind: 'working_days', days: 10 }; });
    expect(validateDeadlinePolicy(policy)).toEqual([]);
    expect(computeDeadlines(cst('2025-11-03T09:00:00'), 'help', 'normal', policy, CAL).replyBy).toEqual(eod('2025-11-17'));
  });
});

describe('deadlineStatus', () => {
  const deadline = eod('2025-10-10'); // Friday after 国庆

  it('is ok with more than one working day left', () => {
    expect(deadlineStatus(deadline, cst('2025-10-08T10:00:00'), CAL)).toBe('ok'); // holiday; Oct 9 and 10 left
  });

  it('is due_soon on the day before and on the day itself', () => {
    expect(deadlineStatus(deadline, cst('2025-10-09T08:00:00'), CAL)).toBe('due_soon');
    expect(deadlineStatus(deadline, cst('2025-10-10T23:59:59'), CAL)).toBe('due_soon');
  });

  it('counts only working days, so a deadline after a long holiday is due soon before it', () => {
    expect(deadlineStatus(eod('2025-10-09'), cst('2025-09-30T09:00:00'), CAL)).toBe('due_soon');
    expect(deadlineStatus(eod('2025-10-10'), cst('2025-09-30T09:00:00'), CAL)).toBe('ok');
  });

  it('is overdue from the second after', () => {
    expect(deadlineStatus(deadline, new Date(deadline.getTime() + 1000), CAL)).toBe('overdue');
  });
});

describe('validateDeadlinePolicy', () => {
  it('allows help up to 10 working days and refuses 11', () => {
    expect(validateDeadlinePolicy(edited((p) => { p.reply['normal']!['help'] = { kind: 'working_days', days: 10 }; }))).toEqual([]);
    expect(validateDeadlinePolicy(edited((p) => { p.reply['normal']!['help'] = { kind: 'working_days', days: 11 }; })))
      .toEqual([{ code: 'exceeds_limit', path: ['reply', 'normal', 'help', 'days'], value: 11, limit: 10 }]);
  });

  it('refuses zero, negative, fractional and NaN days', () => {
    for (const days of [0, -2, 1.5, Number.NaN]) {
      const issues = validateDeadlinePolicy(edited((p) => { p.reply['normal']!['other'] = { kind: 'working_days', days }; }));
      expect(issues, String(days)).toEqual([{ code: 'not_positive_integer', path: ['reply', 'normal', 'other', 'days'], value: days }]);
    }
    const sign = validateDeadlinePolicy(edited((p) => { p.sign['normal'] = { kind: 'working_days', days: 0 }; }));
    expect(sign).toEqual([{ code: 'not_positive_integer', path: ['sign', 'normal', 'days'], value: 0 }]);
  });

  it('refuses a sign deadline later than a reply deadline', () => {
    const issues = validateDeadlinePolicy(edited((p) => { p.sign['normal'] = { kind: 'working_days', days: 3 }; }));
    expect(issues).toEqual([{ code: 'sign_after_reply', urgency: 'normal', appealType: 'consultation' }]);
  });

  it('refuses an urgent deadline longer than the normal one', () => {
    const issues = validateDeadlinePolicy(edited((p) => { p.reply['urgent']!['praise'] = { kind: 'working_days', days: 6 }; }));
    expect(issues).toEqual([{ code: 'urgency_order', path: ['reply', 'urgent', 'praise'], moreUrgent: 'urgent', lessUrgent: 'normal' }]);
    const emergency = validateDeadlinePolicy(edited((p) => { p.sign['emergency'] = { kind: 'working_days', days: 1 }; }));
    expect(emergency).toContainEqual({ code: 'urgency_order', path: ['sign', 'emergency'], moreUrgent: 'emergency', lessUrgent: 'urgent' });
  });
});

describe('parseDeadlinePolicy', () => {
  it('reports a missing appeal type as a shape issue with its path', () => {
    const input = JSON.parse(JSON.stringify(DEFAULT_DEADLINE_POLICY)) as { reply: { normal: Record<string, unknown> } };
    delete input.reply.normal['other'];
    const r = parseDeadlinePolicy(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues).toEqual([expect.objectContaining({ code: 'invalid_shape', path: ['reply', 'normal', 'other'] })]);
  });

  it('reports an unknown rule kind and unknown keys', () => {
    const bad = edited((p) => { p.sign['normal'] = { kind: 'hours', hours: 2 }; });
    expect(parseDeadlinePolicy(bad).ok).toBe(false);
    const extra = { ...DEFAULT_DEADLINE_POLICY, escalate: true };
    expect(parseDeadlinePolicy(extra).ok).toBe(false);
  });

  it('runs the meaning checks after the shape checks', () => {
    const r = parseDeadlinePolicy(edited((p) => { p.reply['normal']!['complaint'] = { kind: 'working_days', days: 16 }; }));
    expect(r).toEqual({ ok: false, issues: [{ code: 'exceeds_limit', path: ['reply', 'normal', 'complaint', 'days'], value: 16, limit: 15 }] });
  });
});
