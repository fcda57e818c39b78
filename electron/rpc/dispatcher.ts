import { ZodError } from 'zod';
import {
  ContractFailure, inAudience, isRequestName, readOnlyRequests, type Audience, requests, type ContractError, type EventName, type EventPayload,
  type ParsedInput, type RequestName, type RequestOutput, type Result, type Role, type SessionInfo,
} from '../../shared/contract';
import type { Logger } from '../log';
import { isUnstorableText } from '../store/dialect';
import { isConnectionFault, storeFault } from '../store/errors';

/** One connected renderer: an Electron webContents or a host-mode WebSocket. */
export interface Connection {
  id: string;
  session: SessionInfo | null;
  /** The sessions row this connection signed in or resumed with (set by the session handlers only). */
  sessionId?: string | null;
  /** When the row was last confirmed alive (ms since epoch). */
  sessionCheckedAt?: number;
  /** When it is to be confirmed again (ms since epoch; spread per connection, see SessionHub). */
  sessionRecheckAt?: number;
  /** The peer's network address (WebSocket bindings): login attempts are limited per address. */
  remoteAddress?: string;
  /**
   * A program, not a page: a WebSocket peer that sent no Origin (a desk's main process). Only such
   * a peer is given a user's own SIP password (sip.myAccount); a renderer never is.
   */
  program?: boolean;
  send<E extends EventName>(name: E, payload: EventPayload<E>): void;
}

export interface CallContext {
  connection: Connection;
  /** The signed-in user; handlers behind 'session' or role access always have one. */
  session: SessionInfo | null;
}

export type Handlers = {
  [N in RequestName]: (input: ParsedInput<N>, ctx: CallContext) => Promise<RequestOutput<N>> | RequestOutput<N>;
};

/** What a binding needs of the layer behind it: the dispatcher, or a desk's forwarder to a center. */
export interface RequestRouter {
  attach(connection: Connection): void;
  detach(connectionId: string): void;
  dispatch(connection: Connection, name: unknown, rawInput: unknown): Promise<Result<unknown>>;
}

export interface DispatcherOptions {
  /**
   * Confirms, before a request runs, that the connection's session still exists (not expired,
   * not revoked by another process); it signs the connection out when it does not.
   */
  sessionGuard?: (connection: Connection) => Promise<void>;
  /**
   * Resolves once the store answers again (or gives up): a read-only request whose connection
   * dropped is run once more after it. Without it, such a request is reported at once.
   */
  storeReady?: () => Promise<boolean>;
}

/** All a user whose password an admin set may do before changing it. */
const WHILE_PASSWORD_MUST_CHANGE: ReadonlySet<RequestName> = new Set<RequestName>([
  'session.changePassword', 'session.logout', 'session.current', 'settings.get',
]);

function zodIssues(e: ZodError): ContractError['issues'] {
  // A refinement's message is a problem code of its own (no_content, hidden_characters …).
  return e.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), problem: i.code === 'custom' && /^[a-z_]{1,40}$/.test(i.message) ? i.message : i.code }));
}

/** A request's input parsed by its contract schema, or the invalid_input refusal with its issues. */
export function parseRequestInput<N extends RequestName>(name: N, rawInput: unknown): Result<ParsedInput<N>> {
  const def = requests[name];
  let parsed: ReturnType<typeof def.input.safeParse>;
  try {
    parsed = def.input.safeParse(rawInput ?? {});
  } catch {
    // Input the validator itself cannot walk (a stack-deep structure, a throwing getter): refused, not a crash.
    return { ok: false, error: { code: 'invalid_input' } };
  }
  if (!parsed.success) return { ok: false, error: { code: 'invalid_input', issues: zodIssues(parsed.error) } };
  return { ok: true, value: parsed.data as ParsedInput<N> };
}

/** Why this session may not make this request (no session, a password to change first, a role it lacks); null when it may. */
export function accessRefusal(name: RequestName, session: SessionInfo | null): ContractError | null {
  const def = requests[name];
  if (def.access === 'public') return null;
  if (!session) return { code: 'unauthenticated' };
  if (session.mustChangePassword && !WHILE_PASSWORD_MUST_CHANGE.has(name)) return { code: 'password_change_required' };
  if (def.access !== 'session' && !session.user.roles.some((r: Role) => (def.access as readonly Role[]).includes(r))) return { code: 'forbidden' };
  return null;
}

