import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { CenterConfigError, centerSocketUrls, type CenterOptions } from './forwarder';

/** The file in the desk's data folder that makes it a desk of a center (written by the installer or at first start). */
export const CENTER_CONFIG_FILE = 'center.json';

/**
 * Reads the center a desk belongs to: `{ "url": "wss://…", "ca": "center-ca.pem" }` in the data
 * folder (`ca` relative to it, optional), or the given overrides (host mode's --center and
 * --center-ca). Null: no center, the desk is a single seat.
 */
export function readCenterConfig(dataDir: string, given: { url?: string; ca?: string } = {}): CenterOptions | null {
  let url = given.url;
  let caPath = given.ca;
  const file = join(dataDir, CENTER_CONFIG_FILE);
  if (url === undefined && existsSync(file)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      throw new CenterConfigError(`中心配置文件 ${file} 不是有效的 JSON`);
    }
    const p = parsed as { url?: unknown; ca?: unknown } | null;
    if (typeof p?.url !== 'string') throw new CenterConfigError(`中心配置文件 ${file} 缺少中心地址（"url"）`);
    if (p.ca !== undefined && typeof p.ca !== 'string') throw new CenterConfigError(`中心配置文件 ${file} 中的证书路径（"ca"）应为文件路径`);
    url = p.url;
    caPath = p.ca === undefined ? undefined : isAbsolute(p.ca) ? p.ca : join(dataDir, p.ca);
  }
  if (url === undefined) return null;
  centerSocketUrls(url);
  if (caPath === undefined) return { url };
  try {
    return { url, ca: readFileSync(caPath) };
  } catch (e) {
    throw new CenterConfigError(`无法读取中心证书文件 ${caPath}：${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
