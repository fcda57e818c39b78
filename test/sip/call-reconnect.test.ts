/**
 * A call survives a SIP transport reconnect where the PBX allows it: Kamailio is restarted
 * mid-call, the softphone registers again over a new WebSocket and refreshes each call's target
 * by re-INVITE (the proxy reaches it by the new connection). Where the PBX cannot carry the
 * refresh, the call ends at once as dropped by the network (the desk then offers a call-back).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestAgent } from "./agent.js";
import { KamailioHarness } from "./kamailio.js";
import { describeRun, startUac } from "./sipp.js";

describe("a call across a restart of the SIP proxy", { timeout: 60_000 }, () => {
  let kamailio: KamailioHarness;
  const agents: TestAgent[] = [];

  beforeAll(async () => {
    kamailio = await KamailioHarness.start();
  }, 20_000);

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await kamailio?.stop();
  }, 20_000);

  async function restartProxy(...registered: TestAgent[]): Promise<void> {
    const since = registered.map((a) => a.events.length);
    await kamailio.kill();
    await Promise.all(registered.map((a, i) => a.waitFor("registration", (s) => s.state === "reconnecting", 5000, since[i])));
    await new Promise((r) => setTimeout(r, 500));
    await kamailio.restart();
  }

  it("continues: the citizen's phone (plain SIP over UDP) follows the refreshed target, and its BYE reaches the desk", async () => {
    const desk = new TestAgent("1001");
    agents.push(desk);
    await desk.startRegistered(kamailio);
    const since = desk.events.length;
    const sipp = await startUac({
      scenario: "uac-answer-refresh-bye", proxy: { host: kamailio.host, port: kamailio.udpPort }, domain: kamailio.domain, called: "1001",
      callerNumber: "13912345678", pauseMs: 1000, recvTimeoutMs: 30_000,
    });
    const incoming = await desk.waitFor("incoming", () => true, 10_000, since);
    await desk.service.answer(incoming.callId);
    await desk.waitFor("call", (c) => c.callId === incoming.callId && c.state === "active", 5000, since);
    await new Promise((r) => setTimeout(r, 500)); // the caller's ACK, then the conversation

    await restartProxy(desk);
    const refreshed = await desk.waitFor("dialogRefreshed", (h) => h.callId === incoming.callId, 15_000, since);
    expect(refreshed.outcome).toBe("renegotiated");
    expect(desk.service.calls().map((c) => c.callId)).toEqual([incoming.callId]);

    // The citizen hangs up later: its BYE goes to the target the refresh gave it, over the new connection.
    const record = await desk.waitFor("ended", (r) => r.callId === incoming.callId, 10_000, since);
    expect(record.endReason).toBe("remote-hangup");
    const result = await sipp.result;
    expect(result.exitCode, describeRun(result)).toBe(0);
    expect(result.messages).toMatch(/TARGET-REFRESH|alias=/);
    expect(desk.count("ended", (r) => r.callId === incoming.callId)).toBe(1);
  });

  it("cannot continue (the far end's own connection is gone too): the call ends at once as dropped by the network", async () => {
    const desk = new TestAgent("1002");
    const farEnd = new TestAgent("1003");
    agents.push(desk, farEnd);
    await Promise.all([desk.startRegistered(kamailio), farEnd.startRegistered(kamailio)]);
    const since = desk.events.length;
    const farCall = await farEnd.service.call("1002");
    const incoming = await desk.waitFor("incoming", () => true, 10_000, since);
    await desk.service.answer(incoming.callId);
    await desk.waitFor("call", (c) => c.callId === incoming.callId && c.state === "active", 5000, since);
    await farEnd.waitFor("call", (c) => c.callId === farCall && c.state === "active", 5000);
    await new Promise((r) => setTimeout(r, 500));

    await restartProxy(desk, farEnd);
    await desk.waitFor("registration", (s) => s.state === "registered", 15_000, since);
    const refreshed = await desk.waitFor("dialogRefreshed", (h) => h.callId === incoming.callId, 15_000, since);
    expect(refreshed.outcome).toBe("dropped");
    const record = await desk.waitFor("ended", (r) => r.callId === incoming.callId, 5000, since);
    expect(record.endReason).toBe("connection-lost");
    expect(record.sipCode).toBeGreaterThanOrEqual(400);
    expect(desk.service.calls()).toEqual([]);
  });
});
