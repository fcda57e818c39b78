/** Transfers between two agents' softphones with a citizen on sipp. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestAgent } from "./agent.js";
import { KamailioHarness } from "./kamailio.js";
import { describeRun, startUac, type UacScenario } from "./sipp.js";

describe("softphone transfers", { timeout: 40_000 }, () => {
  let kamailio: KamailioHarness;
  let first: TestAgent;
  let second: TestAgent;

  beforeAll(async () => {
    kamailio = await KamailioHarness.start();
    first = new TestAgent("1001");
    second = new TestAgent("1002");
    await Promise.all([first.startRegistered(kamailio), second.startRegistered(kamailio)]);
  }, 30_000);

  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
    await kamailio?.stop();
  }, 20_000);

  /** A sipp citizen (running `scenario`) calls 1001, who answers; event counts from before the call. */
  async function citizenCallsFirst(scenario: UacScenario, pauseMs: number, callerNumber?: string) {
    const sinceFirst = first.events.length;
    const sinceSecond = second.events.length;
    const citizen = await startUac({
      scenario, proxy: { host: kamailio.host, port: kamailio.udpPort }, domain: kamailio.domain, called: "1001", pauseMs,
      ...(callerNumber ? { callerNumber } : {}),
    });
    const incoming = await first.waitFor("incoming", () => true, 10_000, sinceFirst);
    await first.service.answer(incoming.callId);
    await first.waitFor("call", (c) => c.callId === incoming.callId && c.state === "active", 5000, sinceFirst);
    return { citizen, incoming, sinceFirst, sinceSecond };
  }

  it("blind-transfers the caller to a second agent, who then talks to the caller", async () => {
    const { citizen, incoming, sinceFirst, sinceSecond } = await citizenCallsFirst("uac-blind-transfer", 600, "13612345678");
    await first.service.blindTransfer(incoming.callId, "1002");

    const record = await first.waitFor("ended", (r) => r.callId === incoming.callId, 5000, sinceFirst);
    expect(record).toMatchObject({ endReason: "transferred", transferTarget: "1002" });

    // The second agent's phone rings with the citizen's number, not the first agent's.
    const transferred = await second.waitFor("incoming", () => true, 10_000, sinceSecond);
    expect(transferred.remoteNumber).toBe("13612345678");
    await second.service.answer(transferred.callId);
    const secondRecord = await second.waitFor("ended", (r) => r.callId === transferred.callId, 10_000, sinceSecond);
    expect(secondRecord.endReason).toBe("remote-hangup");
    expect(secondRecord.talkMs).toBeGreaterThanOrEqual(400);

    const result = await citizen.result;
    expect(result.exitCode, describeRun(result)).toBe(0);
    expect(result.messages).toMatch(/REFER-TO sip:1002@hotline\.test/);
  });

  it("consults a colleague while the caller holds, then cancels and gets the caller back", async () => {
    const { citizen, incoming, sinceFirst, sinceSecond } = await citizenCallsFirst("uac-hold", 300);

    const consultId = await first.service.startConsult(incoming.callId, "1002");
    expect(first.service.calls().find((c) => c.callId === incoming.callId)?.held).toBe(true);
    const colleague = await second.waitFor("incoming", () => true, 10_000, sinceSecond);
    expect(colleague.remoteNumber).toBe("1001");
    await second.service.answer(colleague.callId);
    await first.waitFor("call", (c) => c.callId === consultId && c.state === "active", 5000, sinceFirst);
    expect(first.service.calls().find((c) => c.callId === consultId)?.consultForCallId).toBe(incoming.callId);

    await first.service.cancelConsult(consultId);
    expect(first.service.calls().map((c) => [c.callId, c.held])).toEqual([[incoming.callId, false]]);
    expect((await second.waitFor("ended", (r) => r.callId === colleague.callId, 5000, sinceSecond)).endReason).toBe("remote-hangup");

    const result = await citizen.result;
    expect(result.exitCode, describeRun(result)).toBe(0);
    const record = await first.waitFor("ended", (r) => r.callId === incoming.callId, 5000, sinceFirst);
    expect(record.endReason).toBe("remote-hangup");
    expect(record.holdMs).toBeGreaterThan(0);
  });
  it("hands the caller to a colleague by attended transfer, with the ticket the consult was about", async () => {
    const { citizen, incoming, sinceFirst, sinceSecond } = await citizenCallsFirst("uac-attended-transfer", 600, "13712345678");
    expect(incoming.ticketId).toBeNull();

    // A malformed id is refused before anything is sent (the caller is not even put on hold).
    await expect(first.service.startConsult(incoming.callId, "1002", { ticketId: "T-1\r\nX-Evil: 1" }))
      .rejects.toMatchObject({ code: "INVALID_TARGET" });
    expect(first.service.calls().find((c) => c.callId === incoming.callId)?.held).toBe(false);

    const consultId = await first.service.startConsult(incoming.callId, "1002", { ticketId: "GZ-2024_000123" });
    const colleague = await second.waitFor("incoming", () => true, 10_000, sinceSecond);
    expect(colleague).toMatchObject({ remoteNumber: "1001", ticketId: "GZ-2024_000123" });
    expect(colleague.replacesCallId).toBeUndefined();
    await second.service.answer(colleague.callId);
    await first.waitFor("call", (c) => c.callId === consultId && c.state === "active", 5000, sinceFirst);
    expect(first.service.calls().find((c) => c.callId === consultId)).toMatchObject({ consultForCallId: incoming.callId, ticketId: "GZ-2024_000123" });

    const sinceTransfer = second.events.length;
    await first.service.completeAttendedTransfer(consultId);

    // The colleague's console: the citizen's call replaces the consult call, answered without ringing.
    const replacing = await second.waitFor("incoming", () => true, 10_000, sinceTransfer);
    expect(replacing).toMatchObject({ remoteNumber: "13712345678", ticketId: "GZ-2024_000123", replacesCallId: colleague.callId });
    expect(replacing.autoRejected).toBeUndefined();
    await second.waitFor("call", (c) => c.callId === replacing.callId && c.state === "active", 5000, sinceTransfer);
    expect(second.count("call", (c) => c.callId === replacing.callId && c.state === "ringing")).toBe(0);
    const consultAtSecond = await second.waitFor("ended", (r) => r.callId === colleague.callId, 5000, sinceSecond);
    expect(consultAtSecond).toMatchObject({ endReason: "replaced", ticketId: "GZ-2024_000123" });

    // The first agent is free again: the citizen's leg is transferred, the consult leg ended by the colleague.
    const citizenLeg = await first.waitFor("ended", (r) => r.callId === incoming.callId, 5000, sinceFirst);
    expect(citizenLeg).toMatchObject({ endReason: "transferred", transferTarget: "1002" });
    expect(citizenLeg.holdMs).toBeGreaterThan(0);
    const consultLeg = await first.waitFor("ended", (r) => r.callId === consultId, 5000, sinceFirst);
    expect(consultLeg).toMatchObject({ endReason: "transferred", consultForCallId: incoming.callId, ticketId: "GZ-2024_000123" });
    expect(first.service.calls()).toEqual([]);

    const secondRecord = await second.waitFor("ended", (r) => r.callId === replacing.callId, 10_000, sinceTransfer);
    expect(secondRecord).toMatchObject({ endReason: "remote-hangup", remoteNumber: "13712345678", ticketId: "GZ-2024_000123" });
    expect(secondRecord.talkMs).toBeGreaterThanOrEqual(400);
    expect(second.service.calls()).toEqual([]);

    const result = await citizen.result;
    expect(result.exitCode, describeRun(result)).toBe(0);
    expect(result.messages).toMatch(/INVITE sip:\S+ SIP\/2\.0[^]*?\r?\n\s*Replaces: \S+;to-tag=\S+;from-tag=\S+/);
  });
  it("keeps the caller when the caller's phone reports the attended transfer failed", async () => {
    const { citizen, incoming, sinceFirst, sinceSecond } = await citizenCallsFirst("uac-attended-transfer-fails", 300);
    const consultId = await first.service.startConsult(incoming.callId, "1002");
    const colleague = await second.waitFor("incoming", () => true, 10_000, sinceSecond);
    expect(colleague.ticketId).toBeNull();
    await second.service.answer(colleague.callId);
    await first.waitFor("call", (c) => c.callId === consultId && c.state === "active", 5000, sinceFirst);

    await expect(first.service.completeAttendedTransfer(consultId)).rejects.toMatchObject({ code: "REQUEST_FAILED", message: expect.stringMatching(/503/) });
    // Nothing was hung up: the caller is still on hold, the colleague still on the line.
    expect(first.service.calls().map((c) => [c.callId, c.held])).toEqual([[incoming.callId, true], [consultId, false]]);

    await first.service.cancelConsult(consultId);
    expect(first.service.calls().map((c) => [c.callId, c.held])).toEqual([[incoming.callId, false]]);
    const consultLeg = await first.waitFor("ended", (r) => r.callId === consultId, 5000, sinceFirst);
    expect(consultLeg.endReason).toBe("local-hangup");
    expect(consultLeg.transferTarget).toBeUndefined();

    const result = await citizen.result;
    expect(result.exitCode, describeRun(result)).toBe(0);
    const record = await first.waitFor("ended", (r) => r.callId === incoming.callId, 5000, sinceFirst);
    expect(record.endReason).toBe("remote-hangup");
    expect(record.transferTarget).toBeUndefined();
  });
});
