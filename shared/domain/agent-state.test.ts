import { describe, expect, it } from 'vitest';
import { LOGGED_OUT, UNREGISTERED, nextAgentState, offerDecision, type AgentEvent, type AgentState } from './agent-state';

const t0 = new Date('2026-03-02T01:00:00Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);

function run(events: [AgentEvent, number][], start: AgentState = LOGGED_OUT) {
  let s = start;
  const errors: string[] = [];
  for (const [e, sec] of events) {
    const r = nextAgentState(s, e, at(sec));
    if (r.ok) s = r.state; else errors.push(r.error);
  }
  return { s, errors };
}

describe('agent state', () => {
  it('goes sign in → not ready → ready → on call → wrap-up → ready, with a code required', () => {
    const { s, errors } = run([
      [{ type: 'sign_in' }, 0], [{ type: 'set_ready' }, 5], [{ type: 'call_started', callId: 'c1' }, 10],
      [{ type: 'call_ended', callId: 'c1', acwSeconds: 30 }, 100], [{ type: 'set_ready' }, 101],
    ]);
    expect(errors).toEqual(['wrap_up_required']);
    expect(s).toMatchObject({ name: 'after_call_work', callId: 'c1', acwUntil: at(130).toISOString() });
    const r = run([[{ type: 'wrap_up', callId: 'c1', code: 'consult_answered' }, 110], [{ type: 'set_ready' }, 111]], s);
    expect(r.errors).toEqual([]);
    expect(r.s.name).toBe('ready');
  });

  it('becomes ready when the wrap-up timer runs out only if the call was coded', () => {
    const inAcw = run([[{ type: 'sign_in' }, 0], [{ type: 'set_ready' }, 1], [{ type: 'call_started', callId: 'c' }, 2], [{ type: 'call_ended', callId: 'c', acwSeconds: 30 }, 60]]).s;
    expect(run([[{ type: 'acw_timer' }, 200]], inAcw).s.name).toBe('after_call_work');
    expect(run([[{ type: 'acw_timer' }, 70]], inAcw).s.name).toBe('after_call_work');
    const coded = run([[{ type: 'wrap_up', callId: 'c', code: 'x' }, 65], [{ type: 'acw_timer' }, 80]], inAcw).s;
    expect(coded.name).toBe('after_call_work');
    expect(run([[{ type: 'acw_timer' }, 91]], coded).s.name).toBe('ready');
  });

  it('offers calls only to a ready, idle agent', () => {
    const ready = run([[{ type: 'sign_in' }, 0], [{ type: 'set_ready' }, 1]]).s;
    expect(offerDecision(ready, 0)).toBe('ring');
    expect(offerDecision(ready, 1)).toBe('busy');
    for (const name of ['logged_out', 'not_ready', 'on_call', 'after_call_work'] as const) {
      expect(offerDecision({ ...ready, name }, 0)).toBe('busy');
    }
  });

  it('refuses sign-out and not-ready during a call, and a not-ready without a reason', () => {
    const onCall = run([[{ type: 'sign_in' }, 0], [{ type: 'set_ready' }, 1], [{ type: 'call_started', callId: 'c' }, 2]]).s;
    expect(nextAgentState(onCall, { type: 'sign_out' }, at(3))).toEqual({ ok: false, error: 'on_call' });
    expect(nextAgentState(onCall, { type: 'set_not_ready', reason: 'break' }, at(3))).toEqual({ ok: false, error: 'on_call' });
    const ready = run([[{ type: 'sign_in' }, 0], [{ type: 'set_ready' }, 1]]).s;
    expect(nextAgentState(ready, { type: 'set_not_ready', reason: ' ' }, at(3))).toEqual({ ok: false, error: 'reason_required' });
  });

  it('keeps the agent on the main call when a consult leg ends', () => {
    const onCall = run([[{ type: 'sign_in' }, 0], [{ type: 'set_ready' }, 1], [{ type: 'call_started', callId: 'main' }, 2]]).s;
    const r = nextAgentState(onCall, { type: 'call_ended', callId: 'consult', acwSeconds: 30 }, at(50));
    expect(r).toMatchObject({ ok: true, changed: false, state: { name: 'on_call', callId: 'main' } });
  });

  it('stays on the call, with the same clock, when the caller replaces the consult call (attended transfer to me)', () => {
    const onConsult = run([[{ type: 'sign_in' }, 0], [{ type: 'set_ready' }, 1], [{ type: 'call_started', callId: 'consult' }, 2]]).s;
    const r = nextAgentState(onConsult, { type: 'call_replaced', callId: 'consult', byCallId: 'citizen' }, at(40));
    expect(r).toMatchObject({ ok: true, changed: true, state: { name: 'on_call', callId: 'citizen', since: onConsult.since } });
    // The consult call ending afterwards no longer sends the member to after-call work…
    const after = nextAgentState((r as { state: typeof onConsult }).state, { type: 'call_ended', callId: 'consult', acwSeconds: 30 }, at(41));
    expect(after).toMatchObject({ changed: false, state: { name: 'on_call', callId: 'citizen' } });
    // …the citizen's call ending does.
    expect(nextAgentState((r as { state: typeof onConsult }).state, { type: 'call_ended', callId: 'citizen', acwSeconds: 30 }, at(90))).toMatchObject({ state: { name: 'after_call_work', callId: 'citizen' } });
    // A replacement of some other call changes nothing.
    expect(nextAgentState(onConsult, { type: 'call_replaced', callId: 'other', byCallId: 'x' }, at(40))).toMatchObject({ changed: false, state: { callId: 'consult' } });
  });

  it('rejects a wrap-up code for another call', () => {
    const inAcw = run([[{ type: 'sign_in' }, 0], [{ type: 'set_ready' }, 1], [{ type: 'call_started', callId: 'c' }, 2], [{ type: 'call_ended', callId: 'c', acwSeconds: 30 }, 60]]).s;
    expect(nextAgentState(inAcw, { type: 'wrap_up', callId: 'other', code: 'x' }, at(61))).toEqual({ ok: false, error: 'wrong_call' });
  });

  it('is not ready while the phone is unregistered, and ready again when it is back', () => {
    const ready = run([[{ type: 'sign_in' }, 0], [{ type: 'set_ready' }, 1]]).s;
    const lost = run([[{ type: 'registration_lost' }, 10]], ready).s;
    expect(lost).toMatchObject({ name: 'not_ready', reason: UNREGISTERED });
    expect(offerDecision(lost, 0)).toBe('busy');
    expect(run([[{ type: 'registration_back' }, 20]], lost).s.name).toBe('ready');
    // A break the agent chose is theirs: registration coming back does not end it.
    const onBreak = run([[{ type: 'set_not_ready', reason: 'meal' }, 15], [{ type: 'registration_back' }, 20]], lost).s;
    expect(onBreak).toMatchObject({ name: 'not_ready', reason: 'meal' });
    // Clicking ready, or the wrap-up timer, while unregistered waits as not ready, then becomes ready.
    const waiting = run([[{ type: 'set_ready', registered: false }, 30]], onBreak).s;
    expect(waiting).toMatchObject({ name: 'not_ready', reason: UNREGISTERED });
    expect(nextAgentState(waiting, { type: 'set_ready', registered: false }, at(31))).toMatchObject({ changed: false });
    const inAcw = run([[{ type: 'call_started', callId: 'c' }, 40], [{ type: 'call_ended', callId: 'c', acwSeconds: 5 }, 50], [{ type: 'wrap_up', callId: 'c', code: 'x' }, 51]], ready).s;
    expect(run([[{ type: 'acw_timer', registered: false }, 60]], inAcw).s).toMatchObject({ name: 'not_ready', reason: UNREGISTERED });
    // Losing registration on a call or in wrap-up changes nothing there.
    expect(nextAgentState(inAcw, { type: 'registration_lost' }, at(52))).toMatchObject({ changed: false });
  });
});
