import { describe, expect, it } from 'vitest';
import {
  advanceTo, canClaim, canClose, canRelease, canSetMeasureStatus, checkMeasureDeadline, checkPattern, claimDeadline, claimDeadlineFlag,
  dutyDesksOf, expandRoster, measureDeadlineFlag, meetingHeld, nextStage, onDutyAt, stageProgress, type DutyPattern, type WorkFacts,
} from './consultation';
import { chinaDateKey } from './china-time';

const member = { id: 'm1', roles: ['cppcc_member'] };
const expert = { id: 'e1', roles: ['liaison_expert'] };
const lead = { id: 'l1', roles: ['shift_lead'] };

describe('claim rules', () => {
  it('a member on duty at the studio claims a studio item; both-routed items are open to either desk', () => {
    expect(canClaim({ stage: 'queued', route: 'studio' }, member, ['studio'])).toEqual({ ok: true });
    expect(canClaim({ stage: 'queued', route: 'both' }, expert, ['station'])).toEqual({ ok: true });
  });
  it('refuses the wrong route, someone off duty, and an item already claimed', () => {
    expect(canClaim({ stage: 'queued', route: 'station' }, member, ['studio'])).toEqual({ ok: false, reason: 'consultation_wrong_route' });
    expect(canClaim({ stage: 'queued', route: 'studio' }, member, [])).toEqual({ ok: false, reason: 'consultation_not_on_duty' });
    // On duty, but at the other desk: still not on duty for this route.
    expect(canClaim({ stage: 'queued', route: 'studio' }, { roles: ['cppcc_member', 'liaison_expert'] }, ['station'])).toEqual({ ok: false, reason: 'consultation_not_on_duty' });
    expect(canClaim({ stage: 'claimed', route: 'studio' }, member, ['studio'])).toEqual({ ok: false, reason: 'consultation_already_claimed' });
    expect(canClaim({ stage: 'queued', route: 'studio' }, lead, ['studio']).ok).toBe(false);
  });
  it('release: only the claimer or a shift lead, and only before the meeting stage', () => {
    expect(canRelease({ stage: 'claimed', claimedBy: 'm1' }, member).ok).toBe(true);
    expect(canRelease({ stage: 'claimed', claimedBy: 'm1' }, expert)).toEqual({ ok: false, reason: 'consultation_not_claimer' });
    expect(canRelease({ stage: 'research', claimedBy: 'm1' }, lead).ok).toBe(true);
    expect(canRelease({ stage: 'measures', claimedBy: 'm1' }, member)).toEqual({ ok: false, reason: 'consultation_invalid_stage' });
  });
  it('claim deadline by urgency, flagged near in the last two hours and overdue after', () => {
    const created = new Date('2025-06-02T02:00:00Z');
    expect(claimDeadline(created, 'normal').toISOString()).toBe('2025-06-04T02:00:00.000Z');
    expect(claimDeadline(created, 'emergency').toISOString()).toBe('2025-06-02T04:00:00.000Z');
    const by = claimDeadline(created, 'urgent');
    expect(claimDeadlineFlag(by, new Date('2025-06-02T03:00:00Z'))).toBe('ok');
    expect(claimDeadlineFlag(by, new Date('2025-06-02T08:30:00Z'))).toBe('near');
    expect(claimDeadlineFlag(by, new Date('2025-06-02T10:00:01Z'))).toBe('overdue');
  });
});

describe('stages', () => {
  it('recording work moves forward, never back, never to closed', () => {
    expect(advanceTo('claimed', 'research')).toBe('research');
    expect(advanceTo('measures', 'research')).toBe('measures');
    expect(advanceTo('report', 'closed')).toBe('report');
    expect(advanceTo('closed', 'feedback')).toBe('closed');
    expect(nextStage('claimed')).toBe('research');
    expect(nextStage('tracking')).toBe('feedback');
    expect(nextStage('feedback')).toBeNull();
    expect(nextStage('queued')).toBeNull();
  });
  it('closes only when every measure is done or dropped with a reason', () => {
    const done = { status: 'done' as const, dropReason: null, deadline: '2025-07-01' };
    const dropped = { status: 'dropped' as const, dropReason: '已由市级项目统筹解决', deadline: '2025-07-01' };
    const open = { status: 'in_progress' as const, dropReason: null, deadline: '2025-07-01' };
    expect(canClose({ stage: 'feedback' }, [done, dropped])).toEqual({ ok: true });
    expect(canClose({ stage: 'feedback' }, [done, open])).toEqual({ ok: false, reason: 'consultation_open_measures' });
    expect(canClose({ stage: 'feedback' }, [{ ...dropped, dropReason: '  ' }])).toEqual({ ok: false, reason: 'consultation_open_measures' });
    expect(canClose({ stage: 'closed' }, [])).toEqual({ ok: false, reason: 'consultation_closed' });
    expect(canClose({ stage: 'queued' }, [])).toEqual({ ok: false, reason: 'consultation_not_claimed' });
  });
  it('measure status: dropping needs a reason; done and dropped are final', () => {
    expect(canSetMeasureStatus('planned', 'dropped', '')).toEqual({ ok: false, reason: 'consultation_drop_reason_required' });
    expect(canSetMeasureStatus('planned', 'dropped', '重复措施').ok).toBe(true);
    expect(canSetMeasureStatus('done', 'in_progress', null)).toEqual({ ok: false, reason: 'consultation_measure_final' });
  });
});

