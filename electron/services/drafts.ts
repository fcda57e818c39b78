import type { Kysely } from 'kysely';
import type { Draft } from '../../shared/contract';
import type { DB } from '../store/schema';

/**
 * What an agent typed, saved on every pause in typing. The row is written with a plain upsert in
 * WAL mode, so a crash or a kill of the process loses at most the last keystrokes before a save.
 */
export class DraftService {
  constructor(private readonly db: Kysely<DB>, private readonly now: () => Date = () => new Date()) {}

  async get(userId: string, key: string): Promise<Draft | null> {
    const row = await this.db.selectFrom('drafts').select(['key', 'data', 'saved_at']).where('user_id', '=', userId).where('key', '=', key).executeTakeFirst();
    return row ? { key: row.key, data: row.data, savedAt: row.saved_at } : null;
  }

  async save(userId: string, key: string, data: string): Promise<Draft> {
    const savedAt = this.now().toISOString();
    await this.db.insertInto('drafts').values({ user_id: userId, key, data, saved_at: savedAt })
      .onConflict((oc) => oc.columns(['user_id', 'key']).doUpdateSet({ data, saved_at: savedAt })).execute();
    return { key, data, savedAt };
  }

  async discard(userId: string, key: string): Promise<void> {
    await this.db.deleteFrom('drafts').where('user_id', '=', userId).where('key', '=', key).execute();
  }
}
