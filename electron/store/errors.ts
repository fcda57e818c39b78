/** Why the store could not be opened. Startup shows the message and exits without writing. */
export type StoreProblem = 'unreadable' | 'newer_version' | 'locked' | 'migration_failed' | 'unreachable' | 'misconfigured';

export class StoreError extends Error {
  constructor(readonly problem: StoreProblem, message: string, readonly facts: Record<string, string | number> = {}) {
    super(message);
    this.name = 'StoreError';
  }
}
