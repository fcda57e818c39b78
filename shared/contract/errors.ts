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
  'account_disabled',
  'setup_already_done',
  'weak_password',
  'username_taken',
  /** A session token that is unknown, expired or revoked; details.reason says which. */
  'session_expired',
  /** The password was set by an admin and must be changed before anything else. */
  'password_change_required',
  'store_unavailable',
  'internal',
  /** Set by the renderer's transport, never by main: the link to main dropped mid-request. */
  'disconnected',
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
