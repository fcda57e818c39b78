/** Registration against a real Kamailio: digest auth, clear failure reasons, unregister on quit. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestAgent } from "./agent.js";
import { KamailioHarness } from "./kamailio.js";
import { describeRun, runUac } from "./sipp.js";

describe("softphone registration", { timeout: 40_000 }, () => {
  let kamailio: KamailioHarness;
  const agents: TestAgent[] = [];
  const agent = (ext: string): TestAgent => {
    const a = new TestAgent(ext);
    agents.push(a);
    return a;
  };

  beforeAll(async () => {
    kamailio = await KamailioHarness.start();
  }, 20_000);

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await kamailio?.stop();
  }, 20_000);

  it("registers with digest auth and then receives calls for its number", async () => {
    const a = agent("1001");
    await a.startRegistered(kamailio);
    expect(a.service.registration.state).toBe("registered");
    // Registered means reachable: a citizen's call to 1001 rings this agent.
    const sipp = runUac({ scenario: "uac-cancel", proxy: { host: kamailio.host, port: kamailio.udpPort }, domain: kamailio.domain, called: "1001", pauseMs: 300 });
    const incoming = await a.waitFor("incoming");
    expect(incoming.remoteNumber).toBe("13800138000");
    const result = await sipp;
    expect(result.exitCode, describeRun(result)).toBe(0);
  });

  it("reports a wrong password as failed, in plain words, and does not keep retrying", async () => {
    const a = agent("1002");
    await a.start(kamailio, { password: "not-the-password" });
    const status = await a.waitFor("registration", (s) => s.state === "failed");
    expect(status.code).toBe(401);
    expect(status.reason).toMatch(/wrong username or password/);
    expect(status.cause).toBe("auth");
    const attempts = a.count("registration", (s) => s.state === "registering");
    await new Promise((r) => setTimeout(r, 1500));
    expect(a.count("registration", (s) => s.state === "registering")).toBe(attempts);
    expect(a.service.registration.state).toBe("failed");
  });

  it("reports an account registering someone else's number as forbidden (403)", async () => {
    const a = agent("1003");
    // Valid credentials of 1003, but the address of record of 1004.
    await a.start(kamailio, { aor: `sip:1004@${kamailio.domain}` });
    const status = await a.waitFor("registration", (s) => s.state === "failed");
    expect(status.code).toBe(403);
    expect(status.reason).toMatch(/may not register/);
    expect(status.cause).toBe("forbidden");
  });

  it("reports an unreachable server as reconnecting, then registers when it appears", async () => {
    const a = agent("1004");
    await a.start(kamailio, { wsUrl: "ws://127.0.0.1:1" });
    const status = await a.waitFor("registration", (s) => s.state === "reconnecting");
    expect(status.reason).toMatch(/cannot reach the SIP server/);
    expect(status.cause).toBe("unreachable");
    expect(status.nextAttemptAt).toBeGreaterThan(status.at - 1);
    await a.stop();
    expect(a.service.registration.state).toBe("stopped");
  });

  it("unregisters on stop, so calls are no longer routed to the agent", async () => {
    const a = agent("1004");
    await a.startRegistered(kamailio);
    await a.stop();
    expect(a.service.registration.state).toBe("stopped");
    // Kamailio answers 480 for a number with no binding: the uac-expect-486 scenario must fail on it.
    const result = await runUac({ scenario: "uac-expect-486", proxy: { host: kamailio.host, port: kamailio.udpPort }, domain: kamailio.domain, called: "1004", recvTimeoutMs: 3000 });
    expect(result.exitCode).not.toBe(0);
    expect(result.messages).toMatch(/SIP\/2.0 480/);
  });
});
