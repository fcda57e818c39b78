import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPgSettings, pgConnection, PgSettingsError } from './pg-settings';
import { storeFailureMessage } from './errors';

const dir = mkdtempSync(join(tmpdir(), 'pg-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (content: string) => {
  const p = join(dir, `f${n++}`);
  writeFileSync(p, content);
  return p;
};
const base = { HOTLINE_PG_HOST: 'db.center.local', HOTLINE_PG_DATABASE: 'hotline', HOTLINE_PG_USER: 'hotline_app', HOTLINE_PG_PASSWORD: 's3cret' };

/** The field and message a refusal names. */
function refusal(env: NodeJS.ProcessEnv, config?: string): { field: string; message: string } {
  try {
    loadPgSettings(env, config);
  } catch (e) {
    if (e instanceof PgSettingsError) return { field: e.field, message: e.message };
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('PostgreSQL connection settings', () => {
  it('reads the environment, with defaults for port, TLS, pool and timeout, and keeps the password out of the URL', () => {
    const s = loadPgSettings(base);
    expect(s).toEqual({ host: 'db.center.local', port: 5432, database: 'hotline', user: 'hotline_app', password: 's3cret', tls: 'off', caFile: null, poolSize: 10, statementTimeoutMs: 30_000, owner: null });
    const c = pgConnection(s);
    expect(c.url).toBe('postgres://hotline_app@db.center.local:5432/hotline');
    expect(c.options).toEqual({ password: 's3cret', ssl: false, poolSize: 10, statementTimeoutMs: 30_000 });
  });

  it('reads a JSON file with the password from a file; the environment wins field by field', () => {
    const pw = file('from-file\n');
    const config = file(JSON.stringify({ host: '10.0.0.5', port: 6432, database: 'hotline', user: 'app', passwordFile: pw, poolSize: 20, statementTimeoutMs: 5000 }));
    expect(loadPgSettings({}, config)).toMatchObject({ host: '10.0.0.5', port: 6432, user: 'app', password: 'from-file', poolSize: 20, statementTimeoutMs: 5000 });
    expect(loadPgSettings({ HOTLINE_PG_PORT: '5433', HOTLINE_PG_CONFIG: config })).toMatchObject({ host: '10.0.0.5', port: 5433 });
  });

  it('with a schema owner, migrations connect as it, with its own password', () => {
    const pw = file('owner-pw\n');
    const c = pgConnection(loadPgSettings({ ...base, HOTLINE_PG_OWNER_USER: 'hotline_owner', HOTLINE_PG_OWNER_PASSWORD_FILE: pw }));
    expect(c.options).toMatchObject({ ownerUrl: 'postgres://hotline_owner@db.center.local:5432/hotline', ownerPassword: 'owner-pw', password: 's3cret' });
  });

  it('builds TLS options: require without verification, verify-full with the CA', () => {
    const ca = file('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    expect(pgConnection(loadPgSettings({ ...base, HOTLINE_PG_TLS: 'require' })).options.ssl).toEqual({ rejectUnauthorized: false });
    expect(pgConnection(loadPgSettings({ ...base, HOTLINE_PG_TLS: 'verify-full', HOTLINE_PG_TLS_CA_FILE: ca })).options.ssl)
      .toEqual({ rejectUnauthorized: true, ca: expect.stringContaining('BEGIN CERTIFICATE') });
  });

  it.each([
    ['host', { ...base, HOTLINE_PG_HOST: undefined }, /未设置（请设置 HOTLINE_PG_HOST/],
    ['HOTLINE_PG_HOST', { ...base, HOTLINE_PG_HOST: 'db host; rm' }, /应为主机名或 IP 地址/],
    ['HOTLINE_PG_PORT', { ...base, HOTLINE_PG_PORT: '70000' }, /端口号不能大于 65535/],
    ['HOTLINE_PG_PORT', { ...base, HOTLINE_PG_PORT: 'five' }, /端口号应为整数/],
    ['database', { ...base, HOTLINE_PG_DATABASE: undefined }, /database 有误：未设置/],
    ['HOTLINE_PG_DATABASE', { ...base, HOTLINE_PG_DATABASE: '1hotline' }, /数据库名只能包含字母、数字和 _ \$ -，且不能以数字开头/],
    ['user', { ...base, HOTLINE_PG_USER: undefined }, /user 有误：未设置/],
    ['password', { ...base, HOTLINE_PG_PASSWORD: undefined }, /password 有误：未设置（请设置 HOTLINE_PG_PASSWORD、HOTLINE_PG_PASSWORD_FILE，或配置文件中的 "passwordFile"）/],
    ['password', { ...base, HOTLINE_PG_PASSWORD: '' }, /password 有误：密码为空/],
    ['password', { ...base, HOTLINE_PG_PASSWORD_FILE: '/x' }, /同时设置了 HOTLINE_PG_PASSWORD 和密码文件/],
    ['passwordFile', { ...base, HOTLINE_PG_PASSWORD: undefined, HOTLINE_PG_PASSWORD_FILE: '/nonexistent/pw' }, /无法读取密码文件 \/nonexistent\/pw（ENOENT）/],
    ['HOTLINE_PG_TLS', { ...base, HOTLINE_PG_TLS: 'yes' }, /应为 off、require 或 verify-full 之一/],
    ['caFile', { ...base, HOTLINE_PG_TLS: 'verify-full' }, /verify-full 时需要 CA 证书文件/],
    ['caFile', { ...base, HOTLINE_PG_TLS: 'require', HOTLINE_PG_TLS_CA_FILE: '/ca.pem' }, /只在 tls 为 verify-full 时使用（当前 tls 为 require）/],
    ['HOTLINE_PG_POOL_SIZE', { ...base, HOTLINE_PG_POOL_SIZE: '0' }, /连接池大小不能小于 1 个连接/],
    ['ownerPassword', { ...base, HOTLINE_PG_OWNER_USER: 'hotline_owner' }, /ownerPassword 有误：未设置/],
    ['ownerUser', { ...base, HOTLINE_PG_OWNER_USER: 'hotline_app', HOTLINE_PG_OWNER_PASSWORD: 'x' }, /与 user 是同一个角色/],
    ['ownerUser', { ...base, HOTLINE_PG_OWNER_PASSWORD: 'x' }, /未设置，却设置了架构所有者的密码/],
    ['HOTLINE_PG_STATEMENT_TIMEOUT_MS', { ...base, HOTLINE_PG_STATEMENT_TIMEOUT_MS: '1.5' }, /语句超时应为整数/],
  ])('refuses %s: %j', (field, env, message) => {
    const r = refusal(env);
    expect(r.field).toBe(field);
    expect(r.message).toMatch(message);
  });

  it('refuses a password file holding more than one line, and an empty one', () => {
    expect(refusal({ ...base, HOTLINE_PG_PASSWORD: undefined, HOTLINE_PG_PASSWORD_FILE: file('a\nb\n') })).toMatchObject({ field: 'password', message: expect.stringMatching(/含有换行/) });
    expect(refusal({ ...base, HOTLINE_PG_PASSWORD: undefined, HOTLINE_PG_PASSWORD_FILE: file('\n') })).toMatchObject({ field: 'password', message: expect.stringMatching(/密码为空/) });
  });

  it('refuses a config file that is not JSON, holds a password, has an unknown key or a wrong type, naming the file', () => {
    expect(refusal(base, file('{ host: x'))).toMatchObject({ field: 'config', message: expect.stringMatching(/不是有效的 JSON/) });
    expect(refusal(base, file('[1]'))).toMatchObject({ field: 'config', message: expect.stringMatching(/应为一个 JSON 对象/) });
    expect(refusal(base, file('{"password":"x"}'))).toMatchObject({ field: 'password', message: expect.stringMatching(/中写有密码：密码不得写入配置文件/) });
    expect(refusal(base, file('{"ownerPassword":"x"}'))).toMatchObject({ field: 'ownerPassword', message: expect.stringMatching(/"ownerPasswordFile" 指定的文件，或环境变量 HOTLINE_PG_OWNER_PASSWORD/) });
    expect(refusal(base, file('{"hots":"x"}'))).toMatchObject({ field: 'config', message: expect.stringMatching(/未知的设置项 "hots"/) });
    const bad = file('{"poolSize":500}');
    expect(refusal(base, bad)).toMatchObject({ field: `poolSize（${bad} 中）`, message: expect.stringMatching(/连接池大小不能大于 200 个连接/) });
    expect(refusal(base, '/nonexistent/pg.json')).toMatchObject({ field: 'config', message: expect.stringMatching(/无法读取配置文件 \/nonexistent\/pg.json（ENOENT）/) });
  });

  it('refuses a CA file that holds no certificate when building the connection', () => {
    const s = loadPgSettings({ ...base, HOTLINE_PG_TLS: 'verify-full', HOTLINE_PG_TLS_CA_FILE: file('not a cert') });
    expect(() => pgConnection(s)).toThrow(/caFile 有误：.* 中没有 PEM 格式的证书/);
  });

  it('is a start-up refusal: the sentence, not a stack trace', () => {
    const e = (() => { try { loadPgSettings({}); } catch (x) { return x; } })();
    expect(storeFailureMessage(e)).toBe('PostgreSQL 连接设置 host 有误：未设置（请设置 HOTLINE_PG_HOST，或配置文件中的 "host"）');
  });
});
