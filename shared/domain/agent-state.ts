/**
 * The seat agent's state, as the ACD and the wallboard see it. Pure rules: the seat service in
 * main feeds events in and persists every change.
 *
 * - logged_out: not taking calls (not signed in to the phone).
 * - not_ready:  signed in, on a break/meeting/training, with a reason code; calls get 486.
 * - ready:      idle and offered calls.
 * - on_call:    ringing, talking, holding or dialling; further calls get 486.
 * - after_call_work: wrap-up after a call; a wrap-up code must be recorded before ready. When the
 *   timer runs out with a code recorded the agent becomes ready by itself; without one the agent
 *   stays in wrap-up (shown as overtime on the wallboard) — a call is never offered to an agent
 *   who has not finished the last one.
 */
export type AgentStateName = 'logged_out' | 'not_ready' | 'ready' | 'on_call' | 'after_call_work';

export interface AgentState {
  name: AgentStateName;
  /** Reason code while not ready (e.g. 'break', 'meal'); 'login' right after signing in. */
  reason: string | null;
  /** ISO time the state began. */
  since: string;
  /** The call that put the agent on call or in wrap-up. */
  callId: string | null;
  /** While in wrap-up: when the timer runs out (ISO). */
  acwUntil: string | null;
  /** While in wrap-up: the code recorded for the finished call, if any yet. */
  wrapUpCode: string | null;
}

export type AgentEvent =
  | { type: 'sign_in' }
  | { type: 'sign_out' }
  /** `registered: false`: the phone cannot receive calls now; the agent waits as not ready (UNREGISTERED) until it can. */
  | { type: 'set_ready'; registered?: boolean }
  | { type: 'set_not_ready'; reason: string }
  | { type: 'call_started'; callId: string }
  | { type: 'call_ended'; callId: string; acwSeconds: number }
  /** A colleague completed an attended transfer: the caller's call replaces the consult call. */
  | { type: 'call_replaced'; callId: string; byCallId: string }
  | { type: 'wrap_up'; callId: string; code: string }
  | { type: 'acw_timer'; registered?: boolean }
  /** The phone lost its registration (proxy gone, refused): a ready agent cannot take calls. */
  | { type: 'registration_lost' }
  /** Registered again: an agent held back only by that is ready again. */
  | { type: 'registration_back' };

/**
 * The not-ready reason the system sets while the phone is not registered: an agent who cannot
 * receive calls is not ready, whatever they clicked; routing and the wallboard see it as such.
 */
export const UNREGISTERED = 'unregistered';

export type AgentStateError = 'invalid_transition' | 'wrap_up_required' | 'reason_required' | 'on_call' | 'wrong_call';

export type AgentStep = { ok: true; state: AgentState; changed: boolean } | { ok: false; error: AgentStateError };

export const LOGGED_OUT: AgentState = { name: 'logged_out', reason: null, since: new Date(0).toISOString(), callId: null, acwUntil: null, wrapUpCode: null };

const to = (name: AgentStateName, now: Date, extra: Partial<AgentState> = {}): AgentState =>
  ({ name, reason: null, since: now.toISOString(), callId: null, acwUntil: null, wrapUpCode: null, ...extra });

export function nextAgentState(s: AgentState, e: AgentEvent, now: Date): AgentStep {
  const ok = (state: AgentState): AgentStep => ({ ok: true, state, changed: true });
  const same: AgentStep = { ok: true, state: s, changed: false };
  switch (e.type) {
    case 'sign_in':
      return s.name === 'logged_out' ? ok(to('not_ready', now, { reason: 'login' })) : same;
    case 'sign_out':
      if (s.name === 'on_call') return { ok: false, error: 'on_call' };
      return s.name === 'logged_out' ? same : ok(to('logged_out', now));
    case 'set_ready': {
      const ready = e.registered === false ? to('not_ready', now, { reason: UNREGISTERED }) : to('ready', now);
      if (s.name === 'ready' || (s.name === 'not_ready' && s.reason === UNREGISTERED && e.registered === false)) return same;
      if (s.name === 'not_ready') return ok(ready);
      if (s.name === 'after_call_work') return s.wrapUpCode ? ok(ready) : { ok: false, error: 'wrap_up_required' };
      return { ok: false, error: s.name === 'on_call' ? 'on_call' : 'invalid_transition' };
    }
    case 'set_not_ready':
      if (!e.reason.trim()) return { ok: false, error: 'reason_required' };
      if (s.name === 'ready' || s.name === 'not_ready') return s.reason === e.reason && s.name === 'not_ready' ? same : ok(to('not_ready', now, { reason: e.reason }));
      if (s.name === 'after_call_work') return s.wrapUpCode ? ok(to('not_ready', now, { reason: e.reason })) : { ok: false, error: 'wrap_up_required' };
      return { ok: false, error: s.name === 'on_call' ? 'on_call' : 'invalid_transition' };
    case 'call_started':
      // Outbound calls may start from not_ready (a call-back during a break); inbound ones only
      // reach a ready agent because the accept policy rejects the rest.
      if (s.name === 'ready' || s.name === 'not_ready' || s.name === 'after_call_work') return ok(to('on_call', now, { callId: e.callId }));
      if (s.name === 'on_call') return same;
      return { ok: false, error: 'invalid_transition' };
    case 'call_ended':
      if (s.name !== 'on_call') return same;
      if (s.callId !== e.callId) return same; // a consult leg ending leaves the agent on the main call
      return ok(to('after_call_work', now, { callId: e.callId, acwUntil: new Date(now.getTime() + e.acwSeconds * 1000).toISOString() }));
    case 'call_replaced':
      // Still on a call, now with the citizen: same state and clock, the call it is about changes.
      if (s.name !== 'on_call' || s.callId !== e.callId) return same;
      return ok({ ...s, callId: e.byCallId });
    case 'wrap_up':
      if (s.name !== 'after_call_work') return { ok: false, error: 'invalid_transition' };
      if (s.callId !== e.callId) return { ok: false, error: 'wrong_call' };
      if (!e.code.trim()) return { ok: false, error: 'reason_required' };
      return ok({ ...s, wrapUpCode: e.code });
    case 'acw_timer':
      if (s.name !== 'after_call_work' || !s.acwUntil || now.toISOString() < s.acwUntil) return same;
      if (!s.wrapUpCode) return same;
      return ok(e.registered === false ? to('not_ready', now, { reason: UNREGISTERED }) : to('ready', now));
    case 'registration_lost':
      return s.name === 'ready' ? ok(to('not_ready', now, { reason: UNREGISTERED })) : same;
    case 'registration_back':
      return s.name === 'not_ready' && s.reason === UNREGISTERED ? ok(to('ready', now)) : same;
  }
}

/** The accept policy the softphone asks for each new call: only an idle, ready agent is offered it. */
export function offerDecision(s: AgentState, activeCalls: number): 'ring' | 'busy' {
  return s.name === 'ready' && activeCalls === 0 ? 'ring' : 'busy';
}
