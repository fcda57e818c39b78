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
const PHONE = /(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)\d{4}(\d{4})(?!\d)/g;
const LANDLINE = /(?<!\d)(0\d{2,3})[- ]?\d{3,4}(\d{4})(?!\d)/g;
const ID_CARD = /(?<![\dXx])\d{6}(?:19|20)\d{2}\d{4}\d{3}[\dXx](?![\dXx])/g;
const SECRET_KEYS = /pass|secret|token|content|phone|name|address/i;

export function scrub(text: string): string {
  return text.replace(ID_CARD, '[身份证号]').replace(PHONE, '$1****$2').replace(LANDLINE, '$1-****$2');
}

function scrubFacts(facts: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(facts)) {
    if (SECRET_KEYS.test(k) && k !== 'requestName') out[k] = '[redacted]';
    else if (typeof v === 'string') out[k] = scrub(v);
    else out[k] = v;
  }
  return out;
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
    const line = JSON.stringify({ at: new Date().toISOString(), level, msg: scrub(msg), ...(facts ? scrubFacts(facts) : {}) });
    try {
      if (existsSync(file) && statSync(file).size + line.length > maxBytes) rotate();
      appendFileSync(file, line + '\n', { mode: 0o600 });
    } catch {
      // A full disk must not take the console down with it.
    }
    if (opts.echo) process.stderr.write(line + '\n');
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
