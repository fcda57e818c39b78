/**
 * How long sip.js's generated grammar parser spends on one incoming INVITE, as the main process
 * would see it from Kamailio (two Vias, two Record-Routes, Chinese display name, SDP).
 * Run: npx tsx test/sip/parse-bench.ts   (prints p50/p99 in microseconds)
 *
 * Two figures: parseMessage alone (start line + the headers sip.js parses eagerly), and
 * parseMessage plus the headers a UAS reads while answering (Contact, Record-Route, Via).
 */
import { Core } from "sip.js";

const sdp = [
  "v=0", "o=citizen 53655765 2353687637 IN IP4 10.20.30.40", "s=-", "c=IN IP4 10.20.30.40", "t=0 0",
  "m=audio 32000 RTP/AVP 8 0 101", "a=rtpmap:8 PCMA/8000", "a=rtpmap:0 PCMU/8000",
  "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-15", "a=ptime:20", "a=sendrecv", "",
].join("\r\n");

const invite = [
  "INVITE sip:k3u8d2q1@a9s8d7f6g5h4.invalid;transport=ws SIP/2.0",
  "Record-Route: <sip:10.1.1.5:8080;transport=ws;r2=on;lr=on;ftag=as4f2c1d9e>",
  "Record-Route: <sip:10.1.1.5;r2=on;lr=on;ftag=as4f2c1d9e>",
  "Via: SIP/2.0/WS 10.1.1.5:8080;branch=z9hG4bK3b1c.8f2e4a9d0c7b6a5e4d3c2b1a0f9e8d7c.0",
  "Via: SIP/2.0/UDP 10.20.30.40:5060;rport=5060;received=10.20.30.40;branch=z9hG4bK-524287-1---4c5a8b7e9d0f1a2b",
  "Max-Forwards: 69",
  "From: \"张三 市民\" <sip:13912345678@hotline.example.gov.cn>;tag=as4f2c1d9e",
  "To: <sip:1001@hotline.example.gov.cn>",
  "Call-ID: 7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d@10.20.30.40",
  "CSeq: 102 INVITE",
  "Contact: <sip:13912345678@10.20.30.40:5060;transport=udp>",
  "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY, INFO",
  "Supported: replaces, timer",
  "P-Asserted-Identity: \"张三 市民\" <sip:13912345678@hotline.example.gov.cn>",
  "User-Agent: Trunk-GW 1.0",
  "Content-Type: application/sdp",
  `Content-Length: ${Buffer.byteLength(sdp)}`,
  "",
  sdp,
].join("\r\n");

const logger = new Core.LoggerFactory().getLogger("bench");

function parseOnly(): void {
  if (!Core.Parser.parseMessage(invite, logger)) throw new Error("INVITE did not parse");
}

function parseAsUas(): void {
  const message = Core.Parser.parseMessage(invite, logger);
  if (!message) throw new Error("INVITE did not parse");
  message.parseHeader("contact");
  for (let i = 0; i < message.getHeaders("record-route").length; i++) message.parseHeader("record-route", i);
  message.parseHeader("via");
  message.parseHeader("p-asserted-identity");
}

function measure(name: string, fn: () => void, samples = 20_000): void {
  for (let i = 0; i < 3000; i++) fn(); // JIT warm-up
  const times = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    const start = process.hrtime.bigint();
    fn();
    times[i] = Number(process.hrtime.bigint() - start) / 1000;
  }
  times.sort();
  const at = (q: number): string => (times[Math.min(samples - 1, Math.floor(q * samples))] ?? 0).toFixed(1);
  const mean = times.reduce((a, b) => a + b, 0) / samples;
  console.log(`${name.padEnd(34)} p50 ${at(0.5).padStart(6)} µs   p99 ${at(0.99).padStart(6)} µs   mean ${mean.toFixed(1).padStart(6)} µs   (${samples} runs, ${invite.length} bytes)`);
}

console.log(`sip.js grammar parser, Node ${process.version}, load average ${(await import("node:os")).loadavg()[0]?.toFixed(2)}`);
measure("INVITE parseMessage", parseOnly);
measure("INVITE parseMessage + UAS headers", parseAsUas);
