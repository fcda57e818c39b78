import { describe, expect, it } from "vitest";
import { webrtcOfferProblem } from "./media-bridge.js";

const trunk = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 30000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";
const browser = [
  "v=0", "o=- 2 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "m=audio 9 UDP/TLS/RTP/SAVPF 111 0", "c=IN IP4 0.0.0.0",
  "a=ice-ufrag:abcd", "a=ice-pwd:0123456789abcdef012345", "a=fingerprint:sha-256 AA:BB", "a=setup:actpass", "a=rtpmap:111 opus/48000/2", "a=sendrecv", "",
].join("\r\n");

describe("what a WebRTC desk can answer", () => {
  it("takes a browser's DTLS-SRTP offer with ICE", () => {
    expect(webrtcOfferProblem(browser)).toBeUndefined();
  });
  it("refuses a trunk's plain RTP", () => {
    expect(webrtcOfferProblem(trunk)).toBe("no-dtls");
  });
  it("refuses SRTP without ICE credentials, and an offer without audio", () => {
    expect(webrtcOfferProblem(browser.replace(/a=ice-(ufrag|pwd):[^\r]*\r\n/g, ""))).toBe("no-ice");
    expect(webrtcOfferProblem(browser.replace("m=audio 9", "m=audio 0"))).toBe("no-audio");
    expect(webrtcOfferProblem("v=0\r\ns=-\r\n")).toBe("no-audio");
  });
});
