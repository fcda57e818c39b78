/**
 * A connected call handed to new media (the renderer that plays it reloaded): the softphone
 * renegotiates it with the new offer by re-INVITE through Kamailio and the call goes on; a far end
 * that refuses the new offer ends the call as dropped by the network, with its SIP code.
 * An outgoing call still ringing at the hand-over: the far end's answer to the old offer is set
 * aside (ACKed, not applied) and the new offer follows by re-INVITE once it answers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NullMediaBridge } from "../../electron/sip/index.js";
import { TestAgent } from "./agent.js";
import { KamailioHarness } from "./kamailio.js";

/** The bridge of a call now stands for a renderer that lost the call's media and made it anew. */
function lostItsMedia(bridge: NullMediaBridge): void {
  Object.assign(bridge, { adopt: () => Promise.resolve(true) });
}

describe("handing a connected call's media to a new renderer", { timeout: 40_000 }, () => {
  let kamailio: KamailioHarness;
  let desk: TestAgent;
  let farEnd: TestAgent;

  beforeAll(async () => {
    kamailio = await KamailioHarness.start();
    desk = new TestAgent("1001");
    farEnd = new TestAgent("1002");
    await Promise.all([desk.startRegistered(kamailio), farEnd.startRegistered(kamailio)]);
  }, 30_000);

  afterAll(async () => {
    await Promise.all([desk?.stop(), farEnd?.stop()]);
    await kamailio?.stop();
  }, 20_000);

  /** farEnd calls the desk, the desk answers; resolves with both sides' call ids. */
  async function connected(): Promise<{ deskCall: string; farCall: string }> {
    const [dSince, fSince] = [desk.events.length, farEnd.events.length];
    const farCall = await farEnd.service.call("1001");
    const incoming = await desk.waitFor("incoming", () => true, 10_000, dSince);
    await desk.service.answer(incoming.callId);
    await desk.waitFor("call", (c) => c.callId === incoming.callId && c.state === "active", 10_000, dSince);
    await farEnd.waitFor("call", (c) => c.callId === farCall && c.state === "active", 10_000, fSince);
    return { deskCall: incoming.callId, farCall };
  }

  it("renegotiates by re-INVITE: the far end takes the new offer and the call goes on as one call", async () => {
    const { deskCall, farCall } = await connected();
    const farBridge = farEnd.bridges.get(farCall)!;
    const offerBefore = farBridge.remoteSdp;

    // Media still in place: nothing to renegotiate.
    expect((await desk.service.renegotiateMedia()).map((h) => h.outcome)).toEqual(["kept"]);

    lostItsMedia(desk.bridges.get(deskCall)!);
    const [handover] = await desk.service.renegotiateMedia();
    expect(handover).toMatchObject({ callId: deskCall, outcome: "renegotiated" });
    expect(farBridge.remoteSdp).not.toBe(offerBefore);
    expect(desk.service.calls().map((c) => [c.callId, c.state])).toEqual([[deskCall, "active"]]);

    const since = desk.events.length;
    await farEnd.service.hangup(farCall);
    const record = await desk.waitFor("ended", (r) => r.callId === deskCall, 10_000, since);
    expect(record.endReason).toBe("remote-hangup");
    expect(desk.events.filter((e) => e.event === "ended" && e.payload.callId === deskCall)).toHaveLength(1);
  });

  it("keeps the call's hold state in the new offer", async () => {
    const { deskCall, farCall } = await connected();
    await desk.service.hold(deskCall);
    const adopted: Array<{ held: boolean; muted: boolean }> = [];
    Object.assign(desk.bridges.get(deskCall)!, { adopt: (state: { held: boolean; muted: boolean }) => { adopted.push(state); return Promise.resolve(true); } });
    const [handover] = await desk.service.renegotiateMedia();
    expect(handover!.outcome).toBe("renegotiated");
    expect(adopted).toEqual([{ held: true, muted: false }]);
    expect(farEnd.bridges.get(farCall)!.remoteDirection).toBe("sendonly");
    await desk.service.hangup(deskCall);
    await farEnd.waitFor("ended", (r) => r.callId === farCall);
  });

  /** The desk calls the far end, which rings (not answered); resolves with both sides' call ids. */
  async function ringingOut(): Promise<{ deskCall: string; farCall: string }> {
    const [dSince, fSince] = [desk.events.length, farEnd.events.length];
    const deskCall = await desk.service.call("1002");
    const incoming = await farEnd.waitFor("incoming", () => true, 10_000, fSince);
    await desk.waitFor("call", (c) => c.callId === deskCall && c.state === "early", 10_000, dSince);
    return { deskCall, farCall: incoming.callId };
  }

  /** Every answer SDP the desk's bridge of this call was given to apply. */
  function appliedAnswers(deskCall: string): string[] {
    const bridge = desk.bridges.get(deskCall)!;
    const applied: string[] = [];
    const setRemote = bridge.setRemote.bind(bridge);
    Object.assign(bridge, { setRemote: (sdp: string) => { applied.push(sdp); return setRemote(sdp); } });
    return applied;
  }

  it("an outgoing call ringing at the hand-over: once answered, the far end gets the new offer by re-INVITE and the call goes on", async () => {
    const { deskCall, farCall } = await ringingOut();
    const applied = appliedAnswers(deskCall);
    lostItsMedia(desk.bridges.get(deskCall)!);
    const since = desk.events.length;
    expect(await desk.service.renegotiateMedia()).toEqual([expect.objectContaining({ callId: deskCall, outcome: "awaiting-answer" })]);
    // Still ringing for the agent, and for the far end.
    expect(desk.service.calls().map((c) => [c.callId, c.state])).toEqual([[deskCall, "early"]]);
    const farBridge = farEnd.bridges.get(farCall)!;
    const firstOffer = farBridge.remoteSdp;

    await farEnd.service.answer(farCall);
    const after = await desk.waitFor("mediaAfterAnswer", (h) => h.callId === deskCall, 10_000, since);
    expect(after.outcome).toBe("renegotiated");
    // The far end now has the new media's offer; the desk applied only the answer to it, not the one to the old offer.
    expect(farBridge.remoteSdp).not.toBe(firstOffer);
    expect(applied).toHaveLength(1);
    expect(desk.service.calls().map((c) => [c.callId, c.state])).toEqual([[deskCall, "active"]]);
    expect(farEnd.service.calls().map((c) => [c.callId, c.state])).toEqual([[farCall, "active"]]);

    await desk.service.hangup(deskCall);
    const record = await desk.waitFor("ended", (r) => r.callId === deskCall, 10_000, since);
    expect(record.endReason).toBe("local-hangup");
    expect(record.answeredAt).toBeDefined();
    await farEnd.waitFor("ended", (r) => r.callId === farCall);
  });

  it("handed over twice while ringing: one re-INVITE after the answer", async () => {
    const { deskCall, farCall } = await ringingOut();
    lostItsMedia(desk.bridges.get(deskCall)!);
    const since = desk.events.length;
    expect((await desk.service.renegotiateMedia()).map((h) => h.outcome)).toEqual(["awaiting-answer"]);
    expect((await desk.service.renegotiateMedia()).map((h) => h.outcome)).toEqual(["awaiting-answer"]);
    await farEnd.service.answer(farCall);
    await desk.waitFor("mediaAfterAnswer", (h) => h.callId === deskCall && h.outcome === "renegotiated", 10_000, since);
    await desk.waitFor("call", (c) => c.callId === deskCall && c.state === "active", 10_000, since);
    expect(desk.count("mediaAfterAnswer", (h) => h.callId === deskCall)).toBe(1);
    await farEnd.service.hangup(farCall);
    expect((await desk.waitFor("ended", (r) => r.callId === deskCall, 10_000, since)).endReason).toBe("remote-hangup");
  });

  it("a call handed over while ringing that the far end refuses ends unanswered, with no re-INVITE", async () => {
    const { deskCall, farCall } = await ringingOut();
    lostItsMedia(desk.bridges.get(deskCall)!);
    const since = desk.events.length;
    await desk.service.renegotiateMedia();
    await farEnd.service.reject(farCall, 486);
    const record = await desk.waitFor("ended", (r) => r.callId === deskCall, 10_000, since);
    // Never answered, never re-offered (its end reason is whatever a refused call gets without a hand-over).
    expect(record.answeredAt).toBeUndefined();
    expect(record.talkMs).toBe(0);
    expect(record.endReason).not.toBe("connection-lost");
    expect(desk.count("mediaAfterAnswer", (h) => h.callId === deskCall)).toBe(0);
  });

  it("a far end that refuses the new offer (488): the call ends as dropped by the network, with the code", async () => {
    const { deskCall, farCall } = await connected();
    Object.assign(farEnd.bridges.get(farCall)!, { createAnswer: () => Promise.reject(new Error("cannot take this offer")) });
    lostItsMedia(desk.bridges.get(deskCall)!);
    const since = desk.events.length;
    const [handover] = await desk.service.renegotiateMedia();
    expect(handover).toMatchObject({ callId: deskCall, outcome: "dropped", sipCode: 488 });
    const record = await desk.waitFor("ended", (r) => r.callId === deskCall, 10_000, since);
    expect(record).toMatchObject({ endReason: "connection-lost", sipCode: 488 });
    // The far end is told too (BYE): nobody stays on a line without audio.
    await farEnd.waitFor("ended", (r) => r.callId === farCall);
  });
});
