import type { Kysely } from 'kysely';
import type { DB } from '../schema';

export type Dialect = 'sqlite' | 'postgres';

/**
 * One numbered migration. `up` runs inside the runner's transaction; it must not commit itself.
 * Dialect differences (STRICT tables, full-text indexes) are branched on `dialect`, nothing else.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Kysely<DB>, dialect: Dialect): Promise<void>;
}