describe('measure deadlines (时间节点)', () => {
  // 2025-06-02 01:00 Beijing is still June 1 in UTC: the Beijing date decides.
  const created = new Date('2025-06-01T17:00:00Z');
  it('are Beijing dates not before the day the item was created', () => {
    expect(chinaDateKey(created)).toBe('2025-06-02');
    expect(checkMeasureDeadline('2025-06-02', created)).toEqual({ ok: true });
    expect(checkMeasureDeadline('2025-06-01', created)).toEqual({ ok: false, reason: 'consultation_measure_before_item' });
    expect(checkMeasureDeadline('2025-13-45', created).ok).toBe(false);
  });
  it('are flagged near within three days and overdue after the end of the day', () => {
    const m = { status: 'planned' as const, dropReason: null, deadline: '2025-06-10' };
    expect(measureDeadlineFlag(m, new Date('2025-06-01T00:00:00Z'))).toBe('ok');
    expect(measureDeadlineFlag(m, new Date('2025-06-09T00:00:00Z'))).toBe('near');
    expect(measureDeadlineFlag(m, new Date('2025-06-10T15:59:00Z'))).toBe('near');
    expect(measureDeadlineFlag(m, new Date('2025-06-10T16:00:00Z'))).toBe('overdue');
    expect(measureDeadlineFlag({ ...m, status: 'done' }, new Date('2025-07-01T00:00:00Z'))).toBeNull();
  });
});

describe('duty roster (轮值坐班)', () => {
  const tuesThurs: DutyPattern = { id: 'p1', userId: 'm1', desk: 'studio', weekdays: [2, 4], startMinute: 9 * 60, endMinute: 12 * 60, validFrom: '2025-06-01', validUntil: '2025-06-30' };
  const weekdays: DutyPattern = { id: 'p2', userId: 'e1', desk: 'station', weekdays: [1, 2, 3, 4, 5], startMinute: 14 * 60, endMinute: 17 * 60 + 30, validFrom: '2025-06-01', validUntil: null };

  it('expands weekly patterns into shifts in Beijing time, within their validity', () => {
    const shifts = expandRoster([tuesThurs, weekdays], [], '2025-06-01', '2025-06-08');
    const mine = shifts.filter((s) => s.userId === 'm1');
    expect(mine.map((s) => s.date)).toEqual(['2025-06-03', '2025-06-05']); // Tue, Thu
    expect(mine[0]!.start.toISOString()).toBe('2025-06-03T01:00:00.000Z'); // 09:00 Beijing
    expect(mine[0]!.end.toISOString()).toBe('2025-06-03T04:00:00.000Z');
    expect(shifts.filter((s) => s.userId === 'e1')).toHaveLength(5);
    expect(expandRoster([tuesThurs], [], '2025-07-01', '2025-07-31')).toHaveLength(0);
  });

  it('applies swaps: a shift handed to someone else, or cancelled', () => {
    const swapped = expandRoster([tuesThurs], [{ patternId: 'p1', date: '2025-06-03', replacementUserId: 'm2' }, { patternId: 'p1', date: '2025-06-05', replacementUserId: null }], '2025-06-01', '2025-06-07');
    expect(swapped).toHaveLength(1);
    expect(swapped[0]).toMatchObject({ userId: 'm2', swappedFrom: 'm1', date: '2025-06-03' });
  });

  it('knows who is on duty at an instant: start inclusive, end exclusive', () => {
    expect(onDutyAt([tuesThurs, weekdays], [], new Date('2025-06-03T01:00:00Z')).map((s) => s.userId)).toEqual(['m1']);
    expect(onDutyAt([tuesThurs], [], new Date('2025-06-03T04:00:00Z'))).toHaveLength(0);
    expect(dutyDesksOf('e1', [weekdays], [], new Date('2025-06-04T07:00:00Z'))).toEqual(['station']);
    expect(dutyDesksOf('e1', [weekdays], [], new Date('2025-06-07T07:00:00Z'))).toEqual([]); // Saturday
  });

  it('rejects patterns with no weekdays, inverted times or ranges', () => {
    expect(checkPattern({ ...tuesThurs, weekdays: [] }).ok).toBe(false);
    expect(checkPattern({ ...tuesThurs, weekdays: [8] }).ok).toBe(false);
    expect(checkPattern({ ...tuesThurs, startMinute: 600, endMinute: 600 })).toEqual({ ok: false, reason: 'duty_invalid_times' });
    expect(checkPattern({ ...tuesThurs, validUntil: '2025-05-01' })).toEqual({ ok: false, reason: 'duty_invalid_range' });
    expect(checkPattern({ ...tuesThurs, startMinute: 0, endMinute: 1440 }).ok).toBe(true);
  });
});

