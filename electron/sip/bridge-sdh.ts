/**
 * A sip.js SessionDescriptionHandler that owns no media: it forwards offer/answer work to the
 * call's MediaBridge and tracks only which side made the pending offer.
 */
import type {
  BodyAndContentType,
  Session,
  SessionDescriptionHandler,
  SessionDescriptionHandlerFactory,
} from "sip.js";
import type { MediaBridge } from "./media-bridge.js";

const SDP = "application/sdp";

export class BridgeSessionDescriptionHandler implements SessionDescriptionHandler {
  /** Remote offer waiting for our answer (incoming INVITE or re-INVITE). */
  private remoteOffer: string | undefined;
  /** We sent an offer and the next setDescription is its answer. */
  private localOfferPending = false;
  /** The media that made the pending offer is gone: its answer is taken but not applied (see forgetPendingOffer). */
  private pendingOfferOrphaned = false;

  constructor(private readonly bridge: MediaBridge) {}

  close(): void {
    this.bridge.close();
  }

  hasDescription(contentType: string): boolean {
    return contentType === SDP;
  }

  async getDescription(): Promise<BodyAndContentType> {
    if (this.remoteOffer !== undefined) {
      const offer = this.remoteOffer;
      this.remoteOffer = undefined;
      return { body: await this.bridge.createAnswer(offer), contentType: SDP };
    }
    const body = await this.bridge.createOffer();
    this.localOfferPending = true;
    return { body, contentType: SDP };
  }

  /**
   * The media that made our pending offer is gone: the renderer that held it reloaded while the
   * far end was still ringing. The far end answers that offer in its 200 OK; the answer is taken
   * without applying it (no peer connection has the offer any more) so that sip.js ACKs and the
   * call comes up, and the service then sends the new media's offer by re-INVITE. True when an
   * offer of ours was waiting for its answer.
   */
  forgetPendingOffer(): boolean {
    if (!this.localOfferPending) return false;
    this.pendingOfferOrphaned = true;
    return true;
  }

  async setDescription(sdp: string): Promise<void> {
    if (this.localOfferPending) {
      this.localOfferPending = false;
      if (this.pendingOfferOrphaned) {
        this.pendingOfferOrphaned = false;
        return;
      }
      await this.bridge.setRemote(sdp);
      return;
    }
    this.remoteOffer = sdp;
  }

  async rollbackDescription(): Promise<void> {
    this.localOfferPending = false;
    this.pendingOfferOrphaned = false;
    this.remoteOffer = undefined;
    await this.bridge.rollback();
  }

  /** sip.js wants a synchronous answer; the service calls the bridge directly and falls back to INFO. */
  sendDtmf(tones: string): boolean {
    void this.bridge.sendDtmf(tones);
    return true;
  }
}

/**
 * The factory sip.js calls when a session first needs SDP. The service registers each session's
 * bridge before that moment; a session without one (should not happen) gets a fresh bridge.
 */
export function bridgeSdhFactory(
  bridgeFor: (session: Session) => MediaBridge,
): SessionDescriptionHandlerFactory {
  return (session: Session) => new BridgeSessionDescriptionHandler(bridgeFor(session));
}
