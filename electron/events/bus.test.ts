import { describe, expect, it } from 'vitest';
import type { Logger } from '../log';
import { InProcessEventBus, type BusEvent } from './bus';

function recordingLog() {
  const errors: string[] = [];
  const log: Logger = { debug() {}, info() {}, warn() {}, error(msg) { errors.push(msg); } };
  return { log, errors };
}

describe('in-process event bus (one seat)', () => {
  it('hands each event, with the audience its rule gives, to every subscriber at once and in order', () => {
    const bus = new InProcessEventBus(recordingLog().log);
    const a: BusEvent[] = [];
    const b: string[] = [];
    bus.subscribe((e) => a.push(e));
    const off = bus.subscribe((e) => b.push(e.name));
    bus.publish('reference.changed', { at: '1' });
    bus.publish('job.progress', { id: 'j', kind: 'divisions.import', state: 'done', phase: 'p', done: 1, total: 1, startedAt: 'x', finishedAt: 'y', result: null, error: null }, { userIds: ['u'] });
    off();
    bus.publish('duty.changed', { at: '2' });
    expect(a.map((e) => [e.name, e.audience])).toEqual([['reference.changed', { everyone: true }], ['job.progress', { userIds: ['u'] }], ['duty.changed', { everyone: true }]]);
    expect(b).toEqual(['reference.changed', 'job.progress']);
  });

  it('a subscriber that throws is logged and the others still get the event', () => {
    const { log, errors } = recordingLog();
    const bus = new InProcessEventBus(log);
    const got: string[] = [];
    bus.subscribe(() => { throw new Error('boom'); });
    bus.subscribe((e) => got.push(e.name));
    bus.publish('duty.changed', { at: '1' });
    expect(got).toEqual(['duty.changed']);
    expect(errors).toEqual(['event subscriber failed']);
  });

  it('refuses an event whose rule wants the publisher\'s audience when none is given', () => {
    const bus = new InProcessEventBus(recordingLog().log);
    // @ts-expect-error consultation.changed needs its audience
    expect(() => bus.publish('consultation.changed', { kind: 'closed', item: {} as never })).toThrow(/without its audience/);
  });
});
