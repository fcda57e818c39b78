import { fail, type DeskSync } from '../../../shared/contract';
import type { HandlerSlice } from './context';

/** A console on its own store: nothing to sync. A desk of a center answers these in its forwarder (electron/desk). */
export const STANDALONE_SYNC: DeskSync = { mode: 'standalone', online: true, waiting: 0, failed: 0, lastSyncAt: null, center: null, offlineSignIn: false, clockSkewMs: null };

export function standaloneDeskHandlers(): HandlerSlice<`desk.${string}`> {
  return {
    'desk.status': () => STANDALONE_SYNC,
    'desk.outbox': () => [],
    'desk.outboxDiscard': () => fail('not_found'),
    'desk.outboxInput': () => fail('not_found'),
  };
}
