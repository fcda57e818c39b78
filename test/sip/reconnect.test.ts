/** The softphone survives a registrar crash and a silently dead network path. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestAgent } from "./agent.js";
import { KamailioHarness } from "./kamailio.js";
import { describeRun, startUac } from "./sipp.js";
import { TcpBlackhole } from "./tcp-blackhole.js";

describe("softphone reconnection", { timeout: 60_000 }, () => {
  let kamailio: KamailioHarness;
  const agents: TestAgent[] = [];

  beforeAll(async () => {
    kamailio = await KamailioHarness.start();
  }, 20_000);

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await kamailio?.stop();
  }, 20_000);

  async function expectCallDelivered(agent: TestAgent, called: string): Promise<void> {
    const since = agent.events.length;
    const sipp = await startUac({ scenario: "uac-answer-bye", proxy: { host: kamailio.host, port: kamailio.udpPort }, domain: kamailio.domain, called, pauseMs: 300 });
    const incoming = await agent.waitFor("incoming", () => true, 10_000, since);
    await agent.service.answer(incoming.callId);
    const record = await agent.waitFor("ended", (r) => r.callId === incoming.callId, 10_000, since);
    expect(record.endReason).toBe("remote-hangup");
    const result = await sipp.result;
    expect(result.exitCode, describeRun(result)).toBe(0);
  }

  it("re-registers within seconds after Kamailio is killed and restarted, and gets the next call", async () => {
    const agent = new TestAgent("1001");
    agents.push(agent);
    await agent.startRegistered(kamailio);
    const since = agent.events.length;

    await kamailio.kill();
    const lost = await agent.waitFor("registration", (s) => s.state === "reconnecting", 5000, since);
    expect(lost.reason).toMatch(/lost|cannot reach/);
    // Down for a while: several attempts fail while the backoff grows.
    await new Promise((r) => setTimeout(r, 1500));
    expect(agent.service.registration.state).toBe("reconnecting");

    const restartedAt = Date.now();
    await kamailio.restart();
    await agent.waitFor("registration", (s) => s.state === "registered" && s.at >= restartedAt, 10_000, since);
    const took = agent.events.findLast((e) => e.event === "registration" && e.payload.state === "registered");
    expect(took && took.event === "registration" ? took.payload.at - restartedAt : Infinity).toBeLessThan(5000);
    expect(agent.logs.join("\n")).not.toMatch(/already in progress/);

    await expectCallDelivered(agent, "1001");
  });

  it("with the default back-off, never waits more than about 5 s between attempts, so agents are back soon after the proxy", async () => {
    const agent = new TestAgent("1003");
    agents.push(agent);
    // The product's defaults, not the test's fast ones.
    await agent.startRegistered(kamailio, { reconnectBaseDelayMs: undefined, reconnectMaxDelayMs: undefined });
    const since = agent.events.length;
    await kamailio.kill();
    // Long enough for a doubling back-off to pass 8 s between attempts (1 + 2 + 4 s of failures).
    await new Promise((r) => setTimeout(r, 9000));
    await kamailio.restart();
    await agent.waitFor("registration", (s) => s.state === "registered", 10_000, since);
    const waits = agent.events.slice(since).flatMap((e) => (e.event === "registration" && e.payload.state === "reconnecting" && e.payload.nextAttemptAt
      ? [e.payload.nextAttemptAt - e.payload.at] : []));
    expect(waits.length).toBeGreaterThanOrEqual(4);
    // 4 s cap with ±20 % jitter.
    expect(Math.max(...waits)).toBeLessThanOrEqual(4800);
    await expectCallDelivered(agent, "1003");
  });

  it("keeps the BYE of a call hung up while the proxy is down and sends it when the proxy is back", async () => {
    const agent = new TestAgent("1004");
    agents.push(agent);
    await agent.startRegistered(kamailio);
    const since = agent.events.length;
    const sipp = await startUac({ scenario: "uac-answer-wait-bye", proxy: { host: kamailio.host, port: kamailio.udpPort }, domain: kamailio.domain, called: "1004", recvTimeoutMs: 30_000 });
    const incoming = await agent.waitFor("incoming", () => true, 10_000, since);
    await agent.service.answer(incoming.callId);
    await agent.waitFor("call", (c) => c.callId === incoming.callId && c.state === "active", 5000, since);
    // Let the caller's ACK arrive: the proxy dies during the conversation, not between 200 and ACK.
    await new Promise((r) => setTimeout(r, 500));

    await kamailio.kill();
    await agent.waitFor("registration", (s) => s.state === "reconnecting", 5000, since);
    await agent.service.hangup(incoming.callId);
    // Over for the agent at once, as a hang-up by the agent; the BYE waits.
    const record = await agent.waitFor("ended", (r) => r.callId === incoming.callId, 2000, since);
    expect(record.endReason).toBe("local-hangup");
    await agent.waitFor("hangupSignal", (h) => h.callId === incoming.callId && h.state === "pending", 2000, since);
    expect(agent.service.calls()).toEqual([]);

    await kamailio.restart();
    await agent.waitFor("hangupSignal", (h) => h.callId === incoming.callId && h.state === "sent", 15_000, since);
    // The citizen's phone got the BYE: sipp's scenario ends only on it.
    const result = await sipp.result;
    expect(result.exitCode, describeRun(result)).toBe(0);
    expect(agent.count("ended", (r) => r.callId === incoming.callId)).toBe(1);
  });

  it("finds a proxy that stopped handling SIP by its OPTIONS keep-alive, says so, and re-registers when it is back", async () => {
    const agent = new TestAgent("1002");
    agents.push(agent);
    // The WebSocket ping is off: only the SIP keep-alive can notice.
    await agent.startRegistered(kamailio, { keepAliveIntervalMs: 0, sipKeepAliveIntervalMs: 500, sipKeepAliveTimeoutMs: 1000 });
    const since = agent.events.length;
    kamailio.pause();
    try {
      const lost = await agent.waitFor("registration", (s) => s.state === "reconnecting", 8000, since);
      expect(lost.cause).toBe("keepalive");
      expect(lost.reason).toMatch(/OPTIONS/);
    } finally {
      kamailio.resume();
    }
    await agent.waitFor("registration", (s) => s.state === "registered", 15_000, since + 1);
    expect(agent.logs.join("\n")).not.toMatch(/already in progress/);
  });

  it("notices a connection that went silent (no FIN), reconnects when the path is back, and gets the next call", async () => {
    const relay = await TcpBlackhole.start(kamailio.host, kamailio.wsPort);
    try {
      const agent = new TestAgent("1002");
      agents.push(agent);
      // Short registration so that a refresh REGISTER is likely in flight when the path dies.
      await agent.startRegistered(kamailio, { wsUrl: `ws://127.0.0.1:${relay.port}`, registerExpiresSec: 3 });
      const since = agent.events.length;

      relay.freeze();
      const frozenAt = Date.now();
      const lost = await agent.waitFor("registration", (s) => s.state === "reconnecting", 8000, since);
      // keep-alive every 1 s with a 1 s deadline: detected in about 2 s, not tens of seconds.
      expect(lost.at - frozenAt).toBeLessThan(4000);
      expect(lost.reason).toMatch(/keep-alive|lost/);
      await new Promise((r) => setTimeout(r, 3000));
      expect(agent.service.registration.state).not.toBe("registered");

      const thawedAt = Date.now();
      relay.thaw();
      await agent.waitFor("registration", (s) => s.state === "registered" && s.at >= thawedAt, 10_000, since);
      expect(agent.logs.join("\n")).not.toMatch(/already in progress/);
      await expectCallDelivered(agent, "1002");
    } finally {
      await relay.close();
    }
  });
});
