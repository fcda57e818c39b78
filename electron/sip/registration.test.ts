import { describe, expect, it } from "vitest";
import { registerFailureCause } from "./registration.js";
import { connectFailureCause } from "./ws-transport.js";

describe("why the phone is not registered", () => {
  it("tells a certificate problem, a timeout and an HTTP refusal from a dead host", () => {
    expect(connectFailureCause(Object.assign(new Error("self-signed certificate"), { code: "DEPTH_ZERO_SELF_SIGNED_CERT" }))).toBe("certificate");
    expect(connectFailureCause(Object.assign(new Error("certificate has expired"), { code: "CERT_HAS_EXPIRED" }))).toBe("certificate");
    expect(connectFailureCause(new Error("Hostname/IP does not match certificate's altnames"))).toBe("certificate");
    expect(connectFailureCause(new Error("Opening handshake has timed out"))).toBe("timeout");
    expect(connectFailureCause(new Error("Unexpected server response: 403"))).toBe("refused");
    expect(connectFailureCause(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }))).toBe("unreachable");
    expect(connectFailureCause(undefined)).toBe("unreachable");
  });

  it("tells a wrong password from a forbidden account and a server in trouble", () => {
    expect(registerFailureCause(401)).toBe("auth");
    expect(registerFailureCause(407)).toBe("auth");
    expect(registerFailureCause(403)).toBe("forbidden");
    expect(registerFailureCause(404)).toBe("not-found");
    expect(registerFailureCause(408)).toBe("timeout");
    expect(registerFailureCause(503)).toBe("unavailable");
    expect(registerFailureCause(423)).toBe("refused");
  });
});
