/**
 * A private rtpengine (Debian's `rtpengine-daemon`) for tests: the media proxy a center puts between
 * the carrier trunk (plain RTP, PCMU) and the agents' WebRTC desks (DTLS-SRTP, ICE, rtcp-mux).
 * Userspace only (`--table=-1`: no kernel module), loopback only, its NG control port and a
 * private RTP port range chosen free at start; never the Debian service or its config file.
 */
import { spawn, type ChildProcess } from "node:child_process";
import dgram from "node:dgram";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "./ports.js";

export class RtpengineHarness {
  readonly host = "127.0.0.1";
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  private constructor(readonly dir: string, readonly ngPort: number, readonly portMin: number, readonly portMax: number) {}

  /** Kamailio's rtpengine_sock value. */
  get sock(): string {
    return `udp:${this.host}:${this.ngPort}`;
  }

  get logPath(): string {
    return path.join(this.dir, "rtpengine.log");
  }

  static async start(): Promise<RtpengineHarness> {
    const dir = mkdtempSync(path.join(tmpdir(), "rtpengine-test-"));
    const ngPort = await freePort();
    // A block of 200 RTP ports somewhere above the ephemeral range's usual start, different per run so
    // that two tests on one machine rarely overlap (rtpengine skips ports it cannot bind anyway).
    const portMin = 30000 + 200 * Math.floor(Math.random() * 100);
    const harness = new RtpengineHarness(dir, ngPort, portMin, portMin + 199);
    await harness.launch();
    return harness;
  }

  private async launch(): Promise<void> {
    const log = openSync(this.logPath, "a");
    const args = ["--config-file=none", "--foreground", "--log-stderr", "--table=-1", `--interface=${this.host}`,
      `--listen-ng=${this.host}:${this.ngPort}`, `--port-min=${this.portMin}`, `--port-max=${this.portMax}`,
      `--pidfile=${path.join(this.dir, "rtpengine.pid")}`, "--log-level=6"];
    const child = spawn("rtpengine", args, { stdio: ["ignore", log, log] });
    closeSync(log);
    this.child = child;
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    child.once("exit", () => {
      if (this.child === child) this.child = undefined;
    });
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (!this.child) throw new Error(`rtpengine exited during start; log:\n${this.logTail()}`);
      if (await this.ping(300)) return;
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`rtpengine does not answer on its NG port; log:\n${this.logTail()}`);
      }
    }
  }

  /** One NG `ping` (bencoded over UDP); true when rtpengine answers `pong`. */
  async ping(timeoutMs: number): Promise<boolean> {
    const socket = dgram.createSocket("udp4");
    try {
      return await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        socket.on("message", (data) => {
          clearTimeout(timer);
          resolve(data.toString().includes("pong"));
        });
        socket.send("probe1 d7:command4:pinge", this.ngPort, this.host);
      });
    } finally {
      socket.close();
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await this.exited;
      clearTimeout(timer);
    }
    if (!process.env["KEEP_SIP_LOGS"]) rmSync(this.dir, { recursive: true, force: true });
  }

  logTail(lines = 40): string {
    try {
      return readFileSync(this.logPath, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "";
    }
  }
}
