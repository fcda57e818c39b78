import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { PostgresOptions } from './postgres';
import { StoreError } from './errors';

/**
 * The center's PostgreSQL connection settings, read once at start from a JSON file and/or the
 * environment (the environment wins, field by field) and refused field by field before anything
 * connects. The password never travels on the command line nor in the URL: it comes from
 * HOTLINE_PG_PASSWORD or from a file (HOTLINE_PG_PASSWORD_FILE / "passwordFile"). Messages are
 * Chinese, naming the variable or field as written: they go to the terminal of the center's operator.
 */
export const PG_ENV = {
  config: 'HOTLINE_PG_CONFIG',
  host: 'HOTLINE_PG_HOST',
  port: 'HOTLINE_PG_PORT',
  database: 'HOTLINE_PG_DATABASE',
  user: 'HOTLINE_PG_USER',
  password: 'HOTLINE_PG_PASSWORD',
  passwordFile: 'HOTLINE_PG_PASSWORD_FILE',
  tls: 'HOTLINE_PG_TLS',
  caFile: 'HOTLINE_PG_TLS_CA_FILE',
  poolSize: 'HOTLINE_PG_POOL_SIZE',
  statementTimeoutMs: 'HOTLINE_PG_STATEMENT_TIMEOUT_MS',
  /** The schema owner (pg-roles.ts): migrations run as it; unset, the user above migrates. */
  ownerUser: 'HOTLINE_PG_OWNER_USER',
  ownerPassword: 'HOTLINE_PG_OWNER_PASSWORD',
  ownerPasswordFile: 'HOTLINE_PG_OWNER_PASSWORD_FILE',
  /** A superuser for `npm run db:setup` only (never the servers): its password, if the server asks for one. */
  adminPassword: 'HOTLINE_PG_ADMIN_PASSWORD',
  adminPasswordFile: 'HOTLINE_PG_ADMIN_PASSWORD_FILE',
} as const;

export type TlsMode = 'off' | 'require' | 'verify-full';

export interface PgSettings {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  tls: TlsMode;
  caFile: string | null;
  poolSize: number;
  statementTimeoutMs: number;
  /** The schema owner and its password, when migrations run as a role of their own. */
  owner: { user: string; password: string } | null;
}

/** A refused setting: a StoreError, so start-up shows the sentence and exits (storeFailureMessage). */
export class PgSettingsError extends StoreError {
  constructor(readonly field: string, message: string) {
    super('misconfigured', `PostgreSQL 连接设置 ${field} 有误：${message}`, { field });
    this.name = 'PgSettingsError';
  }
}

const name = (what: string) => z.string().trim().min(1, `${what}为空`).max(63, `${what}超过 63 个字符`)
  .regex(/^[A-Za-z_][A-Za-z0-9_$-]*$/, `${what}只能包含字母、数字和 _ $ -，且不能以数字开头`);
/** `unit` follows the number: '' for a port, ' 个连接', ' 毫秒'. */
const int = (min: number, max: number, what: string, unit: string) => z.coerce.number(`${what}应为整数`)
  .int(`${what}应为整数`).min(min, `${what}不能小于 ${min}${unit}`).max(max, `${what}不能大于 ${max}${unit}`);

/** One schema for both sources; unknown keys in the file are refused (a typo must not be ignored). */
const fileSchema = z.strictObject({
  host: z.string().trim().min(1, '主机为空').max(253, '主机名超过 253 个字符')
    .regex(/^[A-Za-z0-9.:_-]+$/, '应为主机名或 IP 地址').optional(),
  port: int(1, 65535, '端口号', '').optional(),
  database: name('数据库名').optional(),
  user: name('用户名').optional(),
  passwordFile: z.string().min(1, '密码文件路径为空').optional(),
  tls: z.enum(['off', 'require', 'verify-full'], '应为 off、require 或 verify-full 之一').optional(),
  caFile: z.string().min(1, 'CA 证书文件路径为空').optional(),
  poolSize: int(1, 200, '连接池大小', ' 个连接').optional(),
  statementTimeoutMs: int(100, 3_600_000, '语句超时', ' 毫秒').optional(),
  ownerUser: name('架构所有者用户名').optional(),
  ownerPasswordFile: z.string().min(1, '架构所有者密码文件路径为空').optional(),
});
type FileSettings = z.input<typeof fileSchema>;

