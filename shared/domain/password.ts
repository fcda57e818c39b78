/**
 * The password rules, in one place for main (which decides) and the renderer (which shows them
 * while the user types). Main never trusts the renderer's check.
 */
export const PASSWORD_MIN_LENGTH = 8;
/** Of lower-case letters, upper-case letters, digits and symbols, at least this many kinds. */
export const PASSWORD_MIN_CLASSES = 2;

export type PasswordProblem = 'too_short' | 'too_simple';

export interface PasswordChecks {
  /** At least PASSWORD_MIN_LENGTH characters. */
  length: boolean;
  /** At least PASSWORD_MIN_CLASSES kinds of characters. */
  classes: boolean;
}

export function passwordChecks(password: string): PasswordChecks {
  const kinds = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  return { length: password.length >= PASSWORD_MIN_LENGTH, classes: kinds >= PASSWORD_MIN_CLASSES };
}

/** Returns a reason code when a new password is too weak; the UI explains the code. */
export function passwordProblem(password: string): PasswordProblem | null {
  const c = passwordChecks(password);
  if (!c.length) return 'too_short';
  return c.classes ? null : 'too_simple';
}
