import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';

/** Encrypts secrets at rest (SIP passwords). Plaintext never leaves main. */
export interface SecretBox {
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
}

/**
 * Host mode has no OS keychain: AES-256-GCM with a random key in a file only the user can read.
 * A key file readable by others is refused rather than used, so a leak is noticed.
 */
export function fileSecretBox(keyFile: string): SecretBox {
  if (!existsSync(keyFile)) writeFileSync(keyFile, randomBytes(32), { mode: 0o600 });
  if (process.platform !== 'win32' && (statSync(keyFile).mode & 0o077) !== 0) {
    chmodSync(keyFile, 0o600);
  }
  const key = readFileSync(keyFile);
  if (key.length !== 32) throw new Error(`密钥文件 ${keyFile} 已损坏（长度不对），请删除后重新设置 SIP 密码。`);
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return ['v1', iv.toString('base64'), c.getAuthTag().toString('base64'), body.toString('base64')].join(':');
    },
    decrypt(sealed) {
      const [v, iv, tag, body] = sealed.split(':');
      if (v !== 'v1' || !iv || !tag || !body) throw new Error('unknown secret format');
      const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      d.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([d.update(Buffer.from(body, 'base64')), d.final()]).toString('utf8');
    },
  };
}

/** Electron: the OS keychain (DPAPI on Windows) through safeStorage. */
export function safeStorageBox(safeStorage: { encryptString(s: string): Buffer; decryptString(b: Buffer): string; isEncryptionAvailable(): boolean }): SecretBox {
  return {
    encrypt: (plain) => {
      if (!safeStorage.isEncryptionAvailable()) throw new Error('系统密钥库不可用，无法安全保存 SIP 密码。');
      return `ss:${safeStorage.encryptString(plain).toString('base64')}`;
    },
    decrypt: (sealed) => safeStorage.decryptString(Buffer.from(sealed.replace(/^ss:/, ''), 'base64')),
  };
}
