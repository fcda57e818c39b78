/**
 * SIP text for the grammar equivalence test and the parse benchmark: whole messages as Kamailio or
 * a trunk would send them, header values per grammar start rule, and malformed input.
 */

const crlf = (lines: string[]): string => lines.join('\r\n');

export const SDP = crlf([
  'v=0', 'o=citizen 53655765 2353687637 IN IP4 10.20.30.40', 's=-', 'c=IN IP4 10.20.30.40', 't=0 0',
  'm=audio 32000 RTP/AVP 8 0 101', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15', 'a=ptime:20', 'a=sendrecv', '',
]);

const withBody = (head: string[], body = ''): string =>
  crlf([...head, `Content-Length: ${Buffer.byteLength(body)}`, '', body]);

/** The INVITE of test/sip/parse-bench.ts: two Vias, two Record-Routes, Chinese display name, SDP. */
export const KAMAILIO_INVITE = withBody([
  'INVITE sip:k3u8d2q1@a9s8d7f6g5h4.invalid;transport=ws SIP/2.0',
  'Record-Route: <sip:10.1.1.5:8080;transport=ws;r2=on;lr=on;ftag=as4f2c1d9e>',
  'Record-Route: <sip:10.1.1.5;r2=on;lr=on;ftag=as4f2c1d9e>',
  'Via: SIP/2.0/WS 10.1.1.5:8080;branch=z9hG4bK3b1c.8f2e4a9d0c7b6a5e4d3c2b1a0f9e8d7c.0',
  'Via: SIP/2.0/UDP 10.20.30.40:5060;rport=5060;received=10.20.30.40;branch=z9hG4bK-524287-1---4c5a8b7e9d0f1a2b',
  'Max-Forwards: 69',
  'From: "张三 市民" <sip:13912345678@hotline.example.gov.cn>;tag=as4f2c1d9e',
  'To: <sip:1001@hotline.example.gov.cn>',
  'Call-ID: 7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d@10.20.30.40',
  'CSeq: 102 INVITE',
  'Contact: <sip:13912345678@10.20.30.40:5060;transport=udp>',
  'Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY, INFO',
  'Supported: replaces, timer',
  'P-Asserted-Identity: "张三 市民" <sip:13912345678@hotline.example.gov.cn>',
  'User-Agent: Trunk-GW 1.0',
  'Content-Type: application/sdp',
], SDP);

