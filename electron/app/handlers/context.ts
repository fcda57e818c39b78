import { fail, type SessionInfo } from '../../../shared/contract';
import type { Handlers } from '../../rpc/dispatcher';

/** The handlers of the contract requests whose names match P: what one area's module returns. */
export type HandlerSlice<P extends string> = Pick<Handlers, Extract<keyof Handlers, P>>;

/** The caller's session; handlers behind access always have one, others fail 'unauthenticated'. */
export const sessionOf = (ctx: { session: SessionInfo | null }): SessionInfo => ctx.session ?? fail('unauthenticated');

/** The caller's user id. */
export const userOf = (ctx: { session: SessionInfo | null }): string => sessionOf(ctx).user.id;
