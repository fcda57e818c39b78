import type { ClassCaseService } from '../../services/class-cases';
import { sessionOf, type HandlerSlice } from './context';

/** Class cases (类案): the rectification projects that handle a class of tickets as one. */
export function classCaseHandlers(cases: ClassCaseService): HandlerSlice<`classCases.${string}`> {
  return {
    'classCases.create': (i, ctx) => cases.create(i, sessionOf(ctx)),
    'classCases.list': (i, ctx) => cases.list(i.state, i.limit, sessionOf(ctx)),
    'classCases.get': (i, ctx) => cases.detail(i.id, sessionOf(ctx)),
    'classCases.addMembers': (i, ctx) => cases.addMembers(i, sessionOf(ctx)),
    'classCases.setRule': (i, ctx) => cases.setRule(i, sessionOf(ctx)),
    'classCases.setPackage': (i, ctx) => cases.setPackage(i, sessionOf(ctx)),
    'classCases.addMeasure': (i, ctx) => cases.addMeasure(i, sessionOf(ctx)),
    'classCases.updateMeasure': (i, ctx) => cases.updateMeasure(i, sessionOf(ctx)),
    'classCases.addCounter': (i, ctx) => cases.addCounter(i, sessionOf(ctx)),
    'classCases.updateCounter': (i, ctx) => cases.updateCounter(i, sessionOf(ctx)),
    'classCases.reply': (i, ctx) => cases.reply(i, sessionOf(ctx)),
    'classCases.close': (i, ctx) => cases.close(i, sessionOf(ctx)),
    'classCases.escalate': (i, ctx) => cases.escalate(i, sessionOf(ctx)),
    'classCases.matchIntake': (i) => cases.matchIntake(i),
  };
}
