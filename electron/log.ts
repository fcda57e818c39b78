import { appendFileSync, chmodSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, facts?: Record<string, unknown>): void;
  info(msg: string, facts?: Record<string, unknown>): void;
  warn(msg: string, facts?: Record<string, unknown>): void;
  error(msg: string, facts?: Record<string, unknown>): void;
}

// Phone numbers, ID-card numbers and anything keyed like a secret never reach the log file.
// Numbers are matched as people write them: grouped with spaces or dashes, in full-width digits,
// with the area code in brackets. The edges refuse letters and digits, so ticket numbers
// (JC2026…), UUIDs and ISO timestamps are not mistaken for phones.
const SEP = '[ \\u00a0\\u3000\\-\\u2010-\\u2015.]?';
const EDGE_BEFORE = '(?<![0-9A-Za-z])';
const EDGE_AFTER = '(?![0-9A-Za-z])';
const PHONE = new RegExp(
  `${EDGE_BEFORE}(?:(?:\\+|00)?86${SEP})?(1[3-9]\\d${SEP}\\d{4}${SEP}\\d{4}|1[3-9]\\d{2}${SEP}\\d{4}${SEP}\\d{3})${EDGE_AFTER}`, 'g');
// A UUID segment that happens to be all digits (0193…-8901-7abc) is followed by "-hex": not a phone.
const LANDLINE = new RegExp(
  `${EDGE_BEFORE}(?:[(（]\\s*(0\\d{2,3})\\s*[)）]|(0\\d{2,3}))${SEP}\\d{3,4}${SEP}(\\d{4})(?![0-9A-Za-z]|-[0-9A-Fa-f])`, 'g');
const ID_CARD = /(?<![\dXx])\d{6}(?:19|20)\d{2}\d{4}\d{3}[\dXx](?![\dXx])/g;
const SECRET_KEYS = /pass|secret|token|content|phone|name|address/i;

/** Full-width digits (１３８…) read as the digits they are. */
function asciiDigits(text: string): string {
  return text.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
}

/** Keeps the first three and last four digits of a mobile number, as agents read them back. */
function maskMobile(_match: string, number: string): string {
  const digits = number.replace(/\D/g, '');
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

export function scrub(text: string): string {
  return asciiDigits(text)
    .replace(ID_CARD, '[身份证号]')
    .replace(PHONE, maskMobile)
    .replace(LANDLINE, (_m, bracketed: string | undefined, plain: string | undefined, last: string) => `${bracketed ?? plain}-****${last}`);
}

function scrubValue(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return scrub(v);
  if (typeof v === 'number' && Number.isInteger(v)) {
    const s = scrub(String(v));
    return s === String(v) ? v : s;
  }
  if (v && typeof v === 'object' && depth < 4) {
    if (Array.isArray(v)) return v.map((x) => scrubValue(x, depth + 1));
    return scrubFacts(v as Record<string, unknown>, depth + 1);
  }
  return v;
}

function scrubFacts(facts: Record<string, unknown>, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(facts)) {
    if (SECRET_KEYS.test(k) && k !== 'requestName') out[k] = '[redacted]';
    else out[k] = scrubValue(v, depth);
  }
  return out;
}

/** One scrubbed JSON log line (no newline). */
function logLine(level: LogLevel, msg: string, facts?: Record<string, unknown>): string {
  return JSON.stringify({ at: new Date().toISOString(), level, msg: scrub(msg), ...(facts ? scrubFacts(facts) : {}) });
}

function loggerOf(write: (level: LogLevel, msg: string, facts?: Record<string, unknown>) => void): Logger {
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

/** The same scrubbed JSON lines, to a stream (the console server logs to stdout for its supervisor). */
export function createStreamLogger(out: NodeJS.WritableStream = process.stdout): Logger {
  return loggerOf((level, msg, facts) => out.write(logLine(level, msg, facts) + '\n'));
}

export interface FileLoggerOptions {
  dir: string;
  /** Bytes before the current file is rotated. @default 5 MiB */
  maxBytes?: number;
  /** Rotated files kept besides the current one. @default 5 */
  keep?: number;
  /** Also print to stderr (host mode, development). @default false */
  echo?: boolean;
}

/**
 * Appends one JSON line per entry. Synchronous on purpose: entries are small and rare, and a crash
 * must not lose the line that explains it.
 */
export function createFileLogger(opts: FileLoggerOptions): Logger {
  const maxBytes = opts.maxBytes ?? 5 * 1024 * 1024;
  const keep = opts.keep ?? 5;
  // Logs name users and requests: private to the user, like the store (rotation keeps the mode).
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  const file = join(opts.dir, 'console.log');
  if (process.platform !== 'win32') {
    try {
      if ((statSync(opts.dir).mode & 0o077) !== 0) chmodSync(opts.dir, 0o700);
      if (existsSync(file) && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    } catch {
      // A folder we cannot chmod still gets its entries written with mode 0600 below.
    }
  }

  const rotate = () => {
    rmSync(`${file}.${keep}`, { force: true });
    for (let i = keep - 1; i >= 1; i--) if (existsSync(`${file}.${i}`)) renameSync(`${file}.${i}`, `${file}.${i + 1}`);
    renameSync(file, `${file}.1`);
  };

  const write = (level: LogLevel, msg: string, facts?: Record<string, unknown>) => {
    const line = logLine(level, msg, facts);
    try {
      if (existsSync(file) && statSync(file).size + line.length > maxBytes) rotate();
      appendFileSync(file, line + '\n', { mode: 0o600 });
    } catch {
      // A full disk must not take the console down with it.
    }
    if (opts.echo) process.stderr.write(line + '\n');
  };
  return loggerOf(write);
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