describe('stage progress follows the work recorded', () => {
  const none: WorkFacts = { claimed: true, researchNotes: 0, meetings: 0, measures: [], report: false, instruction: false, feedback: 0, closed: false };
  const planned = { status: 'planned' as const, dropReason: null, deadline: '2026-12-31' };
  const done = { status: 'done' as const, dropReason: null, deadline: '2026-12-31' };
  const states = (f: WorkFacts) => Object.fromEntries(stageProgress(f).steps.map((s) => [s.step, s.state]));

  it('a claimed item with nothing recorded: claim ticked, research is next, nothing else', () => {
    expect(states(none)).toEqual({ claimed: 'done', research: 'current', meeting: 'todo', measures: 'todo', report: 'todo', tracking: 'todo', feedback: 'todo', closed: 'todo' });
    expect(stageProgress(none).stage).toBe('claimed');
  });
  it('adding a measure does not tick research or meeting; the open measure is where the work is', () => {
    const p = stageProgress({ ...none, measures: [planned] });
    expect(states({ ...none, measures: [planned] })).toMatchObject({ research: 'todo', meeting: 'todo', measures: 'current', report: 'todo' });
    expect(p.stage).toBe('measures');
  });
  it('saving the report does not tick measures still not started; they stay in progress', () => {
    const s = states({ ...none, researchNotes: 1, meetings: 1, measures: [planned], report: true });
    expect(s).toMatchObject({ research: 'done', meeting: 'done', measures: 'active', report: 'done', tracking: 'current' });
  });
  it('measures are done when every one is done or dropped with a reason', () => {
    const dropped = { status: 'dropped' as const, dropReason: '已由区里统一整治', deadline: '2026-12-31' };
    expect(states({ ...none, measures: [done, dropped] })).toMatchObject({ measures: 'done', report: 'current' });
    expect(states({ ...none, measures: [done, { ...dropped, dropReason: ' ' }] }).measures).toBe('current');
  });
  it('tracking starts with the leader instruction and is done when no measure is open; feedback and closing tick on their own', () => {
    expect(states({ ...none, report: true, instruction: true, measures: [planned] })).toMatchObject({ tracking: 'current', measures: 'active' });
    expect(states({ ...none, report: true, instruction: true, measures: [done] })).toMatchObject({ tracking: 'done', feedback: 'current' });
    expect(states({ ...none, feedback: 1 })).toMatchObject({ research: 'todo', feedback: 'done', closed: 'current' });
    const closed = stageProgress({ ...none, feedback: 1, closed: true });
    expect(closed.stage).toBe('closed');
    expect(closed.steps.filter((s) => s.state === 'current')).toEqual([]);
    expect(Object.fromEntries(closed.steps.map((s) => [s.step, s.state]))).toMatchObject({ research: 'todo', feedback: 'done', closed: 'done' });
  });
  it('queued items have no steps done and stage queued', () => {
    const p = stageProgress({ ...none, claimed: false });
    expect(p.stage).toBe('queued');
    expect(p.steps.every((s) => s.state === 'todo')).toBe(true);
  });
  it('a meeting counts only with minutes and someone who took part', () => {
    expect(meetingHeld({ minutes: '会商纪要：三方同意', participants: '', departmentCount: 1 })).toBe(true);
    expect(meetingHeld({ minutes: '会商纪要：三方同意', participants: '王委员', departmentCount: 0 })).toBe(true);
    expect(meetingHeld({ minutes: '——', participants: '王委员', departmentCount: 1 })).toBe(false);
    expect(meetingHeld({ minutes: '纪要', participants: ' ', departmentCount: 0 })).toBe(false);
  });
});
