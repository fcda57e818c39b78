import type { z } from 'zod';
import type { Role } from './roles';

/** Who may call a request: anyone (login screen), any signed-in user, or holders of listed roles. */
export type Access = 'public' | 'session' | readonly Role[];

/**
 * What kind of per-record data a request answers with: tickets (scoped by the reader's department)
 * or consultation items (scoped by route, claim and role). Marked requests are walked by the
 * per-record access test (test/security/access.test.ts); a request whose result carries ticket- or
 * item-like records without a mark fails the type check there.
 */
export type RecordKind = 'tickets' | 'items';

export interface RequestDef<I extends z.ZodType = z.ZodType, O = unknown> {
  input: I;
  access: Access;
  /** Set on every request whose result carries tickets or consultation items. */
  returns?: RecordKind;
  /** Phantom: carries the result type; never set at run time. */
  readonly _output?: O;
}

export interface EventDef<P = unknown> {
  /** Phantom: carries the payload type. */
  readonly _payload?: P;
}

export function request<O>() {
  function define<I extends z.ZodType>(input: I, access: Access): RequestDef<I, O>;
  function define<I extends z.ZodType, R extends RecordKind>(input: I, access: Access, returns: R): RequestDef<I, O> & { returns: R };
  function define<I extends z.ZodType>(input: I, access: Access, returns?: RecordKind): RequestDef<I, O> {
    return returns ? { input, access, returns } : { input, access };
  }
  return define;
}

export function event<P>(): EventDef<P> {
  return {};
}
