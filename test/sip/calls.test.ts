/** Calls between citizens' phones (sipp over UDP) and an agent's softphone (sip.js over WebSocket). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SoftphoneError, type AcceptDecision } from "../../electron/sip/index.js";
import { TestAgent } from "./agent.js";
import { KamailioHarness } from "./kamailio.js";
import { describeRun, runUac, startUac, startUas, type UacOptions, type SippRun } from "./sipp.js";
import { freePort } from "./ports.js";

describe("softphone calls", { timeout: 40_000 }, () => {
  let kamailio: KamailioHarness;
  let gatewayPort: number;
  let agent: TestAgent;
  let policy: AcceptDecision = { action: "ring" };

  const citizen = (options: Partial<UacOptions> & Pick<UacOptions, "scenario">): Promise<SippRun> =>
    startUac({ proxy: { host: kamailio.host, port: kamailio.udpPort }, domain: kamailio.domain, called: "1001", ...options });

  beforeAll(async () => {
    gatewayPort = await freePort();
    kamailio = await KamailioHarness.start({ gatewayPort });
    agent = new TestAgent("1001", { acceptPolicy: () => policy });
    await agent.startRegistered(kamailio);
  }, 30_000);

  afterAll(async () => {
    await agent?.stop();
    await kamailio?.stop();
  }, 20_000);

  it("shows the caller, answers, and records the call when the caller hangs up", async () => {
    const since = agent.events.length;
    const sipp = await citizen({ scenario: "uac-answer-bye", callerNumber: "13912345678", callerName: "Zhang San", pauseMs: 800 });
    const incoming = await agent.waitFor("incoming", () => true, 10_000, since);
    expect(incoming).toMatchObject({ remoteNumber: "13912345678", remoteDisplayName: "Zhang San" });
    expect(incoming.autoRejected).toBeUndefined();
    await agent.waitFor("call", (c) => c.callId === incoming.callId && c.state === "ringing", 5000, since);
    await agent.service.answer(incoming.callId);
    await agent.waitFor("call", (c) => c.callId === incoming.callId && c.state === "active", 5000, since);
    await expect(agent.service.answer(incoming.callId)).rejects.toMatchObject({ code: "ALREADY_ANSWERED" });
    const record = await agent.waitFor("ended", (r) => r.callId === incoming.callId, 10_000, since);
    expect(record).toMatchObject({ direction: "inbound", remoteNumber: "13912345678", endReason: "remote-hangup" });
    expect(record.answeredAt).toBeGreaterThanOrEqual(record.invitedAt);
    expect(record.talkMs).toBeGreaterThanOrEqual(600);
    expect(record.holdMs).toBe(0);
    const result = await sipp.result;
    expect(result.exitCode, describeRun(result)).toBe(0);
    expect(agent.service.calls()).toEqual([]);
  });

  it("records a missed call when the caller gives up while it rings", async () => {
    const since = agent.events.length;
    const sipp = await citizen({ scenario: "uac-cancel", pauseMs: 700 });
    const incoming = await agent.waitFor("incoming", () => true, 10_000, since);
    const record = await agent.waitFor("ended", (r) => r.callId === incoming.callId, 10_000, since);
    expect(record.endReason).toBe("caller-cancelled");
    expect(record.answeredAt).toBeUndefined();
    expect(record.ringMs).toBeGreaterThanOrEqual(500);
    expect(record.talkMs).toBe(0);
    // Answering the vanished call says why it cannot be done.
    await expect(agent.service.answer(incoming.callId)).rejects.toThrow(/hung up before/);
    const result = await sipp.result;
    expect(result.exitCode, describeRun(result)).toBe(0);
  });

  it("rejects with 486 when the agent is not ready, and still reports the call", async () => {
    policy = { action: "reject", code: 486 };
    try {
      const since = agent.events.length;
      const result = await runUac({ scenario: "uac-expect-486", proxy: { host: kamailio.host, port: kamailio.udpPort }, domain: kamailio.domain, called: "1001" });
      expect(result.exitCode, describeRun(result)).toBe(0);
      const incoming = await agent.waitFor("incoming", () => true, 5000, since);
      expect(incoming.autoRejected).toEqual({ code: 486, reason: "rejected-policy" });
      const record = await agent.waitFor("ended", (r) => r.callId === incoming.callId, 5000, since);
      expect(record.endReason).toBe("rejected-policy");
      expect(record.sipCode).toBe(486);
      // Refused without ringing: no 180 reached the caller.
      expect(result.messages).not.toMatch(/SIP\/2.0 180/);
    } finally {
      policy = { action: "ring" };
    }
  });

  it("refuses plain RTP to a WebRTC desk with 488 before it rings, and logs why", async () => {
    const desk = new TestAgent("1002", { requireWebRtc: true });
    try {
      await desk.startRegistered(kamailio);
      const since = desk.events.length;
      const result = await runUac({ scenario: "uac-expect-488", proxy: { host: kamailio.host, port: kamailio.udpPort }, domain: kamailio.domain, called: "1002", callerNumber: "13800000488" });
      // sipp fails the run on anything but 488 (480 would invite the proxy to retry here).
      expect(result.exitCode, describeRun(result)).toBe(0);
      expect(result.messages).not.toMatch(/SIP\/2.0 180/);
      const incoming = await desk.waitFor("incoming", () => true, 5000, since);
      expect(incoming.autoRejected).toEqual({ code: 488, reason: "rejected-media", mediaProblem: "no-dtls" });
      // Never offered to the agent: no ringing call snapshot.
      expect(desk.count("call", (c) => c.callId === incoming.callId && c.state === "ringing")).toBe(0);
      const record = await desk.waitFor("ended", (r) => r.callId === incoming.callId, 5000, since);
      expect(record).toMatchObject({ endReason: "rejected-media", sipCode: 488, mediaProblem: "no-dtls", remoteNumber: "13800000488" });
      expect(desk.logs.join("\n")).toMatch(/488: its offer has no-dtls/);
    } finally {
      await desk.stop();
    }
  });

  it("answers busy (486) to a second caller during a call and logs that call too", async () => {
    const since = agent.events.length;
    const first = await citizen({ scenario: "uac-answer-bye", callerNumber: "13700000001", pauseMs: 2500 });
    const incoming = await agent.waitFor("incoming", (i) => i.remoteNumber === "13700000001", 10_000, since);
    await agent.service.answer(incoming.callId);
    await agent.waitFor("call", (c) => c.callId === incoming.callId && c.state === "active", 5000, since);
    const second = await runUac({ scenario: "uac-expect-486", proxy: { host: kamailio.host, port: kamailio.udpPort }, domain: kamailio.domain, called: "1001", callerNumber: "13700000002" });
    expect(second.exitCode, describeRun(second)).toBe(0);
    const busy = await agent.waitFor("incoming", (i) => i.remoteNumber === "13700000002", 5000, since);
    expect(busy.autoRejected).toEqual({ code: 486, reason: "rejected-busy" });
    expect(agent.service.calls().map((c) => c.callId)).toEqual([incoming.callId]);
    const firstResult = await first.result;
    expect(firstResult.exitCode, describeRun(firstResult)).toBe(0);
    expect((await agent.waitFor("ended", (r) => r.callId === incoming.callId, 5000, since)).endReason).toBe("remote-hangup");
  });

  it("puts the caller on hold and back; the caller's phone sees sendonly then sendrecv", async () => {
    const since = agent.events.length;
    const sipp = await citizen({ scenario: "uac-hold", pauseMs: 300 });
    const incoming = await agent.waitFor("incoming", () => true, 10_000, since);
    await agent.service.answer(incoming.callId);
    await agent.waitFor("call", (c) => c.callId === incoming.callId && c.state === "active", 5000, since);
    await agent.service.hold(incoming.callId);
    expect(agent.service.calls()[0]).toMatchObject({ held: true });
    await new Promise((r) => setTimeout(r, 400));
    await agent.service.resume(incoming.callId);
    expect(agent.service.calls()[0]).toMatchObject({ held: false });
    const result = await sipp.result;
    expect(result.exitCode, describeRun(result)).toBe(0);
    expect(result.messages).toMatch(/HOLD-OFFER sendonly/);
    const record = await agent.waitFor("ended", (r) => r.callId === incoming.callId, 5000, since);
    expect(record.holdMs).toBeGreaterThanOrEqual(350);
  });

  it("mutes, sends DTMF over RFC 4733, and hangs up from the agent's side", async () => {
    const since = agent.events.length;
    const sipp = await citizen({ scenario: "uac-answer-wait-bye" });
    const incoming = await agent.waitFor("incoming", () => true, 10_000, since);
    await agent.service.answer(incoming.callId);
    await agent.waitFor("call", (c) => c.callId === incoming.callId && c.state === "active", 5000, since);
    await agent.service.mute(incoming.callId, true);
    expect(agent.service.calls()[0]).toMatchObject({ muted: true });
    expect(agent.bridges.get(incoming.callId)?.muted).toBe(true);
    // The caller offered telephone-event, so tones go in-band through the media bridge.
    await expect(agent.service.sendDtmf(incoming.callId, "12#")).resolves.toBe("rfc4733");
    expect(agent.bridges.get(incoming.callId)?.sentDtmf).toEqual(["12#"]);
    await expect(agent.service.sendDtmf(incoming.callId, "12x")).rejects.toBeInstanceOf(SoftphoneError);
    await agent.service.hangup(incoming.callId);
    const record = await agent.waitFor("ended", (r) => r.callId === incoming.callId, 5000, since);
    expect(record.endReason).toBe("local-hangup");
    const result = await sipp.result;
    expect(result.exitCode, describeRun(result)).toBe(0);
  });

  it("ends a call whose far end vanished as dropped by the network, with a BYE in case its signalling is still there", async () => {
    const since = agent.events.length;
    const sipp = await citizen({ scenario: "uac-answer-wait-bye" });
    const incoming = await agent.waitFor("incoming", () => true, 10_000, since);
    await agent.service.answer(incoming.callId);
    await agent.waitFor("call", (c) => c.callId === incoming.callId && c.state === "active", 5000, since);
    await agent.service.dropLostCall(incoming.callId);
    const record = await agent.waitFor("ended", (r) => r.callId === incoming.callId, 5000, since);
    expect(record.endReason).toBe("connection-lost");
    expect(agent.service.calls()).toEqual([]);
    const result = await sipp.result;
    expect(result.exitCode, describeRun(result)).toBe(0);
    // A late report about a call already over changes nothing.
    await agent.service.dropLostCall(incoming.callId);
    expect(agent.count("ended", (r) => r.callId === incoming.callId)).toBe(1);
  });

  it("ends a call whose far end vanished without a BYE, found by the in-dialog OPTIONS keep-alive", async () => {
    const desk = new TestAgent("1003");
    try {
      await desk.startRegistered(kamailio, { callKeepAliveIntervalMs: 1000 });
      const since = desk.events.length;
      const sipp = await citizen({ scenario: "uac-answer-wait-bye", called: "1003" });
      const incoming = await desk.waitFor("incoming", () => true, 10_000, since);
      await desk.service.answer(incoming.callId);
      await desk.waitFor("call", (c) => c.callId === incoming.callId && c.state === "active", 5000, since);
      // The caller's phone dies: no BYE, its port closed. Kamailio answers our OPTIONS 408 once its timer runs out.
      sipp.stop();
      const record = await desk.waitFor("ended", (r) => r.callId === incoming.callId, 20_000, since);
      expect(record.endReason).toBe("connection-lost");
      expect(desk.logs.join("\n")).toMatch(/in-dialog OPTIONS with 408/);
    } finally {
      await desk.stop();
    }
  });

  it("falls back to SIP INFO for DTMF when the caller did not offer telephone-event", async () => {
    const since = agent.events.length;
    const sipp = await citizen({ scenario: "uac-info-dtmf" });
    const incoming = await agent.waitFor("incoming", () => true, 10_000, since);
    // The caller's INVITE carries a malformed X-Hotline-Ticket: ignored, and said so in the log.
    expect(incoming.ticketId).toBeNull();
    expect(agent.logs.some((line) => line.includes("ignoring invalid X-Hotline-Ticket"))).toBe(true);
    await agent.service.answer(incoming.callId);
    await agent.waitFor("call", (c) => c.callId === incoming.callId && c.state === "active", 5000, since);
    await expect(agent.service.sendDtmf(incoming.callId, "1#")).resolves.toBe("sip-info");
    expect(agent.bridges.get(incoming.callId)?.sentDtmf).toEqual([]);
    await agent.service.hangup(incoming.callId);
    const result = await sipp.result;
    expect(result.exitCode, describeRun(result)).toBe(0);
    expect(result.messages).toMatch(/INFO-DTMF 1[^]*INFO-DTMF #/);
    expect(result.messages).toMatch(/Content-Type: application\/dtmf-relay/i);
  });

  it("calls out through the gateway and hangs up", async () => {
    const since = agent.events.length;
    const callee = await startUas({ scenario: "uas-answer", localPort: gatewayPort, pauseMs: 300 });
    const callId = await agent.service.call("95566");
    await agent.waitFor("call", (c) => c.callId === callId && c.state === "early", 10_000, since);
    await agent.waitFor("call", (c) => c.callId === callId && c.state === "active", 10_000, since);
    await new Promise((r) => setTimeout(r, 300));
    await agent.service.hangup(callId);
    const record = await agent.waitFor("ended", (r) => r.callId === callId, 5000, since);
    expect(record).toMatchObject({ direction: "outbound", remoteNumber: "95566", endReason: "local-hangup" });
    expect(record.ringMs).toBeGreaterThanOrEqual(250);
    const result = await callee.result;
    expect(result.exitCode, describeRun(result)).toBe(0);
  });

  it("logs an outgoing call the far end refuses (486) as refused, with its SIP code", async () => {
    const since = agent.events.length;
    const callee = await startUas({ scenario: "uas-busy", localPort: gatewayPort, pauseMs: 200 });
    const callId = await agent.service.call("95566");
    await agent.waitFor("call", (c) => c.callId === callId && c.state === "early", 10_000, since);
    const record = await agent.waitFor("ended", (r) => r.callId === callId, 5000, since);
    expect(record).toMatchObject({ direction: "outbound", remoteNumber: "95566", endReason: "remote-rejected", sipCode: 486, talkMs: 0 });
    const result = await callee.result;
    expect(result.exitCode, describeRun(result)).toBe(0);
  });

  it("refuses a transfer to something that is not a number, before sending anything", async () => {
    const since = agent.events.length;
    const sipp = await citizen({ scenario: "uac-answer-wait-bye" });
    const incoming = await agent.waitFor("incoming", () => true, 10_000, since);
    await agent.service.answer(incoming.callId);
    await agent.waitFor("call", (c) => c.callId === incoming.callId && c.state === "active", 5000, since);
    await expect(agent.service.blindTransfer(incoming.callId, "call the boss")).rejects.toMatchObject({ code: "INVALID_TARGET" });
    expect(agent.service.calls()).toHaveLength(1);
    await agent.service.hangup(incoming.callId);
    const result = await sipp.result;
    expect(result.exitCode, describeRun(result)).toBe(0);
    expect(result.messages).not.toMatch(/REFER sip/);
  });
});
