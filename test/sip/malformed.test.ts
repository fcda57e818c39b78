/**
 * Malformed SIP from the network is dropped and logged; the softphone keeps working. Kamailio
 * filters most garbage itself, so a bare WebSocket server plays a broken registrar here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer, type WebSocket } from "ws";
import { TestAgent } from "./agent.js";

/** Answers REGISTER with 200 OK after a burst of garbage, the way a buggy PBX might. */
function startBrokenRegistrar(): Promise<WebSocketServer> {
  return new Promise((resolve) => {
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0, handleProtocols: () => "sip" });
    server.on("connection", (socket: WebSocket) => {
      socket.on("message", (data) => {
        const request = data.toString();
        if (!request.startsWith("REGISTER")) return;
        for (const junk of GARBAGE) socket.send(junk);
        socket.send(Buffer.from([0xc3, 0x28, 0xff, 0xfe]), { binary: true });
        socket.send(okFor(request));
      });
    });
    server.on("listening", () => resolve(server));
  });
}

const GARBAGE = [
  "this is not SIP at all\r\n\r\n",
  "SIP/2.0 abc Not A Status\r\nVia: SIP/2.0/WS x.invalid\r\n\r\n",
  "INVITE sip:1001@hotline.test SIP/2.0\r\nVia: SIP/2.0/WS h.invalid;branch=z9hG4bKx\r\n\r\n",
  "INVITE sip:1001@hotline.test SIP/2.0\r\nVia: SIP/2.0/WS h.invalid;branch=z9hG4bKy\r\nFrom: <<<>>>\r\nTo: <sip:1001@hotline.test>\r\n" +
    "Call-ID: bad-from\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
  "INVITE sip:1001@hotline.test SIP/2.0\r\nVia: SIP/2.0/WS h.invalid;branch=z9hG4bKz\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:1001@hotline.test>\r\n" +
    "Call-ID: bad-length\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Type: application/sdp\r\nContent-Length: 999\r\n\r\nv=0\r\n",
  "SIP/2.0 200 OK\r\nVia: SIP/2.0/WS nowhere.invalid;branch=z9hG4bKunknown\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\n" +
    "Call-ID: stray\r\nCSeq: 7 INVITE\r\nContent-Length: 0\r\n\r\n",
];

function okFor(request: string): string {
  const header = (name: string): string => request.split("\r\n").find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`)) ?? "";
  return [
    "SIP/2.0 200 OK",
    header("Via"),
    header("From"),
    `${header("To")};tag=registrar`,
    header("Call-ID"),
    header("CSeq"),
    `${header("Contact")};expires=60`,
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
}

describe("malformed SIP", { timeout: 30_000 }, () => {
  let server: WebSocketServer;
  const agent = new TestAgent("1001");

  beforeAll(async () => {
    server = await startBrokenRegistrar();
  });

  afterAll(async () => {
    await agent.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("drops garbage with a log line and still registers", async () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    await agent.service.start({
      wsUrl: `ws://127.0.0.1:${port}`,
      aor: "sip:1001@hotline.test",
      authorizationUsername: "1001",
      password: "x",
      keepAliveIntervalMs: 0,
    });
    await agent.waitFor("registration", (s) => s.state === "registered", 10_000);
    const warnings = agent.logs.filter((l) => / (warn|error) /.test(l)).join("\n");
    expect(warnings).toMatch(/parse|Dropping|ignored/i);
    // None of the junk INVITEs turned into a ringing call.
    expect(agent.count("incoming")).toBe(0);
    expect(agent.service.calls()).toEqual([]);
  });
});
