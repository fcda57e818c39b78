import { fail, type DutyPatternView, type DutyPerson, type DutyShiftView, type SessionInfo } from '../../shared/contract';
import type { dutyPatternInput } from '../../shared/contract/consultation';
import {
  checkPattern, deskOfRoles, dutyDesksOf, expandRoster, formatClock, onDutyAt, parseClock,
  type DutyDesk, type DutyPattern, type DutySwap,
} from '../../shared/domain/consultation';
import type { z } from 'zod';
import { inTransaction, type Db } from '../store/repos/db';
import * as roster from '../store/repos/duty-roster';
import { readMeta } from '../store/repos/meta';
import { userDisplayNames, userIdsByUsername } from '../store/repos/user-directory';
import { uuidv7 } from '../util/ids';
import { writeAudit } from './audit';
import { addDays, chinaDateKey } from '../../shared/domain/china-time';

type PatternInput = z.output<typeof dutyPatternInput>;

/**
 * The duty roster (轮值坐班) of CPPCC members and liaison experts: weekly repeating patterns and
 * one-day swaps, expanded by the pure rules. A demo store with no roster gets one: every member and
 * expert account on duty around the clock, so the queue can be tried at any hour. Which accounts are
 * the demo's the composition root says (`demoUsernames`).
 */
export class DutyRosterService {
  private seeded = false;

  constructor(private readonly db: Db, private readonly now: () => Date, private readonly demoUsernames: ReadonlySet<string> = new Set()) {}

  private async seedDemo(): Promise<void> {
    if (this.seeded) return;
    if ((await readMeta(this.db, 'demo')) !== '1') return;
    const any = await roster.hasDutyPatterns(this.db);
    this.seeded = true;
    if (any) return;
    const demoIds = await userIdsByUsername(this.db, [...this.demoUsernames]);
    const people = (await this.people()).filter((p) => demoIds.has(p.id));
    const at = this.now();
    const from = addDays(chinaDateKey(at), -30);
    for (const p of people) {
      for (const desk of p.desks) {
        await roster.insertDutyPattern(this.db, {
          id: uuidv7(at.getTime()), user_id: p.id, desk, weekdays: JSON.stringify([1, 2, 3, 4, 5, 6, 7]),
          start_minute: 0, end_minute: 1440, valid_from: from, valid_until: null, updated_at: at.toISOString(),
        });
      }
    }
  }

  async people(): Promise<DutyPerson[]> {
    const rows = await roster.enabledUsersWithRoles(this.db, ['cppcc_member', 'liaison_expert']);
    const byId = new Map<string, DutyPerson>();
    for (const r of rows) {
      const p = byId.get(r.id) ?? { id: r.id, name: r.display_name, desks: [] };
      p.desks.push(...deskOfRoles([r.role]));
      byId.set(r.id, p);
    }
    return [...byId.values()];
  }

  private async load(): Promise<{ patterns: DutyPattern[]; swaps: DutySwap[]; names: Map<string, string> }> {
    await this.seedDemo();
    const [patterns, swaps, names] = await Promise.all([roster.dutyPatternRows(this.db), roster.dutySwapRows(this.db), userDisplayNames(this.db)]);
    return {
      patterns: patterns.map((p) => ({
        id: p.id, userId: p.user_id, desk: p.desk as DutyDesk, weekdays: JSON.parse(p.weekdays) as number[],
        startMinute: p.start_minute, endMinute: p.end_minute, validFrom: p.valid_from, validUntil: p.valid_until,
      })),
      swaps: swaps.map((s) => ({ patternId: s.pattern_id, date: s.date, replacementUserId: s.replacement_user_id })),
      names,
    };
  }

  private view(names: Map<string, string>) {
    return (s: ReturnType<typeof expandRoster>[number]): DutyShiftView => ({
      patternId: s.patternId, date: s.date, userId: s.userId, userName: names.get(s.userId) ?? '', desk: s.desk,
      start: s.start.toISOString(), end: s.end.toISOString(), swappedFromName: s.swappedFrom ? names.get(s.swappedFrom) ?? '' : null,
    });
  }

  private patternView(p: DutyPattern, names: Map<string, string>): DutyPatternView {
    return {
      id: p.id, userId: p.userId, userName: names.get(p.userId) ?? '', desk: p.desk, weekdays: p.weekdays,
      start: formatClock(p.startMinute), end: formatClock(p.endMinute), validFrom: p.validFrom, validUntil: p.validUntil,
    };
  }

