import { z } from 'zod';
import { event, request } from './define';
import type { ContractError } from './errors';
import type { TicketCreateInput } from './tickets';

/**
 * A desk's link to its center, as the header shows it. A standalone console (its own store) has
 * nothing to sync: mode 'standalone', online, nothing waiting.
 */
export interface DeskSync {
  mode: 'standalone' | 'center';
  /** The center answers (its hello came back); false while the network or the center is down. */
  online: boolean;
  /** Writes made on this desk that the center has not confirmed yet (the outbox), the failed ones included. */
  waiting: number;
  /** Writes the center refused on replay: the agent must look at them (edit again or discard). */
  failed: number;
  /** When the outbox was last empty with the center reachable, or a write last reached it (ISO). */
  lastSyncAt: string | null;
  /** The center's host:port, for the tooltip. */
  center: string | null;
  /**
   * This window's sign-in was checked by the desk alone (its offline verifier) while the center
   * could not be reached: the header says 离线登录 until the center confirms it.
   */
  offlineSignIn: boolean;
  /**
   * This desk's clock minus the center's, in ms, measured at the last hello (half the round trip
   * allowed for); null on a standalone console or before the center first answered. The header
   * warns from CLOCK_SKEW_WARN_MS on: what the desk stamps (a ticket saved offline, a call, a
   * recording) would be that far off.
   */
  clockSkewMs: number | null;
}

/** A desk clock this far from the center's is shown as wrong (a minute: more than any network delay). */
export const CLOCK_SKEW_WARN_MS = 60_000;

/** Writes a desk can take while the center is down; everything else says it needs the center. */
export const outboxRequests = ['tickets.create'] as const;
export type OutboxRequest = (typeof outboxRequests)[number];

export interface OutboxItem {
  /** The id the desk made for what it writes (the ticket's id for tickets.create). */
  id: string;
  /** Replay order on this desk. */
  seq: number;
  name: OutboxRequest;
  /** What the agent would recognise: the ticket's title. */
  summary: string;
  /** When the agent saved it on the desk (ISO). */
  createdAt: string;
  state: 'waiting' | 'failed';
  /** Why the center refused it (state 'failed'). */
  error: ContractError | null;
  attempts: number;
}

const outboxId = z.string().uuid();

export const deskRequests = {
  /** The header's sync line. */
  'desk.status': request<DeskSync>()(z.object({}).strict(), 'session'),
  /** This user's writes waiting on this desk, oldest first. */
  'desk.outbox': request<OutboxItem[]>()(z.object({}).strict(), 'session'),
  /** Drops a write the center refused (or one the agent no longer wants sent). */
  'desk.outboxDiscard': request<null>()(z.object({ id: outboxId }).strict(), 'session'),
  /**
   * What a waiting or refused write carries, so that the agent can take it back into the intake
   * form to correct it: the renderer saves it as the form's draft first, then discards the item.
   */
  'desk.outboxInput': request<TicketCreateInput>()(z.object({ id: outboxId }).strict(), 'session'),
};

export const deskEvents = {
  /** The desk went online or offline, or its outbox changed. */
  'desk.sync': event<DeskSync>(),
};