const fieldOfEnv: Record<string, string> = PG_ENV;

function readText(field: string, path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new PgSettingsError(field, `无法读取${what}文件 ${path}（${(e as NodeJS.ErrnoException).code ?? (e as Error).message}）`);
  }
}

type PasswordField = 'password' | 'ownerPassword' | 'adminPassword';

/** A password from its environment variable or its file (one line), never both. */
function readPassword(env: NodeJS.ProcessEnv, field: PasswordField, file: string | undefined): string;
function readPassword(env: NodeJS.ProcessEnv, field: PasswordField, file: string | undefined, optional: true): string | undefined;
function readPassword(env: NodeJS.ProcessEnv, field: PasswordField, file: string | undefined, optional = false): string | undefined {
  const fromEnv = env[PG_ENV[field]];
  const fileField = `${field}File` as `${PasswordField}File`;
  if (fromEnv !== undefined && file) throw new PgSettingsError(field, `同时设置了 ${PG_ENV[field]} 和密码文件，只能保留一个`);
  let password: string;
  if (fromEnv !== undefined) password = fromEnv;
  else if (file) password = readText(fileField, file, '密码').replace(/\r?\n$/, '');
  else if (optional) return undefined;
  else throw new PgSettingsError(field, `未设置（请设置 ${PG_ENV[field]}、${PG_ENV[fileField]}，或配置文件中的 "${fileField}"）`);
  if (password === '') throw new PgSettingsError(field, '密码为空');
  if (/[\r\n]/.test(password)) throw new PgSettingsError(field, '密码中含有换行（密码文件只能有一行，即密码本身）');
  return password;
}