/**
 * The single place where an untrusted request becomes a call: the name is checked against the
 * contract, the input parsed by its schema, the caller's access checked, and every failure turned
 * into a typed error. Both transports (Electron IPC, host-mode WebSocket) call only this.
 */
export class Dispatcher implements RequestRouter {
  private readonly connections = new Map<string, Connection>();

  constructor(private readonly handlers: Handlers, private readonly log: Logger, private readonly opts: DispatcherOptions = {}) {}

  attach(connection: Connection): void {
    this.connections.set(connection.id, connection);
  }

  detach(connectionId: string): void {
    this.connections.delete(connectionId);
  }

  /**
   * Pushes an event to this process's connections whose signed-in user is in the audience (plain
   * data, see shared/contract/audience.ts); the event bus's subscription calls it for every event.
   */
  deliver<E extends EventName>(name: E, payload: EventPayload<E>, audience: Audience): void {
    for (const c of this.connections.values()) if (c.session && inAudience(audience, c.session.user)) c.send(name, payload);
  }

  connection(id: string): Connection | undefined {
    return this.connections.get(id);
  }

  allConnections(): Connection[] {
    return [...this.connections.values()];
  }

  /** Connections currently signed in as this user (for ending sessions of a disabled account). */
  connectionsOf(userId: string): Connection[] {
    return [...this.connections.values()].filter((c) => c.session?.user.id === userId);
  }

  async dispatch(connection: Connection, name: unknown, rawInput: unknown): Promise<Result<unknown>> {
    if (!isRequestName(name)) {
      this.log.warn('rejected unknown request', { requestName: typeof name === 'string' ? name.slice(0, 80) : typeof name });
      return { ok: false, error: { code: 'unknown_request' } };
    }
    const parsed = parseRequestInput(name, rawInput);
    if (!parsed.ok) {
      this.log.warn('rejected invalid input', { requestName: name, issues: parsed.error.issues?.length ?? 0 });
      return parsed;
    }
    if (connection.session && this.opts.sessionGuard) {
      try {
        await this.opts.sessionGuard(connection);
      } catch (e) {
        this.log.error('session check failed', { requestName: name, error: (e as Error).stack ?? String(e) });
        return { ok: false, error: { code: storeFault(e) ?? 'internal' } };
      }
    }
    const session = connection.session;
    const refused = accessRefusal(name, session);
    if (refused) {
      if (refused.code === 'forbidden') this.log.warn('rejected forbidden request', { requestName: name, userId: session?.user.id });
      return { ok: false, error: refused };
    }
    const handler = this.handlers[name] as (input: unknown, ctx: CallContext) => unknown;
    try {
      try {
        return { ok: true, value: await handler(parsed.value, { connection, session }) };
      } catch (e) {
        if (!(isConnectionFault(e) && readOnlyRequests.has(name) && this.opts.storeReady)) throw e;
        this.log.warn('store connection lost during a read, retrying once', { requestName: name });
        if (!(await this.opts.storeReady())) throw e;
        return { ok: true, value: await handler(parsed.value, { connection, session }) };
      }
    } catch (e) {
      if (e instanceof ContractFailure) return { ok: false, error: e.error };
      if (e instanceof ZodError) return { ok: false, error: { code: 'invalid_input', issues: zodIssues(e) } };
      if (isUnstorableText(e)) {
        this.log.warn('rejected text the store cannot hold', { requestName: name });
        return { ok: false, error: { code: 'invalid_input' } };
      }
      const fault = storeFault(e);
      if (fault) {
        this.log.error('request failed on the store', { requestName: name, fault, error: (e as Error).message });
        return { ok: false, error: { code: fault } };
      }
      this.log.error('request failed', { requestName: name, error: (e as Error).stack ?? String(e) });
      return { ok: false, error: { code: 'internal' } };
    }
  }
}
