import { PG_ENV, pgConnectionFromEnv } from '../store/pg-settings';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_LOGIN_LIMITS, type LoginLimitPolicy } from '../services/login-limits';
import { postgresUrlProblem, type PostgresOptions } from '../store/postgres';

export class ServerStartError extends Error {}

export interface ServerConfig {
  host: string;
  port: number;
  /** PEM files; absent only on 127.0.0.1. */
  tls: { cert: Buffer; key: Buffer } | null;
  storeUrl: string;
  poolSize: number | undefined;
  /** Password, TLS, pool and statement timeout from the HOTLINE_PG_* settings (pg-settings.ts), when the store is given that way. */
  storeOptions: PostgresOptions;
  dataDir: string;
  rendererDir: string;
  /** Encrypts SIP passwords in the store: every server of one center needs the same file. */
  secretKeyFile: string;
  /**
   * Where calls' recordings (and uploads in progress) are kept: with several servers, one shared
   * folder for all of them (a recording uploaded through one is listened to through another).
   */
  recordingsDir: string;
  loginLimits: LoginLimitPolicy;
}

const limit = z.object({ max: z.number().int().min(1).max(10_000), windowSeconds: z.number().int().min(1).max(86_400) }).strict();

/** The configuration file (`--config`, JSON); command-line options override it. */
const fileSchema = z.object({
  host: z.string().min(1).optional(),
  port: z.number().int().min(0).max(65535).optional(),
  tls: z.object({ cert: z.string().min(1), key: z.string().min(1) }).strict().optional(),
  storeUrl: z.string().optional(),
  poolSize: z.number().int().min(1).max(500).optional(),
  dataDir: z.string().optional(),
  rendererDir: z.string().optional(),
  secretKeyFile: z.string().optional(),
  recordingsDir: z.string().min(1).optional(),
  loginLimits: z.object({ perUser: limit.optional(), perAddress: limit.optional() }).strict().optional(),
}).strict();

function readConfigFile(path: string): z.infer<typeof fileSchema> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ServerStartError(`无法读取配置文件 ${path}：${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ServerStartError(`配置文件 ${path} 不是有效的 JSON。`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues.slice(0, 5).map((i) => i.path.join('.') || '(根)').join('、');
    throw new ServerStartError(`配置文件 ${path} 有误：${where}`);
  }
  return parsed.data;
}

function readPem(path: string, what: string): Buffer {
  try {
    const pem = readFileSync(path);
    if (!pem.toString('latin1').includes('-----BEGIN ')) throw new ServerStartError(`${what}文件 ${path} 不是 PEM 格式。`);
    return pem;
  } catch (e) {
    if (e instanceof ServerStartError) throw e;
    throw new ServerStartError(`无法读取${what}文件 ${path}：${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

const windowOf = (l: { max: number; windowSeconds: number } | undefined, fallback: LoginLimitPolicy['perUser']) =>
  l ? { max: l.max, windowMs: l.windowSeconds * 1000 } : fallback;

/**
 * `npm run server` options: command line, then the environment (HOTLINE_STORE_URL keeps the
 * database password off the command line), then the configuration file. Any address but 127.0.0.1
 * needs TLS: desks send passwords and citizens' data over it.
 */
export function readServerConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): ServerConfig {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' },
        'tls-cert': { type: 'string' }, 'tls-key': { type: 'string' }, 'store-url': { type: 'string' },
        'data-dir': { type: 'string' }, 'renderer-dir': { type: 'string' }, 'secret-key-file': { type: 'string' },
        'recordings-dir': { type: 'string' },
      },
    }));
  } catch (e) {
    throw new ServerStartError(`命令行参数有误：${(e as Error).message}`);
  }
  const file = values.config ?? env.HOTLINE_SERVER_CONFIG;
  const f = file ? readConfigFile(resolve(file)) : {};

  const host = values.host ?? f.host ?? '127.0.0.1';
  if (!isIP(host)) throw new ServerStartError(`监听地址无效：${host}（应为 IP 地址，例如 0.0.0.0 或 10.0.0.5）`);
  const portText = values.port ?? (f.port !== undefined ? String(f.port) : '8443');
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new ServerStartError(`端口号无效：${portText}`);

  const cert = values['tls-cert'] ?? f.tls?.cert;
  const key = values['tls-key'] ?? f.tls?.key;
  if ((cert === undefined) !== (key === undefined)) throw new ServerStartError('TLS 证书和私钥必须同时配置（--tls-cert 与 --tls-key，或配置文件中的 tls.cert 与 tls.key）。');
  const tls = cert && key ? { cert: readPem(resolve(cert), '证书'), key: readPem(resolve(key), '私钥') } : null;
  if (!tls && host !== '127.0.0.1') {
    throw new ServerStartError(`监听地址 ${host} 不是本机 127.0.0.1，必须启用 TLS：请用 --tls-cert 和 --tls-key（或配置文件的 tls）指定证书和私钥。坐席台与服务器之间传送密码和市民信息，不得明文传输。`);
  }

  // Either a URL (password in a .pgpass or the URL), or the checked HOTLINE_PG_* settings (password from a file or the environment).
  const fromSettings = values['store-url'] === undefined && !env.HOTLINE_STORE_URL && f.storeUrl === undefined && (env[PG_ENV.host] || env[PG_ENV.config])
    ? pgConnectionFromEnv(env) : null;
  const storeUrl = values['store-url'] ?? (env.HOTLINE_STORE_URL || undefined) ?? f.storeUrl ?? fromSettings?.url;
  if (!storeUrl) throw new ServerStartError('未配置中心数据库：请用 --store-url、环境变量 HOTLINE_STORE_URL、配置文件的 storeUrl 或 HOTLINE_PG_HOST 等 HOTLINE_PG_* 设置指定，例如 postgres://hotline@db.example:5432/hotline');
  const urlProblem = postgresUrlProblem(storeUrl);
  if (urlProblem) throw new ServerStartError(urlProblem);
  const dataDir = resolve(values['data-dir'] ?? env.HOTLINE_DATA_DIR ?? f.dataDir ?? join(homedir(), '.hotline-server'));
  return {
    host, port, tls, storeUrl, poolSize: f.poolSize ?? fromSettings?.options.poolSize, dataDir,
    storeOptions: { ...fromSettings?.options, ...(f.poolSize !== undefined ? { poolSize: f.poolSize } : {}) },
    rendererDir: resolve(values['renderer-dir'] ?? f.rendererDir ?? 'dist/renderer'),
    secretKeyFile: resolve(values['secret-key-file'] ?? f.secretKeyFile ?? join(dataDir, 'secret.key')),
    recordingsDir: resolve(values['recordings-dir'] ?? (env.HOTLINE_RECORDINGS_DIR || undefined) ?? f.recordingsDir ?? join(dataDir, 'recordings')),
    loginLimits: {
      perUser: windowOf(f.loginLimits?.perUser, DEFAULT_LOGIN_LIMITS.perUser),
      perAddress: windowOf(f.loginLimits?.perAddress, DEFAULT_LOGIN_LIMITS.perAddress),
    },
  };
}