  async roster(from: string, to: string): Promise<{ shifts: DutyShiftView[]; patterns: DutyPatternView[] }> {
    if (to < from) fail('invalid_input', { issues: [{ path: 'to', problem: 'before_from' }], details: { reason: 'duty_invalid_range' } });
    const { patterns, swaps, names } = await this.load();
    return { shifts: expandRoster(patterns, swaps, from, to).map(this.view(names)), patterns: patterns.map((p) => this.patternView(p, names)) };
  }

  async onDutyNow(): Promise<DutyShiftView[]> {
    const { patterns, swaps, names } = await this.load();
    return onDutyAt(patterns, swaps, this.now()).map(this.view(names));
  }

  /** The desks this user is on duty at right now. */
  async desksOnDuty(userId: string): Promise<DutyDesk[]> {
    const { patterns, swaps } = await this.load();
    return dutyDesksOf(userId, patterns, swaps, this.now());
  }

  async savePattern(input: PatternInput, session: SessionInfo): Promise<DutyPatternView> {
    const startMinute = parseClock(input.start);
    const endMinute = parseClock(input.end);
    if (startMinute === null || endMinute === null) fail('invalid_input', { issues: [{ path: 'start', problem: 'invalid_format' }], details: { reason: 'duty_invalid_times' } });
    const pattern: DutyPattern = {
      id: input.id ?? uuidv7(this.now().getTime()), userId: input.userId, desk: input.desk, weekdays: [...new Set(input.weekdays)].sort(),
      startMinute, endMinute, validFrom: input.validFrom, validUntil: input.validUntil,
    };
    const check = checkPattern(pattern);
    if (!check.ok) fail('invalid_input', { details: { reason: check.reason } });
    const person = (await this.people()).find((p) => p.id === input.userId);
    if (!person || !person.desks.includes(input.desk)) fail('invalid_input', { issues: [{ path: 'userId', problem: 'wrong_desk' }], details: { reason: 'duty_wrong_desk' } });
    const at = this.now().toISOString();
    const row = {
      user_id: pattern.userId, desk: pattern.desk, weekdays: JSON.stringify(pattern.weekdays), start_minute: startMinute, end_minute: endMinute,
      valid_from: pattern.validFrom, valid_until: pattern.validUntil, updated_at: at,
    };
    await inTransaction(this.db, async (trx) => {
      if (input.id) {
        if (!(await roster.updateDutyPattern(trx, input.id, row))) fail('not_found');
      } else {
        await roster.insertDutyPattern(trx, { id: pattern.id, ...row });
      }
      await writeAudit(trx, { actorId: session.user.id, action: 'duty.pattern_saved', subjectType: 'duty_pattern', subjectId: pattern.id, data: { ...row } }, this.now());
    });
    const { names } = await this.load();
    return this.patternView(pattern, names);
  }

  async deletePattern(id: string, session: SessionInfo): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      if (!(await roster.deleteDutyPattern(trx, id))) fail('not_found');
      await writeAudit(trx, { actorId: session.user.id, action: 'duty.pattern_deleted', subjectType: 'duty_pattern', subjectId: id }, this.now());
    });
  }

  async swap(patternId: string, date: string, replacementUserId: string | null, reason: string, session: SessionInfo): Promise<void> {
    const { patterns } = await this.load();
    const p = patterns.find((x) => x.id === patternId);
    if (!p) fail('not_found');
    if (expandRoster([p], [], date, date).length === 0) fail('invalid_input', { issues: [{ path: 'date', problem: 'no_shift' }], details: { reason: 'duty_no_shift_that_day' } });
    if (replacementUserId !== null) {
      const person = (await this.people()).find((x) => x.id === replacementUserId);
      if (!person || !person.desks.includes(p.desk)) fail('invalid_input', { issues: [{ path: 'replacementUserId', problem: 'wrong_desk' }], details: { reason: 'duty_wrong_desk' } });
    }
    const at = this.now().toISOString();
    await inTransaction(this.db, async (trx) => {
      await roster.upsertDutySwap(trx, { pattern_id: patternId, date, replacement_user_id: replacementUserId, reason, created_by: session.user.id, created_at: at });
      await writeAudit(trx, { actorId: session.user.id, action: 'duty.swapped', subjectType: 'duty_pattern', subjectId: patternId, data: { date, replacementUserId, reason } }, this.now());
    });
  }
}
