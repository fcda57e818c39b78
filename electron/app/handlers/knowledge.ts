import type { KnowledgeService } from '../../services/knowledge';
import { userOf, type HandlerSlice } from './context';

/** Knowledge articles and call scripts. */
export function knowledgeHandlers(knowledge: KnowledgeService): HandlerSlice<`knowledge.${string}` | `scripts.${string}`> {
  return {
    'knowledge.search': (i) => knowledge.search(i.query, i.categoryId, i.limit),
    'knowledge.get': (i) => knowledge.get(i.id),
    'knowledge.save': (i, ctx) => knowledge.save(i, userOf(ctx)),
    'scripts.list': (i) => knowledge.scripts(i.categoryId),
    'scripts.save': (i, ctx) => knowledge.saveScript(i, userOf(ctx)),
    'scripts.delete': async (i, ctx) => { await knowledge.deleteScript(i.id, userOf(ctx)); return null; },
  };
}
