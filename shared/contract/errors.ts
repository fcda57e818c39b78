/**
 * Error codes that cross the process boundary. The renderer translates each code through its
 * catalogue, so main never sends user-facing prose; `details` carries the facts a message needs.
 */
export const errorCodes = [
  'invalid_input',
  'unknown_request',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'login_failed',
  'account_locked',
  /** Too many sign-in attempts for one user name or from one address; details.scope and details.seconds. */
  'too_many_attempts',
  'account_disabled',
  'setup_already_done',
  'weak_password',
  'username_taken',
  /** A session token that is unknown, expired or revoked; details.reason says which. */
  'session_expired',
  /** The password was set by an admin and must be changed before anything else. */
  'password_change_required',
  /** The store's connection failed or dropped; nothing of the request was written unless it says so. */
  'store_unavailable',
  /** A statement ran past the store's statement timeout and was cancelled (its transaction rolled back). */
  'store_timeout',
  /** The database server is out of disk or another resource; nothing was written. */
  'store_full',
  'internal',
  /** Set by the renderer's transport, never by main: the link to main dropped mid-request. */
  'disconnected',
  /** The peer speaks another contract version (details.ours, details.peer): one side must be upgraded. */
  'contract_mismatch',
  /** A desk in center mode could not reach the center; the request was not sent. */
  'center_unreachable',
  /**
   * A desk could not reach its center and cannot sign this user in offline: details.reason
   * 'offline_unknown_here' (never signed in on this desk, or the desk learned the account changed)
   * or 'offline_too_old' (the last online sign-in here is older than the desk allows).
   */
  'offline_signin_unavailable',
  /** A write saved under an offline sign-in the center then refused (account disabled, password changed): not sent. */
  'offline_session_refused',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface ContractError {
  code: ErrorCode;
  /** Which input field is wrong, for invalid_input; the form highlights it. */
  issues?: { path: string; problem: string }[];
  /** Extra facts the message needs, e.g. minutes until a lockout ends. */
  details?: Record<string, string | number | boolean>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ContractError };

export class ContractFailure extends Error {
  constructor(readonly error: ContractError) {
    super(error.code);
    this.name = 'ContractFailure';
  }
}

export function fail(code: ErrorCode, extra: Omit<ContractError, 'code'> = {}): never {
  throw new ContractFailure({ code, ...extra });
}
