/**
 * A citizen's phone behind the carrier trunk, for tests: Debian's baresip sending plain RTP (PCMU,
 * no ICE, no encryption) over SIP/UDP to Kamailio, as a trunk does in production. What it sends is a
 * generated tone (aufile source); what it receives is dumped to WAV by the sndfile module, so a test
 * can check that the desk's audio reached the caller. Loopback only; its own config folder.
 */
import { spawn, type ChildProcess } from "node:child_process";
import dgram from "node:dgram";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "./ports.js";

const RATE = 8000;

/** A mono 16-bit PCM WAV of a sine tone (what baresip's aufile source plays). */
export function toneWav(hz: number, seconds: number, amplitude = 0.3): Buffer {
  const n = RATE * seconds;
  const data = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * hz * i) / RATE) * amplitude * 32767), i * 2);
  const header = Buffer.alloc(44);
  header.write("RIFF", 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write("WAVE", 8);
  header.write("fmt ", 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(RATE, 24);
  header.writeUInt32LE(RATE * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** RMS (0..1) and length of the 16-bit PCM samples of a WAV, from its data chunk (sizes in the header are not trusted: the file may still be open). */
export function wavLevel(file: Buffer): { seconds: number; rms: number; rate: number } {
  const rate = file.readUInt32LE(24);
  const channels = file.readUInt16LE(22);
  let at = 12;
  while (at + 8 <= file.length && file.toString("ascii", at, at + 4) !== "data") at += 8 + file.readUInt32LE(at + 4);
  const start = at + 8;
  const samples = Math.floor((file.length - start) / 2);
  let sum = 0;
  for (let i = 0; i < samples; i++) {
    const v = file.readInt16LE(start + i * 2) / 32768;
    sum += v * v;
  }
  return { seconds: samples / channels / rate, rms: samples ? Math.sqrt(sum / samples) : 0, rate };
}

export interface BaresipCall {
  /** Kamailio's UDP port (the trunk side). */
  proxyPort: number;
  domain: string;
  /** Who the citizen is (the From user). */
  from: string;
  /** The extension or queue number dialled. */
  to: string;
  /** Tone the citizen's phone sends. @default 440 */
  toneHz?: number;
}

export class BaresipPhone {
  private output = "";
  private exited: Promise<void>;

  private constructor(readonly dir: string, private readonly child: ChildProcess, private readonly consPort: number) {
    child.stdout?.on("data", (d: Buffer) => { this.output += d.toString(); });
    child.stderr?.on("data", (d: Buffer) => { this.output += d.toString(); });
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
  }

  /**
   * The PBX's echo test service (Kamailio's gateway in tests): baresip's echo module answers every
   * INVITE for `number` on `port` (plain RTP, PCMU) and sends back what it receives. (baresip takes
   * a call only for an account whose user is the request URI's.)
   */
  static async echoService(port: number, number: string): Promise<BaresipPhone> {
    // The echo module bridges each call's player to its source through aubridge devices of its own.
    return BaresipPhone.launch({ sipPort: port, extraModules: ["echo.so"], source: "aubridge,echo", account: `<sip:${number}@127.0.0.1>;regint=0;audio_codecs=PCMU` });
  }

  /** Starts baresip and dials at once. */
  static async dial(call: BaresipCall): Promise<BaresipPhone> {
    const account = `<sip:${call.from}@${call.domain}>;regint=0;outbound="sip:127.0.0.1:${call.proxyPort};transport=udp";audio_codecs=PCMU`;
    return BaresipPhone.launch({ sipPort: await freePort(), toneHz: call.toneHz, account, dial: `sip:${call.to}@${call.domain}` });
  }

  private static async launch(o: { sipPort: number; account: string; toneHz?: number; dial?: string; extraModules?: string[]; source?: string }): Promise<BaresipPhone> {
    const dir = mkdtempSync(path.join(tmpdir(), "baresip-test-"));
    const sipPort = o.sipPort;
    let consPort = await freePort();
    while (consPort === sipPort) consPort = await freePort();
    const tone = path.join(dir, "tone.wav");
    writeFileSync(tone, toneWav(o.toneHz ?? 440, 120));
    const rtpBase = 20000 + 2 * Math.floor(Math.random() * 4000);
    writeFileSync(path.join(dir, "config"), [
      "poll_method\t\tepoll",
      `sip_listen\t\t127.0.0.1:${sipPort}`,
      "sip_transports\t\tudp",
      "net_interface\t\t127.0.0.1",
      `audio_source\t\t${o.source ?? `aufile,${tone}`}`,
      "audio_player\t\taubridge,sink",
      "audio_alert\t\taubridge,alert",
      `ausrc_srate\t\t${RATE}`,
      `auplay_srate\t\t${RATE}`,
      "ausrc_channels\t\t1",
      "auplay_channels\t\t1",
      `rtp_ports\t\t${rtpBase}-${rtpBase + 20}`,
      "module_path\t\t/usr/lib/baresip/modules",
      "module\t\t\tg711.so",
      "module\t\t\taufile.so",
      "module\t\t\taubridge.so",
      "module\t\t\tsndfile.so",
      ...(o.extraModules ?? []).map((m) => `module\t\t\t${m}`),
      `snd_path\t\t${dir}`,
      "module_app\t\taccount.so",
      "module_app\t\tmenu.so",
      "module\t\t\tcons.so",
      `cons_listen\t\t127.0.0.1:${consPort}`,
      "",
    ].join("\n"));
    // regint=0: a trunk does not register; the outbound proxy is Kamailio's UDP port; PCMU only, no
    // media encryption, no ICE: the INVITE's SDP is plain RTP/AVP as a carrier sends it.
    writeFileSync(path.join(dir, "accounts"), `${o.account}\n`);
    writeFileSync(path.join(dir, "contacts"), "");
    const child = spawn("baresip", [...(process.env.BARESIP_VERBOSE ? ["-v"] : []), "-f", dir, ...(o.dial ? ["-e", `/dial ${o.dial}`] : [])], { stdio: ["ignore", "pipe", "pipe"] });
    return new BaresipPhone(dir, child, consPort);
  }

  get log(): string {
    return this.output;
  }

  /** Waits until baresip's output matches, or fails with its log. */
  async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (Date.now() > deadline) throw new Error(`baresip: no ${pattern} within ${timeoutMs} ms; output:\n${this.output.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The audio the phone received (decoded), from sndfile's dump; null before it exists. */
  received(): Buffer | null {
    const f = readdirSync(this.dir).find((n) => /^dump-.*-dec\.wav$/.test(n));
    return f ? readFileSync(path.join(this.dir, f)) : null;
  }

  /** A menu command through the console module (UDP on loopback), e.g. "/hangup". */
  async command(cmd: string): Promise<void> {
    const socket = dgram.createSocket("udp4");
    await new Promise<void>((resolve, reject) => socket.send(`${cmd}\n`, this.consPort, "127.0.0.1", (e) => (e ? reject(e) : resolve())));
    socket.close();
  }

  /** Hangs up: a BYE to the desk. */
  hangup(): Promise<void> {
    return this.command("/hangup");
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      await this.command("/quit").catch(() => undefined);
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 3000);
      await this.exited;
      clearTimeout(timer);
    }
    if (!process.env["KEEP_SIP_LOGS"]) rmSync(this.dir, { recursive: true, force: true });
  }
}
