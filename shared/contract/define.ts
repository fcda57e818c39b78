import type { z } from 'zod';
import type { Role } from './roles';

/** Who may call a request: anyone (login screen), any signed-in user, or holders of listed roles. */
export type Access = 'public' | 'session' | readonly Role[];

export interface RequestDef<I extends z.ZodType = z.ZodType, O = unknown> {
  input: I;
  access: Access;
  /** Phantom: carries the result type; never set at run time. */
  readonly _output?: O;
}

export interface EventDef<P = unknown> {
  /** Phantom: carries the payload type. */
  readonly _payload?: P;
}

export function request<O>() {
  return <I extends z.ZodType>(input: I, access: Access): RequestDef<I, O> => ({ input, access });
}

export function event<P>(): EventDef<P> {
  return {};
}
