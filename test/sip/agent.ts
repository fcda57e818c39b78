/** Test-side wrapper around a SoftphoneService: records every event and waits for the next one. */
import { NullMediaBridge, SoftphoneService, type SoftphoneConfig, type SoftphoneDeps, type SoftphoneEvents } from "../../electron/sip/index.js";
import { TEST_AGENTS, type KamailioHarness } from "./kamailio.js";

type Entry = { [K in keyof SoftphoneEvents]: { event: K; payload: SoftphoneEvents[K] } }[keyof SoftphoneEvents];

export class TestAgent {
  readonly service: SoftphoneService;
  readonly events: Entry[] = [];
  readonly logs: string[] = [];
  /** The media bridge of every call, by call id, to check what was negotiated. */
  readonly bridges = new Map<string, NullMediaBridge>();
  private waiters: Array<() => void> = [];

  /** `requireWebRtc`: the agent's bridges refuse offers a WebRTC desk could not answer, as a real desk's do. */
  constructor(readonly extension: string, deps: Omit<SoftphoneDeps, "logger" | "mediaBridgeFactory"> & { requireWebRtc?: boolean } = {}) {
    const log = (level: string) => (message: string) => {
      this.logs.push(`${new Date().toISOString()} ${level} ${message}`);
      if (process.env["SIP_TEST_VERBOSE"]) console.log(`[${extension}] ${level} ${message}`);
    };
    this.service = new SoftphoneService({
      ...deps,
      logger: { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") },
      mediaBridgeFactory: (callId) => {
        const bridge = new NullMediaBridge({ requireWebRtc: deps.requireWebRtc ?? false });
        this.bridges.set(callId, bridge);
        return bridge;
      },
    });
    for (const event of ["registration", "incoming", "call", "ended", "hangupSignal", "dialogRefreshed", "mediaAfterAnswer"] as const) {
      this.service.on(event, (payload) => {
        this.events.push({ event, payload } as Entry);
        for (const wake of this.waiters.splice(0)) wake();
      });
    }
  }

  config(kamailio: KamailioHarness, overrides: Partial<SoftphoneConfig> = {}): SoftphoneConfig {
    return {
      wsUrl: kamailio.wsUrl,
      aor: `sip:${this.extension}@${kamailio.domain}`,
      authorizationUsername: this.extension,
      password: TEST_AGENTS[this.extension] ?? "",
      displayName: `Agent ${this.extension}`,
      registerExpiresSec: 60,
      keepAliveIntervalMs: 1000,
      keepAliveTimeoutMs: 1000,
      reconnectBaseDelayMs: 200,
      reconnectMaxDelayMs: 2000,
      connectTimeoutMs: 2000,
      ...overrides,
    };
  }

  async start(kamailio: KamailioHarness, overrides: Partial<SoftphoneConfig> = {}): Promise<void> {
    await this.service.start(this.config(kamailio, overrides));
  }

  async startRegistered(kamailio: KamailioHarness, overrides: Partial<SoftphoneConfig> = {}): Promise<void> {
    const since = this.events.length;
    await this.start(kamailio, overrides);
    await this.waitFor("registration", (s) => s.state === "registered", 10_000, since);
  }

  /** Waits for an event matching predicate, looking at events from index `since` on. */
  async waitFor<K extends keyof SoftphoneEvents>(
    event: K,
    predicate: (payload: SoftphoneEvents[K]) => boolean = () => true,
    timeoutMs = 10_000,
    since = 0,
  ): Promise<SoftphoneEvents[K]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const entry of this.events.slice(since)) {
        if (entry.event === event && predicate(entry.payload as SoftphoneEvents[K])) return entry.payload as SoftphoneEvents[K];
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`agent ${this.extension}: no "${String(event)}" event matched within ${timeoutMs} ms; events:\n` +
          this.events.map((e) => `${e.event} ${JSON.stringify(e.payload)}`).join("\n") + `\nlog tail:\n${this.logs.slice(-30).join("\n")}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  count<K extends keyof SoftphoneEvents>(event: K, predicate: (payload: SoftphoneEvents[K]) => boolean = () => true): number {
    return this.events.filter((e) => e.event === event && predicate(e.payload as SoftphoneEvents[K])).length;
  }

  async stop(): Promise<void> {
    await this.service.stop();
  }
}