export const MESSAGES: Record<string, string> = {
  'INVITE via Kamailio (2 Via, 2 Record-Route, Chinese name, SDP)': KAMAILIO_INVITE,
  'INVITE, compact headers, tel: P-Asserted-Identity, Session-Expires': withBody([
    'INVITE sip:1001@hotline.test;user=phone SIP/2.0',
    'v: SIP/2.0/UDP 192.0.2.7:5062;branch=z9hG4bK776asdhds;received=198.51.100.1;rport=5062',
    'v: SIP/2.0/TCP proxy.example.com;branch=z9hG4bK77ef4c2312983.1, SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKnashds8',
    'f: "李四" <sip:+8613800138000@gw.example.cn;user=phone>;tag=1928301774',
    't: <sip:1001@hotline.test>',
    'i: a84b4c76e66710@pc33.example.com',
    'CSeq: 314159 INVITE',
    'm: <sip:+8613800138000@192.0.2.7:5062>;expires=3600;q=0.7',
    'P-Asserted-Identity: <tel:+8613800138000>',
    'Session-Expires: 1800;refresher=uac',
    'Min-SE: 90',
    'Require: timer',
    'Max-Forwards: 70',
    'c: application/sdp',
  ], SDP),
  'INVITE to an IPv6 host, IPv6 Via and Contact': withBody([
    'INVITE sip:1001@[2001:db8::10]:5060 SIP/2.0',
    'Via: SIP/2.0/UDP [2001:db8::9:1]:5060;branch=z9hG4bKas3-111;received=[2001:db8::9:255];rport',
    'From: "Caller" <sip:caller@[2001:db8::9:1]>;tag=81x2',
    'To: <sip:1001@[2001:db8::10]>',
    'Call-ID: SSG9559905523997077@hlau_4100',
    'CSeq: 1 INVITE',
    'Max-Forwards: 70',
    'Contact: "Caller" <sip:caller@[2001:db8::9:1]:5060;transport=udp>',
    'Content-Type: application/sdp',
  ], SDP),
  'REGISTER with digest Authorization and instance id': withBody([
    'REGISTER sip:hotline.test SIP/2.0',
    'Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK3408402;rport',
    'To: <sip:1001@hotline.test>',
    'From: "Agent 1001" <sip:1001@hotline.test>;tag=0ra2gmq6mk',
    'Call-ID: 4j5f6nhbgfiadb8hsf2pnc',
    'CSeq: 2 REGISTER',
    'Max-Forwards: 70',
    'Authorization: Digest algorithm=MD5, username="1001", realm="hotline.test", nonce="Y2kyNjA1OgAAAAABAAAA", uri="sip:hotline.test", response="5c0d4d2c1e6f", qop=auth, cnonce="dcd98b7102dd2f0e", nc=00000001',
    'Contact: <sip:k3u8d2q1@df7jal23ls0d.invalid;transport=ws>;+sip.ice;reg-id=1;+sip.instance="<urn:uuid:2a1d3f1c-5b8e-4a6f-9c7d-0e1f2a3b4c5d>";expires=600',
    'Expires: 600',
    'Allow: ACK,CANCEL,INVITE,MESSAGE,BYE,OPTIONS,INFO,NOTIFY,REFER',
    'Supported: path, gruu, outbound',
    'User-Agent: SIP.js/0.21.2',
  ]),
  'BYE with Route set': withBody([
    'BYE sip:13912345678@10.20.30.40:5060;transport=udp SIP/2.0',
    'Via: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK1158427',
    'Route: <sip:10.1.1.5:8080;transport=ws;r2=on;lr=on;ftag=as4f2c1d9e>',
    'Route: <sip:10.1.1.5;r2=on;lr=on;ftag=as4f2c1d9e>',
    'To: "张三 市民" <sip:13912345678@hotline.example.gov.cn>;tag=as4f2c1d9e',
    'From: <sip:1001@hotline.example.gov.cn>;tag=h7g4Esbg_p',
    'Call-ID: 7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d@10.20.30.40',
    'CSeq: 2 BYE',
    'Max-Forwards: 70',
    'Reason: Q.850;cause=16;text="Normal call clearing"',
  ]),
  'OPTIONS keep-alive to an IPv4 literal': withBody([
    'OPTIONS sip:10.1.1.5:8080;transport=ws SIP/2.0',
    'Via: SIP/2.0/WS 127.0.0.1:49152;branch=z9hG4bKopts.1;rport',
    'From: <sip:probe@hotline.test>;tag=abc',
    'To: <sip:10.1.1.5:8080>',
    'Call-ID: probe-xyz',
    'CSeq: 1 OPTIONS',
    'Max-Forwards: 1',
    'Accept: application/sdp',
  ]),
  '200 OK to INVITE with Record-Route list and SDP': withBody([
    'SIP/2.0 200 OK',
    'Via: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK5417214;rport=49152;received=127.0.0.1',
    'Record-Route: <sip:10.1.1.5;r2=on;lr=on;ftag=h7g4>, <sip:10.1.1.5:8080;transport=ws;r2=on;lr=on;ftag=h7g4>',
    'From: <sip:1001@hotline.test>;tag=h7g4',
    'To: "Citizen" <sip:13800138000@hotline.test>;tag=1928301774',
    'Call-ID: out-1',
    'CSeq: 1 INVITE',
    'Contact: <sip:13800138000@127.0.0.1:5070>',
    'Content-Type: application/sdp',
  ], SDP),
  '401 with WWW-Authenticate': withBody([
    'SIP/2.0 401 Unauthorized',
    'Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK3408401;rport=49152;received=127.0.0.1',
    'To: <sip:1001@hotline.test>;tag=37GkEhwl6',
    'From: "Agent 1001" <sip:1001@hotline.test>;tag=0ra2gmq6mk',
    'Call-ID: 4j5f6nhbgfiadb8hsf2pnc',
    'CSeq: 1 REGISTER',
    'WWW-Authenticate: Digest realm="hotline.test", nonce="Y2kyNjA1OgAAAAABAAAA", qop="auth", algorithm=MD5, stale=false',
  ]),
  '407 with Proxy-Authenticate': withBody([
    'SIP/2.0 407 Proxy Authentication Required',
    'Via: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK1;rport=49152;received=127.0.0.1',
    'To: <sip:2000@hotline.test>;tag=x1',
    'From: <sip:1001@hotline.test>;tag=y1',
    'Call-ID: c407',
    'CSeq: 1 INVITE',
    'Proxy-Authenticate: Digest realm="hotline.test", nonce="abc123", opaque="", qop="auth,auth-int"',
  ]),
  '180 Ringing with Chinese reason phrase in 486 style': withBody([
    'SIP/2.0 486 忙 Busy Here',
    'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1-0',
    'From: "Citizen" <sip:13800138000@hotline.test>;tag=1',
    'To: <sip:1001@hotline.test>;tag=2',
    'Call-ID: 1-2@127.0.0.1',
    'CSeq: 1 INVITE',
  ]),
  'NOTIFY with sipfrag body': withBody([
    'NOTIFY sip:1001@df7jal23ls0d.invalid;transport=ws SIP/2.0',
    'Via: SIP/2.0/WS 10.1.1.5:8080;branch=z9hG4bKnot.1',
    'From: <sip:13800138000@hotline.test>;tag=1',
    'To: <sip:1001@hotline.test>;tag=2',
    'Call-ID: refer-1',
    'CSeq: 3 NOTIFY',
    'Event: refer;id=93809824',
    'Subscription-State: terminated;reason=noresource',
    'Content-Type: message/sipfrag;version=2.0',
  ], 'SIP/2.0 200 OK\r\n'),
  'REFER with Replaces and Referred-By': withBody([
    'REFER sip:13800138000@127.0.0.1:5070 SIP/2.0',
    'Via: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK8',
    'From: <sip:1001@hotline.test>;tag=a',
    'To: <sip:13800138000@hotline.test>;tag=b',
    'Call-ID: xfer-1',
    'CSeq: 4 REFER',
    'Refer-To: <sip:2000@hotline.test?Replaces=12345%40192.168.118.3%3Bto-tag%3D12345%3Bfrom-tag%3D5FFE-3994>',
    'Referred-By: <sip:1001@hotline.test>',
    'Contact: <sip:k3u8d2q1@df7jal23ls0d.invalid;transport=ws>',
  ]),
};

