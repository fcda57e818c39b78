import type { Kysely } from 'kysely';
import { channelIds, frames, type Frame, type IntakeChannel, type ThemeSetting, type UserSettings } from '../../shared/contract';
import type { DB } from '../store/schema';

const DEFAULTS: UserSettings = { theme: 'light', lastFrame: null, intakeChannel: null };
const themes: readonly ThemeSetting[] = ['light', 'dark', 'auto'];

/** Per-user preferences, one row per key so a later setting needs no migration. */
export class SettingsService {
  constructor(private readonly db: Kysely<DB>) {}

  async get(userId: string): Promise<UserSettings> {
    const rows = await this.db.selectFrom('settings').select(['key', 'value']).where('scope', '=', `user:${userId}`).execute();
    const s: UserSettings = { ...DEFAULTS };
    for (const r of rows) {
      const v: unknown = JSON.parse(r.value);
      if (r.key === 'theme' && themes.includes(v as ThemeSetting)) s.theme = v as ThemeSetting;
      if (r.key === 'lastFrame' && (v === null || (frames as readonly unknown[]).includes(v))) s.lastFrame = v as Frame | null;
      if (r.key === 'intakeChannel' && (v === null || (channelIds as readonly unknown[]).includes(v))) s.intakeChannel = v as IntakeChannel | null;
    }
    return s;
  }

  async update(userId: string, patch: Partial<UserSettings>): Promise<UserSettings> {
    const scope = `user:${userId}`;
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
    if (entries.length) {
      await this.db.insertInto('settings')
        .values(entries.map(([key, value]) => ({ scope, key, value: JSON.stringify(value) })))
        .onConflict((oc) => oc.columns(['scope', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
        .execute();
    }
    return this.get(userId);
  }

  async getApp(key: string): Promise<string | null> {
    const row = await this.db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value ?? null;
  }

  async setApp(key: string, value: string): Promise<void> {
    await this.db.insertInto('meta').values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
  }
}
