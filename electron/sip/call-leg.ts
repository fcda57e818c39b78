/**
 * One call as the console sees it: the sip.js session it drives, its media bridge, and the
 * timing that becomes the call record (ring, talk, hold) when it ends.
 */
import type { Session } from "sip.js";
import type { MediaBridge, OfferProblem } from "./media-bridge.js";
import type { CallDirection, CallRecord, CallSnapshot, CallState, EndReason } from "./types.js";

export class CallLeg {
  state: CallState;
  held = false;
  muted = false;
  /** Set once answer() has been called, so a second click cannot answer twice. */
  answering = false;
  answeredAt: number | undefined;
  endedAt: number | undefined;
  /** What ends the call if the session terminates next; set before local actions and by remote events. */
  pendingEndReason: EndReason | undefined;
  endReason: EndReason | undefined;
  sipCode: number | undefined;
  transferTarget: string | undefined;
  consultForCallId: string | undefined;
  ticketId: string | null = null;
  mediaProblem: OfferProblem | undefined;
  /** The in-dialog OPTIONS keep-alive of a connected call (see SoftphoneConfig.callKeepAliveIntervalMs). */
  pingTimer: NodeJS.Timeout | undefined;
  /** The media hand-over to a new renderer in progress (see SoftphoneService.renegotiateMedia). */
  handover: Promise<void> | undefined;
  /**
   * An outgoing call whose media was handed to a new renderer while it still rang: the far end's
   * answer is to the old renderer's offer, so once it answers the new media's offer goes by re-INVITE.
   */
  reofferOnAnswer = false;
  private holdSince: number | undefined;
  private isConfirmed = false;
  private confirmWaiters: Array<() => void> = [];
  private holdMs = 0;

  constructor(
    readonly callId: string,
    readonly direction: CallDirection,
    readonly remoteNumber: string,
    readonly remoteDisplayName: string | undefined,
    readonly session: Session,
    readonly bridge: MediaBridge,
    readonly invitedAt: number,
  ) {
    this.state = direction === "inbound" ? "ringing" : "dialing";
  }

  get ended(): boolean {
    return this.state === "ended";
  }

  markAnswered(at: number): void {
    if (this.answeredAt === undefined) this.answeredAt = at;
    this.state = "active";
  }

  /** An outgoing call the far end has not answered yet (INVITE out, maybe ringing). */
  get ringingOut(): boolean {
    return this.direction === "outbound" && (this.state === "dialing" || this.state === "early");
  }

  /** The dialog is confirmed: ACK received (inbound) or sent (outbound). */
  confirm(): void {
    this.isConfirmed = true;
    for (const wake of this.confirmWaiters.splice(0)) wake();
  }

  /**
   * A re-INVITE or REFER sent between our 200 and the caller's ACK makes sip.js see the ACK in
   * the wrong offer/answer state and hang up, so in-dialog requests wait for the ACK first.
   */
  async confirmed(timeoutMs: number): Promise<void> {
    if (this.isConfirmed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.confirmWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  markHeld(held: boolean, at: number): void {
    if (held === this.held) return;
    this.held = held;
    if (held) {
      this.holdSince = at;
    } else if (this.holdSince !== undefined) {
      this.holdMs += at - this.holdSince;
      this.holdSince = undefined;
    }
  }

  /** Returns false if the call had already ended (so the record is emitted once). */
  markEnded(at: number, fallback: EndReason): boolean {
    if (this.state === "ended") return false;
    this.markHeld(false, at);
    this.endedAt = at;
    this.endReason = this.pendingEndReason ?? fallback;
    this.state = "ended";
    return true;
  }

  snapshot(): CallSnapshot {
    const snapshot: CallSnapshot = {
      callId: this.callId,
      direction: this.direction,
      remoteNumber: this.remoteNumber,
      state: this.state,
      held: this.held,
      muted: this.muted,
      ticketId: this.ticketId,
    };
    if (this.remoteDisplayName !== undefined) snapshot.remoteDisplayName = this.remoteDisplayName;
    if (this.consultForCallId !== undefined) snapshot.consultForCallId = this.consultForCallId;
    return snapshot;
  }

  /** Talk time runs from answer to end and includes time on hold. */
  record(): CallRecord {
    const endedAt = this.endedAt ?? Date.now();
    const record: CallRecord = {
      callId: this.callId,
      direction: this.direction,
      remoteNumber: this.remoteNumber,
      invitedAt: this.invitedAt,
      endedAt,
      ringMs: (this.answeredAt ?? endedAt) - this.invitedAt,
      talkMs: this.answeredAt === undefined ? 0 : endedAt - this.answeredAt,
      holdMs: this.holdMs,
      endReason: this.endReason ?? "failed",
    };
    if (this.remoteDisplayName !== undefined) record.remoteDisplayName = this.remoteDisplayName;
    if (this.answeredAt !== undefined) record.answeredAt = this.answeredAt;
    if (this.sipCode !== undefined) record.sipCode = this.sipCode;
    if (this.transferTarget !== undefined) record.transferTarget = this.transferTarget;
    if (this.consultForCallId !== undefined) record.consultForCallId = this.consultForCallId;
    if (this.ticketId !== null) record.ticketId = this.ticketId;
    if (this.mediaProblem !== undefined) record.mediaProblem = this.mediaProblem;
    return record;
  }
}
