import { currentVersion } from './migrate';
import { migrations } from './migrations';
import type { Store } from './sqlite';

export type SchemaState = 'current' | 'behind' | 'ahead';

/**
 * Whether the store answers now, and whether its schema is the one this build migrates to (another
 * server of the center may have migrated it further). Never throws; gives up after `timeoutMs`.
 */
export async function storeReadiness(store: Store, timeoutMs = 2_000): Promise<{ reachable: boolean; schema: SchemaState | null }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), timeoutMs); });
  try {
    const version = await Promise.race([currentVersion(store.db), timeout]);
    if (version === null) return { reachable: false, schema: null };
    const latest = migrations.length;
    return { reachable: true, schema: version === latest ? 'current' : version < latest ? 'behind' : 'ahead' };
  } catch {
    return { reachable: false, schema: null };
  } finally {
    clearTimeout(timer);
  }
}
