import { z } from 'zod';
import { errorCodes, type ContractError, type Result } from './errors';
import { events, requests, type EventName, type RequestName } from './index';
import type { RequestDef } from './define';

/**
 * The wire: the frames every WebSocket peer of the contract exchanges (host mode's binding, the
 * renderer's transport, the desk's forwarder to a center). Electron IPC carries the same request
 * and result, without frames.
 *
 *   client → server  { hello: { contract } }          first frame, once
 *   client → server  { id, name, input }               a request
 *   server → client  { hello: { contract, error? } }   first frame; error when the versions differ
 *   server → client  { id, result }                    the reply, echoing the request's id
 *   server → client  { event, payload }                an event (no id)
 */

/** 53-bit string hash (cyrb53); no Node crypto here, the renderer computes it too. */
function hash53(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}

/**
 * What two peers must agree on: every request's name, access, record kind and input schema, every
 * event's name, and the error codes. Event payloads are types only (no run-time schema), so a
 * payload change is not seen here.
 */
export function contractVersionOf(reqs: Record<string, RequestDef>, evs: Record<string, unknown>, errors: readonly string[]): string {
  const shapes = Object.keys(reqs).sort().map((n) => {
    const d = reqs[n]!;
    return [n, d.access, d.returns ?? null, z.toJSONSchema(d.input, { io: 'input', unrepresentable: 'any' })];
  });
  return `c1-${hash53(JSON.stringify({ requests: shapes, events: Object.keys(evs).sort(), errors: [...errors].sort() }))}`;
}

let version: string | null = null;
/** The contract version both ends of a wire announce in their hello: derived, never bumped by hand. */
export function contractVersion(): string {
  version ??= contractVersionOf(requests, events, errorCodes);
  return version;
}

const contractError: z.ZodType<ContractError> = z.object({
  code: z.enum(errorCodes),
  issues: z.array(z.object({ path: z.string(), problem: z.string() })).optional(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
const result: z.ZodType<Result<unknown>> = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: contractError }),
]);
/** The id a reply echoes: the request's own, or null when none could be read. */
export const wireId = z.union([z.number(), z.string().max(64), z.null()]);
export type WireId = z.infer<typeof wireId>;

/**
 * `now`: the server's clock when it answered (ISO), so that a desk can tell how far its own clock is
 * off (the times it stamps on what it saves offline, its calls and recordings); clients send none.
 */
export const helloFrame = z.object({ hello: z.object({ contract: z.string().min(1).max(64), error: contractError.optional(), now: z.string().max(40).optional() }) });
// name and input are checked by the dispatcher, which answers unknown_request or invalid_input with the id.
export const requestFrame = z.object({ id: z.number().refine(Number.isFinite), name: z.unknown().optional(), input: z.unknown().optional() });
export const responseFrame = z.object({ id: wireId, result });
export const eventFrame = z.object({ event: z.string(), payload: z.unknown() });
export type HelloFrame = z.infer<typeof helloFrame>;
export type RequestFrame = z.infer<typeof requestFrame>;
export type ResponseFrame = z.infer<typeof responseFrame>;
export type EventFrame = z.infer<typeof eventFrame>;

/** Frames a server reads. */
export const clientFrame = z.union([helloFrame, requestFrame]);
/** Frames a client reads. */
export const serverFrame = z.union([helloFrame, responseFrame, eventFrame]);

export const hello = (error?: ContractError, now?: Date): HelloFrame => ({
  hello: { contract: contractVersion(), ...(error ? { error } : {}), ...(now ? { now: now.toISOString() } : {}) },
});

/** The refusal a peer of another contract version gets (in its hello, and for every request it still sends). */
export function contractMismatch(peer: string): ContractError {
  return { code: 'contract_mismatch', details: { ours: contractVersion(), peer: peer.slice(0, 64) } };
}

/** WebSocket close code sent after a contract mismatch (4000–4999: the application's own). */
export const CLOSE_CONTRACT_MISMATCH = 4009;

/** Reads a server's frame as a client; null for anything that is not one. */
export function readServerFrame(text: string): HelloFrame | ResponseFrame | EventFrame | null {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = serverFrame.safeParse(msg);
  return parsed.success ? parsed.data : null;
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

/**
 * Requests a desk in center mode serves itself instead of forwarding to the center: they drive the
 * softphone registered from this desk (call control, the agent-state machine that decides whether
 * the phone rings) and the renderer that plays its audio. Everything else (tickets, screen-pop
 * lookups, duty targets, phone and SIP configuration, sessions) is the center's.
 */
export const deskLocalRequests = [
  'phone.status', 'phone.signIn', 'phone.signOut', 'phone.setReady', 'phone.setNotReady', 'phone.wrapUp',
  'phone.answer', 'phone.reject', 'phone.hangup', 'phone.hold', 'phone.mute', 'phone.dtmf',
  'phone.blindTransfer', 'phone.startConsult', 'phone.completeTransfer', 'phone.cancelConsult', 'phone.dial',
  'phone.selfTestEcho', 'phone.selfTestResult',
  'media.attach', 'media.reply', 'media.lost', 'media.audioHealth',
  // The desk's calls are recorded on the desk (uploaded to the center when the call ends: issue 15.1).
  'recording.start', 'recording.chunk', 'recording.finish',
] as const satisfies readonly RequestName[];

/**
 * Requests only a desk's main process makes of its center (the user's own SIP password, to
 * register the phone from the desk): a desk refuses them from its renderer, and the center answers
 * them only on a connection of a program (no Origin), never a page's.
 */
export const deskMainOnlyRequests = ['sip.myAccount', 'seat.recordCall', 'seat.wrapUpCall', 'recording.upload'] as const satisfies readonly RequestName[];

/**
 * How a forwarder follows the sign-in it carries: requests whose successful result is a session
 * (with the token on a new sign-in) or ends it. The desk keeps the token so that a reconnect can
 * resume the session with `session.resume`.
 */
export const sessionEffects = {
  'setup.createFirstAdmin': 'signed_in',
  'session.login': 'signed_in',
  'session.resume': 'session',
  'session.changePassword': 'session',
  'session.current': 'session',
  'session.logout': 'ended',
} as const satisfies Partial<Record<RequestName, 'signed_in' | 'session' | 'ended'>>;
