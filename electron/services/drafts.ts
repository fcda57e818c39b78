import type { Draft } from '../../shared/contract';
import type { Db } from '../store/repos/db';
import { deleteDraft, readDraft, upsertDraft } from '../store/repos/drafts';

/**
 * What an agent typed, saved on every pause in typing. The row is written with a plain upsert in
 * WAL mode, so a crash or a kill of the process loses at most the last keystrokes before a save.
 */
export class DraftService {
  constructor(private readonly db: Db, private readonly now: () => Date = () => new Date()) {}

  async get(userId: string, key: string): Promise<Draft | null> {
    const row = await readDraft(this.db, userId, key);
    return row ? { key: row.key, data: row.data, savedAt: row.saved_at } : null;
  }

  async save(userId: string, key: string, data: string): Promise<Draft> {
    const savedAt = this.now().toISOString();
    await upsertDraft(this.db, { userId, key, data, savedAt });
    return { key, data, savedAt };
  }

  async discard(userId: string, key: string): Promise<void> {
    await deleteDraft(this.db, userId, key);
  }
}
