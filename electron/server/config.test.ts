import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readServerConfig, ServerStartError } from './config';

const dir = mkdtempSync(join(tmpdir(), 'hotline-server-config-'));
const pem = (name: string, kind: string) => {
  const path = join(dir, name);
  writeFileSync(path, `-----BEGIN ${kind}-----\nAAAA\n-----END ${kind}-----\n`);
  return path;
};
const cert = pem('cert.pem', 'CERTIFICATE');
const key = pem('key.pem', 'PRIVATE KEY');
const url = 'postgres://hotline@db.example:5432/hotline';
const refusal = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  try {
    readServerConfig(argv, env);
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(ServerStartError);
    return (e as Error).message;
  }
};

describe('readServerConfig', () => {
  it('refuses any address but 127.0.0.1 without TLS, naming the options', () => {
    expect(refusal(['--host', '0.0.0.0', '--store-url', url])).toMatch(/0\.0\.0\.0 不是本机 127\.0\.0\.1，必须启用 TLS.*--tls-cert/);
    expect(refusal(['--host', '10.1.2.3', '--store-url', url])).toMatch(/必须启用 TLS/);
    expect(refusal(['--host', '127.0.0.1', '--store-url', url])).toBeNull();
    const c = readServerConfig(['--host', '0.0.0.0', '--port', '0', '--tls-cert', cert, '--tls-key', key, '--store-url', url], {});
    expect(c.tls?.cert.toString()).toContain('BEGIN CERTIFICATE');
    expect(c.port).toBe(0);
  });

  it('refuses half a TLS pair, unreadable or non-PEM files, bad addresses and ports, a missing or bad store URL', () => {
    expect(refusal(['--tls-cert', cert, '--store-url', url])).toMatch(/必须同时配置/);
    expect(refusal(['--tls-cert', join(dir, 'none.pem'), '--tls-key', key, '--store-url', url])).toMatch(/无法读取证书文件.*ENOENT/);
    writeFileSync(join(dir, 'plain.txt'), 'not a key');
    expect(refusal(['--tls-cert', cert, '--tls-key', join(dir, 'plain.txt'), '--store-url', url])).toMatch(/私钥文件.*不是 PEM/);
    expect(refusal(['--host', 'example.org', '--store-url', url])).toMatch(/监听地址无效/);
    expect(refusal(['--port', '70000', '--store-url', url])).toMatch(/端口号无效/);
    expect(refusal(['--port', '-1', '--store-url', url])).toMatch(/命令行参数有误|端口号无效/);
    expect(refusal([])).toMatch(/未配置中心数据库/);
    expect(refusal(['--store-url', 'mysql://x@y/z'])).toMatch(/数据库连接地址无效/);
    expect(refusal(['--what', '1'])).toMatch(/命令行参数有误/);
  });

  it('reads a configuration file; options and HOTLINE_STORE_URL override it', () => {
    const file = join(dir, 'server.json');
    writeFileSync(file, JSON.stringify({ host: '0.0.0.0', port: 9443, tls: { cert, key }, storeUrl: 'postgres://a@b/c', poolSize: 20,
      loginLimits: { perAddress: { max: 5, windowSeconds: 30 } } }));
    const c = readServerConfig(['--config', file], { HOTLINE_STORE_URL: url });
    expect(c).toMatchObject({ host: '0.0.0.0', port: 9443, storeUrl: url, poolSize: 20 });
    expect(c.loginLimits).toEqual({ perUser: { max: 5, windowMs: 60_000 }, perAddress: { max: 5, windowMs: 30_000 } });
    expect(readServerConfig(['--config', file, '--port', '1234', '--store-url', 'postgres://x@y/z'], {})).toMatchObject({ port: 1234, storeUrl: 'postgres://x@y/z' });
    writeFileSync(file, JSON.stringify({ port: 'x' }));
    expect(refusal(['--config', file])).toMatch(/配置文件 .* 有误：port/);
    writeFileSync(file, '{');
    expect(refusal(['--config', file])).toMatch(/不是有效的 JSON/);
    expect(refusal(['--config', join(dir, 'missing.json')])).toMatch(/无法读取配置文件/);
  });

  it('keeps recordings in the data folder unless one shared folder is named (option, environment, file)', () => {
    const data = join(dir, 'data');
    expect(readServerConfig(['--store-url', url, '--data-dir', data], {}).recordingsDir).toBe(join(data, 'recordings'));
    const file = join(dir, 'rec.json');
    writeFileSync(file, JSON.stringify({ storeUrl: url, recordingsDir: '/srv/share/rec-file' }));
    expect(readServerConfig(['--config', file], {}).recordingsDir).toBe('/srv/share/rec-file');
    expect(readServerConfig(['--config', file], { HOTLINE_RECORDINGS_DIR: '/srv/share/rec-env' }).recordingsDir).toBe('/srv/share/rec-env');
    expect(readServerConfig(['--config', file, '--recordings-dir', '/srv/share/rec-arg'], { HOTLINE_RECORDINGS_DIR: '/srv/share/rec-env' }).recordingsDir).toBe('/srv/share/rec-arg');
  });

  it('takes the checked HOTLINE_PG_* settings when no store URL is given: the password from its file, never in the URL', () => {
    const passwordFile = join(dir, 'pg-password');
    writeFileSync(passwordFile, 's3cret\n');
    const env = { HOTLINE_PG_HOST: 'db.example', HOTLINE_PG_DATABASE: 'hotline', HOTLINE_PG_USER: 'console', HOTLINE_PG_PASSWORD_FILE: passwordFile, HOTLINE_PG_POOL_SIZE: '30' };
    const c = readServerConfig([], env);
    expect(c.storeUrl).not.toContain('s3cret');
    expect(c.storeUrl).toContain('db.example');
    expect(c.storeOptions).toMatchObject({ password: 's3cret', poolSize: 30 });
    // A bad setting stops the start with the field's own sentence.
    expect(() => readServerConfig([], { ...env, HOTLINE_PG_POOL_SIZE: 'many' })).toThrow('PostgreSQL 连接设置 HOTLINE_PG_POOL_SIZE 有误：连接池大小应为整数');
    // A URL given outright wins over the settings.
    expect(readServerConfig(['--store-url', url], env)).toMatchObject({ storeUrl: url, storeOptions: {} });
  });
});
