import { describe, expect, it } from 'vitest';
import {
  consultationChangedAudience, eventAudience, eventNames, inAudience, resolveAudience, ticketChangedAudience, type AudienceMember,
} from './index';

const member = (id: string, roles: AudienceMember['roles'], departmentId: string | null = null): AudienceMember => ({ id, roles, departmentId });

describe('event audiences are declared in the contract', () => {
  it('every event of the contract has an audience rule, and every rule names a real event', () => {
    for (const name of eventNames) {
      const rule = eventAudience[name];
      expect(rule, name).toBeDefined();
      if (rule.from === 'payload') expect(typeof rule.audience, name).toBe('function');
      else {
        expect(['publisher', 'connection'], name).toContain(rule.from);
        expect(rule.why.length, name).toBeGreaterThan(10);
      }
    }
    expect(Object.keys(eventAudience).sort()).toEqual([...eventNames].sort());
  });

  it('a payload rule decides alone; a publisher rule needs the audience it is given; a connection event is not for the bus', () => {
    expect(resolveAudience('duty.changed', { at: 'x' }, undefined)).toEqual({ everyone: true });
    expect(() => resolveAudience('job.progress', { id: 'j', kind: 'divisions.import', state: 'running', phase: 'p', done: 0, total: 0, startedAt: 'x', finishedAt: null, result: null, error: null }, undefined))
      .toThrow(/job.progress published without its audience/);
    expect(resolveAudience('phone.agent', { state: 'ready' } as never, { userIds: ['u1'] })).toEqual({ userIds: ['u1'] });
    // @ts-expect-error session.ended is sent by the hub to one connection, never published.
    expect(() => resolveAudience('session.ended', { reason: 'logout' }, { everyone: true })).toThrow(/not a bus event/);
  });
});

describe('who is in an audience', () => {
  const agent = member('a', ['agent']);
  const dept1 = member('d1', ['department'], 'dep-1');
  const unboundDept = member('d0', ['department']);
  const cppcc = member('m', ['cppcc_member']);
  const expert = member('e', ['liaison_expert']);
  const lead = member('l', ['shift_lead']);
  const admin = member('x', ['admin']);

  it('ticket changes reach the departments concerned (before and after) and the hotline desks, not other departments or admins', () => {
    const a = ticketChangedAudience({ ticketId: 't', number: 'n', state: 'dispatched', action: 'redispatch', leadDepartmentId: 'dep-2', coDepartmentIds: [], version: 2, previousDepartmentIds: ['dep-1'] });
    expect([agent, dept1, cppcc, lead].every((u) => inAudience(a, u))).toBe(true);
    expect(inAudience(a, member('d3', ['department'], 'dep-3'))).toBe(false);
    expect(inAudience(a, unboundDept)).toBe(false);
    expect(inAudience(a, admin)).toBe(false);
    // A department id alone is not enough: the user must be a department liaison.
    expect(inAudience(a, member('z', ['admin'], 'dep-1'))).toBe(false);
  });

  it('a new consultation item reaches its route\'s desk and shift leads; its progress reaches its readers and hotline staff', () => {
    const created = consultationChangedAudience('created', { route: 'studio', claimedBy: null, createdBy: 'a' });
    expect([cppcc, lead].map((u) => inAudience(created, u))).toEqual([true, true]);
    expect([expert, agent, admin, dept1].map((u) => inAudience(created, u))).toEqual([false, false, false, false]);
    expect(inAudience(consultationChangedAudience('created', { route: 'both', claimedBy: null, createdBy: null }), expert)).toBe(true);

    const claimed = consultationChangedAudience('claimed', { route: 'station', claimedBy: 'dx', createdBy: 'dy' });
    expect([agent, cppcc, expert, lead, admin].every((u) => inAudience(claimed, u))).toBe(true);
    expect(inAudience(claimed, dept1)).toBe(false);
    expect(inAudience(claimed, member('dy', ['department'], 'dep-9'))).toBe(true);
  });

  it('everyone, one user, nobody', () => {
    expect(inAudience({ everyone: true }, unboundDept)).toBe(true);
    expect(inAudience({ userIds: ['a'] }, agent)).toBe(true);
    expect(inAudience({ userIds: ['a'] }, cppcc)).toBe(false);
    expect(inAudience({}, lead)).toBe(false);
  });
});
