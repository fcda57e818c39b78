import type { DraftService } from '../../services/drafts';
import type { SettingsService } from '../../services/settings';
import { userOf, type HandlerSlice } from './context';

/** The signed-in user's own settings and form drafts. */
export function settingsDraftsHandlers(settings: SettingsService, drafts: DraftService): HandlerSlice<`settings.${string}` | `drafts.${string}`> {
  return {
    'settings.get': (_input, ctx) => settings.get(userOf(ctx)),
    'settings.update': (input, ctx) => settings.update(userOf(ctx), input),
    'drafts.get': (input, ctx) => drafts.get(userOf(ctx), input.key),
    'drafts.save': (input, ctx) => drafts.save(userOf(ctx), input.key, input.data),
    'drafts.discard': async (input, ctx) => {
      await drafts.discard(userOf(ctx), input.key);
      return null;
    },
  };
}
