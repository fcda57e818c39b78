import { frames, type Frame, type ThemeSetting, type UserSettings } from '../../shared/contract';
import { isTicketChannel } from '../../shared/domain/appeal';
import type { Db } from '../store/repos/db';
import { readMeta, writeMeta } from '../store/repos/meta';
import { settingRows, upsertSettings } from '../store/repos/settings';

const DEFAULTS: UserSettings = { theme: 'light', lastFrame: null, intakeChannel: null };
const themes: readonly ThemeSetting[] = ['light', 'dark', 'auto'];

/** Per-user preferences, one row per key so a later setting needs no migration. */
export class SettingsService {
  constructor(private readonly db: Db) {}

  async get(userId: string): Promise<UserSettings> {
    const rows = await settingRows(this.db, `user:${userId}`);
    const s: UserSettings = { ...DEFAULTS };
    for (const r of rows) {
      const v: unknown = JSON.parse(r.value);
      if (r.key === 'theme' && themes.includes(v as ThemeSetting)) s.theme = v as ThemeSetting;
      if (r.key === 'lastFrame' && (v === null || (frames as readonly unknown[]).includes(v))) s.lastFrame = v as Frame | null;
      if (r.key === 'intakeChannel' && (v === null || isTicketChannel(v))) s.intakeChannel = v;
    }
    return s;
  }

  async update(userId: string, patch: Partial<UserSettings>): Promise<UserSettings> {
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined).map(([key, value]) => ({ key, value: JSON.stringify(value) }));
    await upsertSettings(this.db, `user:${userId}`, entries);
    return this.get(userId);
  }

  async getApp(key: string): Promise<string | null> {
    return readMeta(this.db, key);
  }

  async setApp(key: string, value: string): Promise<void> {
    await writeMeta(this.db, key, value);
  }
}
