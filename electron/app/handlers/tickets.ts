import { fail, type TicketChanged } from '../../../shared/contract';
import type { CategoryService } from '../../classify/category-service';
import type { DepartmentRouting } from '../../services/department-routing';
import { callerVisibilityOf, SearchError, type TicketSearch } from '../../search';
import type { SimilarTickets } from '../../services/similar';
import type { TicketIntakeService } from '../../services/ticket-intake';
import type { TicketQueries } from '../../services/tickets';
import { searchScope, ticketScope } from '../../services/ticket-visibility';
import type { TicketWorkflowService } from '../../services/ticket-workflow';
import { sessionOf, type HandlerSlice } from './context';

export interface TicketHandlerDeps {
  tickets: TicketQueries;
  intake: TicketIntakeService;
  workflow: TicketWorkflowService;
  search: TicketSearch;
  similar: SimilarTickets;
  categories: CategoryService;
  /** 智能派单 and the misrouting guard. */
  routing: DepartmentRouting;
  /** Publishes ticket.changed (desks refresh from it). */
  ticketChanged: (p: TicketChanged) => void;
  /** Told after a ticket is registered (class cases attach it when their rule matches). */
  onRegistered?: (ticketId: string) => Promise<unknown>;
  /** Told after an appeal taken at an outreach event is registered (publishes outreach.changed). */
  outreachAppeal?: (eventId: string) => void;
}

type TicketRequests = 'reference.get' | 'tickets.recent' | 'tickets.create' | 'tickets.get' | 'tickets.act' | 'tickets.work'
  | 'tickets.search' | 'tickets.similar' | 'tickets.suggestCategory' | 'tickets.suggestDepartments' | 'tickets.checkDispatch';

/** Registering, reading, working on and searching tickets. */
export function ticketHandlers(d: TicketHandlerDeps): HandlerSlice<TicketRequests> {
  const { tickets, intake, workflow, search, similar, categories } = d;
  const divisionNames = async () => new Map((await intake.referenceData()).divisions.map((x) => [x.code, x.name]));
  return {
    'reference.get': () => intake.referenceData(),
    'tickets.recent': (input, ctx) => tickets.recent(input.limit, sessionOf(ctx)),
    'tickets.create': async (input, ctx) => {
      const created = await intake.create(input, sessionOf(ctx));
      d.ticketChanged({ ticketId: created.id, number: created.number, state: created.status, action: 'register', leadDepartmentId: null, coDepartmentIds: [], version: 1, previousDepartmentIds: [] });
      if (input.outreachEventId) d.outreachAppeal?.(input.outreachEventId);
      await categories.learnTicket(created.id);
      await d.onRegistered?.(created.id);
      return created;
    },
    'tickets.get': (input, ctx) => intake.detail(input.id, sessionOf(ctx), workflow),
    'tickets.act': async (input, ctx) => {
      await workflow.act(input.ticketId, input.expectedVersion, input.action, sessionOf(ctx));
      return intake.detail(input.ticketId, sessionOf(ctx), workflow);
    },
    'tickets.work': (input, ctx) => workflow.work(input.view, input.limit, sessionOf(ctx)),
    'tickets.search': async (i, ctx) => {
      try {
        // The search worker filters by the reader's ticket scope (ticket-visibility.ts); no scope, no rows.
        const scope = ticketScope(sessionOf(ctx));
        if (scope.kind === 'none') return { rows: [], total: { count: 0, exact: true }, nextCursor: null, tookMs: 0 };
        // The reader's roles decide which callers' numbers the search may match and show (never the renderer).
        const r = await search.searchTickets({ ...i, ...searchScope(scope), callerVisibility: callerVisibilityOf(sessionOf(ctx).user.roles) }, { supersede: `ticket-search:${ctx.connection.id}` });
        const names = await divisionNames();
        return { ...r, rows: r.rows.map((row) => ({ ...row, district: row.districtCode ? names.get(row.districtCode) ?? '' : '' })) };
      } catch (e) {
        if (e instanceof SearchError) {
          // A newer search from the same desk replaced this one; one that ran out of time says so; the rest is bad input.
          const code = e.code === 'superseded' || e.code === 'cancelled' ? 'conflict' : e.code === 'timeout' ? 'store_timeout' : 'invalid_input';
          fail(code, { details: { reason: `search_${e.code}` } });
        }
        throw e;
      }
    },
    'tickets.similar': (i, ctx) => similar.find(i, sessionOf(ctx)),
    'tickets.suggestCategory': (i) => categories.suggest(i.title, i.content),
    'tickets.suggestDepartments': (i, ctx) => d.routing.suggest(i.ticketId, sessionOf(ctx)),
    'tickets.checkDispatch': (i, ctx) => d.routing.check(i.ticketId, [i.leadDepartmentId, ...i.coDepartmentIds], sessionOf(ctx)),
  };
}
