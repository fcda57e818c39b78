/**
 * Runs sipp as a citizen's phone (UAC) or as a called party (UAS) over UDP against the test
 * Kamailio, with the XML scenarios in ./scenarios. Each run gets its own temp dir for sipp's
 * trace files so a failing test can print what sipp saw.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./ports.js";

const scenarioDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "scenarios");

export type UacScenario =
  | "uac-answer-bye"
  | "uac-answer-wait-bye"
  | "uac-hold"
  | "uac-cancel"
  | "uac-expect-486"
  | "uac-expect-488"
  | "uac-blind-transfer"
  | "uac-attended-transfer"
  | "uac-attended-transfer-fails"
  | "uac-info-dtmf"
  | "uac-answer-refresh-bye";
export type UasScenario = "uas-answer" | "uas-busy";

export interface SippStats {
  successfulCalls: number;
  failedCalls: number;
  /** Every column of sipp's last statistics line, by header name. */
  raw: Record<string, string>;
}

export interface SippResult {
  /** 0: every call succeeded, 1: some call failed, 99: no call processed, other: fatal. */
  exitCode: number;
  stats: SippStats;
  /** sipp's error trace (unexpected messages, failed checks); empty when all went well. */
  errors: string;
  /** Every SIP message sipp sent and received, for diagnosing a failed test. */
  messages: string;
}

interface CommonOptions {
  /** Duration of each <pause/> (talk time, ring time before CANCEL, UAS answer delay). */
  pauseMs?: number;
  /** sipp gives up waiting for any expected message after this. */
  recvTimeoutMs?: number;
  /** Hard limit for the whole run. */
  timeoutMs?: number;
  localPort?: number;
  /** sipp's -timer_resol: how finely it schedules pauses (its default, 10 ms, delays a <pause/> of 0 by up to that). */
  timerResolutionMs?: number;
}

export interface UacOptions extends CommonOptions {
  scenario: UacScenario;
  /** Kamailio's UDP address. */
  proxy: { host: string; port: number };
  domain: string;
  /** The number the citizen dials (an agent's extension or the hotline queue). */
  called: string;
  callerNumber?: string;
  callerName?: string;
}

export interface UasOptions extends CommonOptions {
  scenario: UasScenario;
  service?: string;
}

export interface SippRun {
  readonly port: number;
  readonly result: Promise<SippResult>;
  /** Ends sipp early (SIGTERM to the sipp we started). */
  stop(): void;
}

export async function runUac(options: UacOptions): Promise<SippResult> {
  const run = await startUac(options);
  return run.result;
}

export async function startUac(options: UacOptions): Promise<SippRun> {
  const args = [
    `${options.proxy.host}:${options.proxy.port}`,
    "-s", options.called,
    "-key", "domain", options.domain,
    "-key", "caller", options.callerNumber ?? "13800138000",
    // sipp puts the value in a quoted display name; keep it ASCII-safe.
    "-key", "caller_name", options.callerName ?? "Citizen",
  ];
  return start(options.scenario, args, options);
}

/** Starts a UAS and resolves once its UDP port is bound, so a call routed to it cannot be lost. */
export async function startUas(options: UasOptions): Promise<SippRun> {
  const run = await start(options.scenario, ["-s", options.service ?? "callee"], options);
  await waitForUdpBound(run.port, 5000);
  return run;
}

async function start(scenario: string, extra: string[], options: CommonOptions): Promise<SippRun> {
  const dir = mkdtempSync(path.join(tmpdir(), "sipp-"));
  const port = options.localPort ?? (await freePort());
  const args = [
    ...extra,
    "-sf", path.join(scenarioDir, `${scenario}.xml`),
    "-i", "127.0.0.1",
    "-p", String(port),
    "-m", "1",
    "-d", String(options.pauseMs ?? 1000),
    "-recv_timeout", String(options.recvTimeoutMs ?? 20_000),
    "-timeout", `${Math.ceil((options.timeoutMs ?? 60_000) / 1000)}s`,
    "-nostdin",
    ...(options.timerResolutionMs !== undefined ? ["-timer_resol", String(options.timerResolutionMs)] : []),
    "-trace_stat", "-stf", path.join(dir, "stat.csv"), "-fd", "1",
    "-trace_err", "-error_file", path.join(dir, "errors.log"),
    "-trace_msg", "-message_file", path.join(dir, "messages.log"),
    "-trace_logs", "-log_file", path.join(dir, "logs.log"),
  ];
  const child = spawn("sipp", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    if (stderr.length < 20_000) stderr += chunk.toString();
  });
  const result = new Promise<SippResult>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      const errors = [readIfExists(path.join(dir, "errors.log")), stderr].filter(Boolean).join("\n");
      const outcome: SippResult = {
        exitCode: code ?? (signal ? 128 : -1),
        stats: parseStats(readIfExists(path.join(dir, "stat.csv"))),
        errors,
        messages: readIfExists(path.join(dir, "messages.log")) + readIfExists(path.join(dir, "logs.log")),
      };
      if (!process.env["KEEP_SIP_LOGS"]) rmSync(dir, { recursive: true, force: true });
      resolve(outcome);
    });
  });
  return {
    port,
    result,
    stop: () => {
      if (child.exitCode === null && child.pid) process.kill(child.pid, "SIGTERM");
    },
  };
}

function readIfExists(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    // sipp names some trace files after its pid; pick up whatever matches.
    const dir = path.dirname(file);
    const stem = path.basename(file).split(".")[0] ?? "";
    try {
      return readdirSync(dir)
        .filter((name) => name.includes(stem))
        .map((name) => readFileSync(path.join(dir, name), "utf8"))
        .join("\n");
    } catch {
      return "";
    }
  }
}

/** sipp's statistics file is ';'-separated with a header line; the last line is the final count. */
export function parseStats(csv: string): SippStats {
  const lines = csv.split("\n").map((l) => l.trim()).filter(Boolean);
  const header = lines[0]?.split(";") ?? [];
  const last = lines.length > 1 ? (lines[lines.length - 1]?.split(";") ?? []) : [];
  const raw: Record<string, string> = {};
  header.forEach((name, i) => {
    if (name) raw[name] = last[i] ?? "";
  });
  const num = (name: string): number => Number(raw[name] ?? "0") || 0;
  return { successfulCalls: num("SuccessfulCall(C)"), failedCalls: num("FailedCall(C)"), raw };
}

/** Polls /proc/net/udp rather than probing with bind(), which could steal the port from sipp. */
async function waitForUdpBound(port: number, timeoutMs: number): Promise<void> {
  const needle = `:${port.toString(16).toUpperCase().padStart(4, "0")} `;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const table = readIfExists("/proc/net/udp");
    if (table.split("\n").some((line) => line.trim().split(/\s+/)[1]?.concat(" ").endsWith(needle))) return;
    if (Date.now() > deadline) throw new Error(`sipp did not bind UDP ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One-line summary for assertion messages. */
export function describeRun(result: SippResult): string {
  return `sipp exit ${result.exitCode}, ok ${result.stats.successfulCalls}, failed ${result.stats.failedCalls}\n` +
    `${result.errors.slice(-3000)}\n--- messages ---\n${result.messages.slice(-6000)}`;
}
