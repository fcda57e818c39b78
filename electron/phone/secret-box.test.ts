import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSecretBox } from './secret-box';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });
const dir = () => { const d = mkdtempSync(join(tmpdir(), 'hotline-secret-')); dirs.push(d); return d; };

describe('file secret box (host mode)', () => {
  it('round-trips a secret, never stores it in clear, and keeps the key private to the user', () => {
    const d = dir();
    const box = fileSecretBox(join(d, 'secret.key'));
    const sealed = box.encrypt('pw-1001-secret');
    expect(sealed).not.toContain('pw-1001');
    expect(box.encrypt('pw-1001-secret')).not.toBe(sealed);
    expect(box.decrypt(sealed)).toBe('pw-1001-secret');
    expect(fileSecretBox(join(d, 'secret.key')).decrypt(sealed)).toBe('pw-1001-secret');
    if (process.platform !== 'win32') expect(statSync(join(d, 'secret.key')).mode & 0o077).toBe(0);
  });

  it('detects tampering and a different key', () => {
    const box = fileSecretBox(join(dir(), 'secret.key'));
    const sealed = box.encrypt('secret');
    const parts = sealed.split(':');
    parts[3] = Buffer.from('tampered!').toString('base64');
    expect(() => box.decrypt(parts.join(':'))).toThrow();
    expect(() => fileSecretBox(join(dir(), 'secret.key')).decrypt(sealed)).toThrow();
  });

  it('refuses a damaged key file instead of making a new key', () => {
    const d = dir();
    writeFileSync(join(d, 'secret.key'), 'short');
    expect(() => fileSecretBox(join(d, 'secret.key'))).toThrow(/密钥文件/);
    expect(readFileSync(join(d, 'secret.key'), 'utf8')).toBe('short');
  });
});
