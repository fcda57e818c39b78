/**
 * Starts a private Kamailio (never the Debian service) for integration tests: UDP for the
 * citizens' phones (sipp), WebSocket for the agents (sip.js), registrar with digest auth.
 * It runs in the foreground in its own process group so that kill() can take down every
 * worker at once, the way a crash or a power cut would.
 */
import { spawn, type ChildProcess } from "node:child_process";
import dgram from "node:dgram";
import { mkdtempSync, openSync, closeSync, readFileSync, writeFileSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, waitForTcp } from "./ports.js";

const here = path.dirname(fileURLToPath(import.meta.url));

/** Agents known to the test registrar: extension -> password. */
export const TEST_AGENTS: Readonly<Record<string, string>> = {
  "1001": "pw-1001-secret",
  "1002": "pw-1002-secret",
  "1003": "pw-1003-secret",
  "1004": "pw-1004-secret",
};

export interface KamailioOptions {
  domain?: string;
  credentials?: Readonly<Record<string, string>>;
  /** Port of a sipp UAS that plays the PSTN gateway for numbers nobody registered. */
  gatewayPort?: number;
  /** Kamailio debug level: 1 warnings, 2 info, 3 debug. */
  logLevel?: number;
  /** rtpengine's NG socket (RtpengineHarness.sock): calls with a trunk leg are bridged through it. */
  rtpengineSock?: string;
  /**
   * Log one "HOP" line per SIP message at each hop (request in, request relayed, reply in) with
   * Kamailio's wall clock ($TV(Sn)), at warning level: benchmarks line them up with sipp's and
   * main's timestamps to see where a call's latency goes.
   */
  hopTrace?: boolean;
}

/** Process groups still running, killed if the test process exits without calling stop(). */
const runningGroups = new Set<number>();
process.once("exit", () => {
  for (const pgid of runningGroups) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
});

export class KamailioHarness {
  readonly host = "127.0.0.1";
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  private constructor(
    readonly dir: string,
    readonly domain: string,
    readonly udpPort: number,
    readonly wsPort: number,
    readonly gatewayPort: number | undefined,
  ) {}

  get wsUrl(): string {
    return `ws://${this.host}:${this.wsPort}`;
  }
  get logPath(): string {
    return path.join(this.dir, "kamailio.log");
  }
  get configPath(): string {
    return path.join(this.dir, "kamailio.cfg");
  }