/** Header values by grammar start rule (sip.js's rule names). */
export const HEADER_VALUES: Record<string, string[]> = {
  Via: [
    'SIP/2.0/UDP 10.20.30.40:5060;rport=5060;received=10.20.30.40;branch=z9hG4bK-524287-1',
    'SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK3408402;rport',
    'SIP/2.0/TLS [2001:db8::1]:5061;branch=z9hG4bKabc;maddr=224.2.0.1;ttl=16;received=2001:db8::2',
    'SIP / 2.0 / UDP first.example.com: 4000;ttl=16;maddr=224.2.0.1 ;branch=z9hG4bKa7c6a8dlze.1',
    'SIP/2.0/SCTP h;branch=z9hG4bK;alias;keep=30;x-custom="quoted value"',
    'SIP/2.0/UDP host;branch',
  ],
  From: [
    '"张三 市民" <sip:13912345678@hotline.example.gov.cn>;tag=as4f2c1d9e',
    '"\\"quoted\\" name" <sip:alice@example.com>;tag=1',
    'sip:+12125551212@server.phone2net.com;tag=887s',
    'Anonymous <sip:c8oqz84zk7z@privacy.org>;tag=hyh8',
    '<tel:+86-10-12345678;phone-context=example.gov.cn>;tag=t1',
    '王五 <sip:wang@example.cn>;tag=x',
  ],
  To: ['<sip:1001@hotline.test>', '"Bob" <sips:bob@biloxi.example.com>;tag=a6c85cf', '<sip:user:pass@host.example.com:5060;transport=tcp;lr?subject=project%20x&priority=urgent>'],
  Contact: [
    '*',
    '<sip:13912345678@10.20.30.40:5060;transport=udp>',
    '"Mr. Watson" <sip:watson@worcester.bell-telephone.com>;q=0.7; expires=3600, "Mr. Watson" <mailto:watson@bell-telephone.com> ;q=0.1',
    '<sip:k3u8d2q1@df7jal23ls0d.invalid;transport=ws>;+sip.ice;reg-id=1;+sip.instance="<urn:uuid:2a1d3f1c-5b8e-4a6f-9c7d-0e1f2a3b4c5d>";expires=600',
    'sip:caller@[2001:db8::9:1]:5060',
  ],
  Record_Route: [
    '<sip:10.1.1.5:8080;transport=ws;r2=on;lr=on;ftag=as4f2c1d9e>',
    '<sip:10.1.1.5;r2=on;lr=on;ftag=h7g4>, <sip:10.1.1.5:8080;transport=ws;r2=on;lr=on;ftag=h7g4>, <sip:[2001:db8::1];lr>',
  ],
  Name_Addr_Header: ['"张三 市民" <sip:13912345678@hotline.example.gov.cn>', '<sip:13800138000@hotline.test>;party=calling;privacy=off', 'Citizen <sip:1@h>'],
  Call_ID: ['7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d@10.20.30.40', 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6', 'a@b@c'],
  CSeq: ['102 INVITE', '4711 REGISTER', '1 X-CUSTOM', '99999999999 BYE'],
  Content_Length: ['0', '349', '007'],
  Content_Type: ['application/sdp', 'multipart/mixed; boundary="boundary42"', 'message/sipfrag;version=2.0', 'Application/SDP ; charset=UTF-8'],
  Content_Disposition: ['session;handling=optional', 'render', 'attachment; filename="a.txt"'],
  Max_Forwards: ['70', '0', '255'],
  Min_SE: ['90', '90;lr'],
  Session_Expires: ['1800;refresher=uac', '90', '4000;refresher=uas;x=y'],
  Event: ['refer;id=93809824', 'presence', 'dialog;call-id=abc;to-tag=1;from-tag=2'],
  Subscription_State: ['active;expires=60', 'terminated;reason=noresource', 'pending;retry-after=30;x=1'],
  Refer_To: ['<sip:2000@hotline.test?Replaces=12345%40192.168.118.3%3Bto-tag%3D12345%3Bfrom-tag%3D5FFE-3994>', 'sip:2000@hotline.test', '"Transfer" <sip:2000@hotline.test;user=phone>;method=INVITE'],
  // sip.js's Referred_By rule includes the header name ("Referred-By:" or compact "b:").
  Referred_By: ['Referred-By: <sip:1001@hotline.test>', 'b: "Agent" <sip:1001@hotline.test>;cid="<20398823.2UWQFN309shb3@referrer.example>"', '<sip:1001@hotline.test>'],
  Replaces: ['12345@192.168.118.3;to-tag=12345;from-tag=5FFE-3994', '98732@sip.example.com;from-tag=r33th4x0r;to-tag=ff87ff;early-only'],
  Require: ['timer', '100rel, replaces', 'path,outbound'],
  Supported: ['replaces, timer', '', 'path, gruu, outbound, ice'],
  WWW_Authenticate: [
    'Digest realm="hotline.test", nonce="Y2kyNjA1OgAAAAABAAAA", qop="auth", algorithm=MD5, stale=false',
    'Digest realm="a", domain="sip:ss1.carrier.com", nonce="f84f1cec41e6cbe5aea9c8e88d359", opaque="", stale=FALSE, algorithm=MD5',
  ],
  Proxy_Authenticate: ['Digest realm="hotline.test", nonce="abc123", opaque="", qop="auth,auth-int"'],
  challenge: ['Digest realm="x", nonce="y"'],
  SIP_URI: [
    'sip:1001@hotline.test',
    'sips:alice:secret@atlanta.com;transport=tcp;maddr=239.255.255.1;ttl=15;user=ip;method=REGISTER;lr?to=alice%40atlanta.com&priority=urgent',
    'sip:+86-10-1234;isub=1411@gw.example.cn;user=phone',
    'sip:[2001:db8::10]:5060',
    'sip:%E5%BC%A0%E4%B8%89@example.cn',
  ],
  absoluteURI: ['ws://127.0.0.1:8080', 'wss://sip.example.gov.cn:7443/ws', 'tel:+8613800138000', 'http://x.example/a?b=c'],
  host: ['hotline.example.gov.cn', '10.1.1.5', '[2001:db8::1]', '[::1]', '[::ffff:10.0.0.1]', 'a-b.c-d.e'],
  quoted_string: ['"abc"', '"张三"', '"a\\"b"'],
  displayName: ['Agent 1001', '"Agent \\"1001\\""'],
  uuid: ['2a1d3f1c-5b8e-4a6f-9c7d-0e1f2a3b4c5d', 'not-a-uuid'],
  stun_URI: ['stun:stun.example.com', 'stuns:stun.example.com:5349'],
  turn_URI: ['turn:turn.example.com?transport=udp', 'turns:turn.example.com:443?transport=tcp'],
  sipfrag: ['SIP/2.0 200 OK', 'SIP/2.0 100 Trying', 'INVITE sip:a@b SIP/2.0'],
  Request_Response: ['INVITE sip:1001@hotline.test SIP/2.0', 'SIP/2.0 200 OK', 'SIP/2.0 486 Busy Here', 'INVITE tel:+8613800138000 SIP/2.0', 'X-METHOD sip:a@b SIP/2.0',
    // Accepted by sip.js's grammar although odd: kept to show both files agree on it.
    'INVITE sip:1001@hotline.test SIP/3.0'],
};

/** Input the grammar must reject (start rule, value); each must fail the same way in both files. */
export const MALFORMED: [string, string][] = [
  ['Request_Response', ''],
  ['Request_Response', 'INVITE sip:1001@hotline.test'],
  ['Request_Response', 'SIP/2.0 abc Not A Status'],
  ['Request_Response', 'this is not SIP at all'],
  ['Via', 'SIP/2.0/WS'],
  ['Via', 'SIP/2.0/UDP [2001:db8::1;branch=x'],
  ['From', '<<<>>>'],
  ['From', '"unterminated <sip:a@b>'],
  ['From', '<sip:a@b'],
  ['To', 'sip:'],
  ['Contact', '<sip:bad'],
  ['Contact', '*, <sip:a@b>'],
  ['CSeq', 'x INVITE'],
  ['CSeq', '1'],
  ['Content_Length', '-1'],
  ['Max_Forwards', 'seventy'],
  ['Call_ID', ''],
  ['SIP_URI', 'sip:a@256.256.256.256x'],
  ['SIP_URI', 'mailto:a@b'],
  ['host', '[2001:db8::zz]'],
  ['Record_Route', '<sip:a@b>,'],
  ['uuid', '2a1d3f1c-5b8e-4a6f-9c7d'],
  ['Event', ';id=1'],
  ['Name_Addr_Header', '张三 <sip:a@b'],
];

/** Whole messages sip.js must drop. */
export const MALFORMED_MESSAGES: string[] = [
  'this is not SIP at all\r\n\r\n',
  'SIP/2.0 abc Not A Status\r\nVia: SIP/2.0/WS x.invalid\r\n\r\n',
  'INVITE sip:1001@hotline.test SIP/2.0\r\nVia: SIP/2.0/WS h.invalid;branch=z9hG4bKy\r\nFrom: <<<>>>\r\nTo: <sip:1001@hotline.test>\r\n' +
    'Call-ID: bad-from\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n',
  'INVITE sip:1001@hotline.test SIP/2.0\r\nVia: SIP/2.0/WS h.invalid;branch=z9hG4bKz\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:1001@hotline.test>\r\n' +
    'Call-ID: bad-cseq\r\nCSeq: one INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n',
  '',
];

/** Deterministic PRNG (mulberry32) so the fuzz corpus is the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOISE = ['<', '>', '"', ';', ':', '@', ',', ' ', '\t', '[', ']', '=', '%', '\\', '张', '\r\n', '\r\n ', 'a', '0', '.', '/', '?'];

/** `count` mutations of valid header values (delete, insert, duplicate, truncate), per start rule. */
export function fuzzCorpus(count: number, seed = 12345): [string, string][] {
  const rnd = prng(seed);
  const rules = Object.entries(HEADER_VALUES).flatMap(([rule, values]) => values.filter(Boolean).map((v) => [rule, v] as const));
  const out: [string, string][] = [];
  for (let i = 0; i < count; i++) {
    const [rule, value] = rules[Math.floor(rnd() * rules.length)]!;
    let v = value;
    const edits = 1 + Math.floor(rnd() * 3);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(rnd() * (v.length + 1));
      const op = rnd();
      if (op < 0.35) v = v.slice(0, at) + v.slice(at + 1);
      else if (op < 0.75) v = v.slice(0, at) + NOISE[Math.floor(rnd() * NOISE.length)]! + v.slice(at);
      else if (op < 0.9) v = v.slice(0, at) + v.slice(Math.max(0, at - 5), at) + v.slice(at);
      else v = v.slice(0, at);
    }
    out.push([rule, v]);
  }
  return out;
}
