import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CENTER_CONFIG_FILE, readCenterConfig } from './config';

const folder = (config?: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-desk-config-'));
  if (config !== undefined) writeFileSync(join(dir, CENTER_CONFIG_FILE), config);
  return dir;
};

describe('the center a desk belongs to', () => {
  it('is none without center.json or --center: a single seat', () => {
    expect(readCenterConfig(folder())).toBeNull();
  });

  it('reads the address and the CA file (relative to the data folder) from center.json', () => {
    const dir = folder(JSON.stringify({ url: 'wss://center.example:8443/rpc', ca: 'ca.pem' }));
    writeFileSync(join(dir, 'ca.pem'), 'PEM');
    expect(readCenterConfig(dir)).toEqual({ url: 'wss://center.example:8443/rpc', ca: Buffer.from('PEM') });
  });

  it('prefers the address given on the command line', () => {
    const dir = folder(JSON.stringify({ url: 'wss://center.example/rpc' }));
    expect(readCenterConfig(dir, { url: 'ws://127.0.0.1:5345/rpc' })).toEqual({ url: 'ws://127.0.0.1:5345/rpc' });
  });

  it('refuses a broken file, a missing address, an unreadable CA and an unencrypted remote address, in Chinese', () => {
    expect(() => readCenterConfig(folder('{nope'))).toThrow(/不是有效的 JSON/);
    expect(() => readCenterConfig(folder('{}'))).toThrow(/缺少中心地址/);
    expect(() => readCenterConfig(folder(JSON.stringify({ url: 'wss://c.example', ca: 'missing.pem' })))).toThrow(/无法读取中心证书文件.*ENOENT/);
    expect(() => readCenterConfig(folder(JSON.stringify({ url: 'ws://c.example/rpc' })))).toThrow(/必须使用加密连接/);
  });
});