  static async start(options: KamailioOptions = {}): Promise<KamailioHarness> {
    const dir = mkdtempSync(path.join(tmpdir(), "kamailio-test-"));
    mkdirSync(path.join(dir, "run"));
    const udpPort = await freePort();
    let wsPort = await freePort();
    while (wsPort === udpPort) wsPort = await freePort();
    const domain = options.domain ?? "hotline.test";
    const harness = new KamailioHarness(dir, domain, udpPort, wsPort, options.gatewayPort);
    const credentials = Object.entries(options.credentials ?? TEST_AGENTS)
      .map(([user, password]) => `\t$sht(creds=>${user}) = "${password.replace(/["\\]/g, "")}";`)
      .join("\n");
    const values: Record<string, string> = {
      LOG_LEVEL: String(options.logLevel ?? 2),
      DOMAIN: domain,
      LISTEN_IP: harness.host,
      UDP_PORT: String(udpPort),
      WS_PORT: String(wsPort),
      GATEWAY: options.gatewayPort ? `${harness.host}:${options.gatewayPort}` : "",
      CREDENTIALS: credentials,
      DEFINES: [options.rtpengineSock ? "#!define WITH_RTPENGINE" : "", options.hopTrace ? "#!define WITH_HOP_TRACE" : ""].filter(Boolean).join("\n"),
      RTPENGINE_SOCK: options.rtpengineSock ?? "",
    };
    const template = readFileSync(path.join(here, "kamailio.cfg"), "utf8");
    const config = template.replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
      const value = values[name];
      if (value === undefined) throw new Error(`kamailio.cfg: unknown placeholder ${name}`);
      return value;
    });
    writeFileSync(harness.configPath, config);
    await harness.launch();
    return harness;
  }

  /** Starts the process on the ports chosen at start(); used again by restart(). */
  private async launch(): Promise<void> {
    if (this.child) throw new Error("kamailio is already running");
    const log = openSync(this.logPath, "a");
    const args = ["-f", this.configPath, "-DD", "-E", "-P", path.join(this.dir, "run", "kamailio.pid"),
      "-Y", path.join(this.dir, "run"), "-w", this.dir, "-m", "32", "-M", "8"];
    const child = spawn("kamailio", args, { detached: true, stdio: ["ignore", log, log] });
    closeSync(log);
    this.child = child;
    const pgid = child.pid;
    if (pgid) runningGroups.add(pgid);
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    child.once("exit", () => {
      if (pgid) runningGroups.delete(pgid);
    });
    child.once("exit", () => {
      if (this.child === child) this.child = undefined;
    });
    try {
      await Promise.race([
        this.waitReady(10_000),
        this.exited.then(() => {
          throw new Error(`kamailio exited during start; log:\n${this.logTail()}`);
        }),
      ]);
    } catch (error) {
      await this.kill();
      throw error;
    }
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    await waitForTcp(this.host, this.wsPort, timeoutMs);
    // TCP accepting does not mean the SIP workers run: wait for an answer to OPTIONS over UDP.
    const deadline = Date.now() + timeoutMs;
    while (!(await this.optionsPing(300))) {
      if (Date.now() > deadline) throw new Error(`kamailio does not answer OPTIONS; log:\n${this.logTail()}`);
    }
  }

  /** Sends one OPTIONS over UDP; true when Kamailio answers 200. */
  async optionsPing(timeoutMs: number): Promise<boolean> {
    const socket = dgram.createSocket("udp4");
    try {
      return await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        socket.on("message", (data) => {
          if (data.toString().startsWith("SIP/2.0 200")) {
            clearTimeout(timer);
            resolve(true);
          }
        });
        socket.bind(0, this.host, () => {
          const port = (socket.address()).port;
          const tag = Math.random().toString(36).slice(2);
          const message = [
            `OPTIONS sip:${this.domain} SIP/2.0`,
            `Via: SIP/2.0/UDP ${this.host}:${port};branch=z9hG4bK${tag};rport`,
            "Max-Forwards: 5",
            `From: <sip:probe@${this.domain}>;tag=${tag}`,
            `To: <sip:${this.domain}>`,
            `Call-ID: probe-${tag}`,
            "CSeq: 1 OPTIONS",
            "Content-Length: 0",
            "",
            "",
          ].join("\r\n");
          socket.send(message, this.udpPort, this.host);
        });
      });
    } finally {
      socket.close();
    }
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** SIGKILL to the whole process group: no goodbye on any socket, like a crashed server. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
    await this.exited;
    this.child = undefined;
  }

  /**
   * SIGSTOP / SIGCONT to the whole process group: a proxy that hangs. Its sockets stay open (the
   * kernel still accepts connections and data) but nothing answers, not even a WebSocket ping.
   */
  pause(): void {
    if (this.child?.pid) process.kill(-this.child.pid, "SIGSTOP");
  }

  resume(): void {
    if (this.child?.pid) process.kill(-this.child.pid, "SIGCONT");
  }

  /** Starts again on the same ports and config (registrations are lost: usrloc is in memory). */
  async restart(): Promise<void> {
    await this.kill();
    await this.launch();
  }

  /** Graceful stop for teardown; removes the temp dir unless KEEP_SIP_LOGS is set. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child?.pid) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // Already gone.
      }
      const timer = setTimeout(() => void this.kill(), 5000);
      await this.exited;
      clearTimeout(timer);
      this.child = undefined;
    }
    if (!process.env["KEEP_SIP_LOGS"]) rmSync(this.dir, { recursive: true, force: true });
  }

  log(): string {
    try {
      return readFileSync(this.logPath, "utf8");
    } catch {
      return "";
    }
  }

  logTail(lines = 40): string {
    return this.log().split("\n").slice(-lines).join("\n");
  }
}
