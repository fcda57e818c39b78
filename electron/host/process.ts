import type { Logger } from '../log';
import { storeFailureMessage } from '../store/errors';

/** What a started process closes on SIGINT/SIGTERM, in order; the lock is released whatever fails. */
export interface RunningProcess {
  close: (() => Promise<void>)[];
  releaseLock(): void;
  log: Logger;
}

/**
 * The life of `npm run host` and `npm run server`: signal handlers first (a signal during start-up
 * must not kill the process with the data folder still locked; the stop runs once there is
 * something to close), then start; a start-up failure of a known kind (one of `startErrors`, or the store's)
 * is one sentence on stderr and exit code 1.
 */
export function runProcess(start: () => Promise<RunningProcess>, ...startErrors: (new (...a: never[]) => Error)[]): void {
  let stop: (() => Promise<void>) | null = null;
  let stopRequested = false;
  const onSignal = () => {
    stopRequested = true;
    void stop?.();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  start().then(async (running) => {
    let closing = false;
    stop = async () => {
      if (closing) return;
      closing = true;
      let code = 0;
      try {
        for (const close of running.close) await close();
      } catch (e) {
        // Whatever failed while closing, the folder is freed: the next start must not find a live lock.
        running.log.error('stop failed', { error: (e as Error).stack ?? String(e) });
        code = 1;
      } finally {
        running.releaseLock();
      }
      process.exit(code);
    };
    if (stopRequested) await stop();
  }).catch((e: unknown) => {
    const known = startErrors.some((E) => e instanceof E) ? (e as Error).message : storeFailureMessage(e);
    process.stderr.write(`${known ?? `启动失败：${(e as Error).stack ?? String(e)}`}\n`);
    process.exit(1);
  });
}