function readConfigFile(path: string): FileSettings {
  let json: unknown;
  try {
    json = JSON.parse(readText('config', path, '配置'));
  } catch (e) {
    if (e instanceof PgSettingsError) throw e;
    throw new PgSettingsError('config', `${path} 不是有效的 JSON（${(e as Error).message}）`);
  }
  for (const key of ['password', 'ownerPassword']) if (json && typeof json === 'object' && key in json) {
    throw new PgSettingsError(key, `${path} 中写有密码：密码不得写入配置文件，请放入 "${key}File" 指定的文件，或环境变量 ${PG_ENV[key as 'password']}`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new PgSettingsError('config', `${path} 应为一个 JSON 对象`);
  return json as FileSettings;
}

function firstIssue(e: z.ZodError, source: (field: string) => string): PgSettingsError {
  const issue = e.issues[0]!;
  const field = issue.path.length ? String(issue.path[0]) : 'config';
  const message = issue.code === 'unrecognized_keys' ? `未知的设置项 ${issue.keys.map((k) => `"${k}"`).join('、')}` : issue.message;
  return new PgSettingsError(issue.code === 'unrecognized_keys' ? 'config' : source(field), message);
}

/**
 * Reads and checks the settings. `configPath` (or $HOTLINE_PG_CONFIG) names the JSON file; a
 * missing host, database or user, a missing password, a CA file without verify-full (or the
 * reverse), an unreadable file: each refused with the one field it is about.
 */
export function loadPgSettings(env: NodeJS.ProcessEnv = process.env, configPath: string | undefined = env[PG_ENV.config]): PgSettings {
  const fromFile = configPath ? readConfigFile(configPath) : {};
  const fileParsed = fileSchema.safeParse(fromFile);
  if (!fileParsed.success) throw firstIssue(fileParsed.error, (f) => `${f}（${configPath} 中）`);
  const fromEnv: Record<string, string> = {};
  for (const key of Object.keys(fileSchema.shape)) {
    const v = env[fieldOfEnv[key]!];
    if (v !== undefined && v !== '') fromEnv[key] = v;
  }
  const envParsed = fileSchema.safeParse(fromEnv);
  if (!envParsed.success) throw firstIssue(envParsed.error, (f) => fieldOfEnv[f] ?? f);
  const s = { ...fileParsed.data, ...envParsed.data };

  const unset = (key: 'host' | 'database' | 'user') => new PgSettingsError(key, `未设置（请设置 ${PG_ENV[key]}，或配置文件中的 "${key}"）`);
  if (!s.host) throw unset('host');
  if (!s.database) throw unset('database');
  if (!s.user) throw unset('user');

  const password = readPassword(env, 'password', s.passwordFile);
  if (s.ownerUser === s.user) throw new PgSettingsError('ownerUser', '与 user 是同一个角色：只用一个角色时不要设置它，否则请填写架构所有者');
  const owner = s.ownerUser ? { user: s.ownerUser, password: readPassword(env, 'ownerPassword', s.ownerPasswordFile) } : null;
  if (!owner && (env[PG_ENV.ownerPassword] !== undefined || s.ownerPasswordFile)) throw new PgSettingsError('ownerUser', '未设置，却设置了架构所有者的密码');

  const tls = s.tls ?? 'off';
  if (tls === 'verify-full' && !s.caFile) throw new PgSettingsError('caFile', `tls 为 verify-full 时需要 CA 证书文件（${PG_ENV.caFile} 或 "caFile"）`);
  if (tls !== 'verify-full' && s.caFile) throw new PgSettingsError('caFile', `CA 证书文件只在 tls 为 verify-full 时使用（当前 tls 为 ${tls}）`);
  return {
    host: s.host, port: s.port ?? 5432, database: s.database, user: s.user, password, tls, caFile: s.caFile ?? null,
    poolSize: s.poolSize ?? 10, statementTimeoutMs: s.statementTimeoutMs ?? 30_000, owner,
  };
}

/**
 * The superuser's password for `npm run db:setup`: HOTLINE_PG_ADMIN_PASSWORD or the file
 * HOTLINE_PG_ADMIN_PASSWORD_FILE names; undefined when neither is set (PGPASSWORD or ~/.pgpass then).
 */
export function readAdminPassword(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return readPassword(env, 'adminPassword', env[PG_ENV.adminPasswordFile] || undefined, true);
}

/** What openPostgresStore takes: a URL without the password, and the password, TLS and limits as options. */
export function pgConnection(s: PgSettings): { url: string; options: PostgresOptions } {
  const host = s.host.includes(':') ? `[${s.host}]` : s.host;
  const urlOf = (user: string) => `postgres://${encodeURIComponent(user)}@${host}:${s.port}/${encodeURIComponent(s.database)}`;
  const url = urlOf(s.user);
  let ssl: PostgresOptions['ssl'] = false;
  if (s.tls === 'require') ssl = { rejectUnauthorized: false };
  if (s.tls === 'verify-full') {
    const ca = readText('caFile', s.caFile!, ' CA 证书');
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new PgSettingsError('caFile', `${s.caFile} 中没有 PEM 格式的证书`);
    ssl = { rejectUnauthorized: true, ca };
  }
  const options: PostgresOptions = { password: s.password, ssl, poolSize: s.poolSize, statementTimeoutMs: s.statementTimeoutMs };
  if (s.owner) Object.assign(options, { ownerUrl: urlOf(s.owner.user), ownerPassword: s.owner.password });
  return { url, options };
}

/** loadPgSettings then pgConnection: the one call a start-up needs. */
export function pgConnectionFromEnv(env: NodeJS.ProcessEnv = process.env, configPath?: string): { url: string; options: PostgresOptions } {
  return pgConnection(loadPgSettings(env, configPath ?? env[PG_ENV.config]));
}
