import type { EventName } from '../../shared/contract';
import type { Store } from '../../electron/store/sqlite';
import { UserService } from '../../electron/services/users';
import { SettingsService } from '../../electron/services/settings';
import { DraftService } from '../../electron/services/drafts';
import { TicketQueries } from '../../electron/services/tickets';
import { CalendarService } from '../../electron/services/calendar';
import { TicketIntakeService } from '../../electron/services/ticket-intake';
import { DeadlinePolicyService } from '../../electron/services/deadline-policy';
import { TicketWorkflowService } from '../../electron/services/ticket-workflow';
import { KpiService } from '../../electron/services/kpi';
import { KnowledgeService } from '../../electron/services/knowledge';
import { SimilarTickets } from '../../electron/services/similar';
import { DepartmentRouting } from '../../electron/services/department-routing';
import { silentLogger } from '../../electron/log';
import { DutyRosterService } from '../../electron/services/consultation-duty';
import { ConsultationService } from '../../electron/services/consultation';
import type { EventPublisher } from '../../electron/events/bus';

/** Cheap scrypt for tests (the cost parameters have their own test). */
const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };

/**
 * The services of createConsoleApp built over any store. The console app itself still opens its
 * SQLite file (choosing the store in the composition root is a later step of issue 11), so the
 * tests that run on both stores build the services the same way it does. Given a bus, consultation
 * and workflow publish on it as the app's composition root wires them (cross-process tests).
 */
export async function buildServices(store: Store, now: () => Date, bus?: EventPublisher) {
  const calendar = new CalendarService(store.db);
  await calendar.load();
  const deadlinePolicy = new DeadlinePolicyService(store.db, now);
  await deadlinePolicy.load();
  const duty = new DutyRosterService(store.db, now);
  const events: { name: EventName; payload: unknown }[] = [];
  const routing = new DepartmentRouting(store.db, silentLogger, now);
  return {
    events,
    users: new UserService(store.db, { now, cost: FAST_SCRYPT }),
    settings: new SettingsService(store.db),
    drafts: new DraftService(store.db, now),
    tickets: new TicketQueries(store.db, now),
    calendar,
    deadlinePolicy,
    intake: new TicketIntakeService(store.db, calendar.calendar, now),
    workflow: new TicketWorkflowService(store.db, calendar.calendar, now, deadlinePolicy.policy, (p) => bus?.publish('ticket.changed', p), routing),
    routing,
    kpis: new KpiService(store.db, store.dialect),
    knowledge: new KnowledgeService(store.db, now),
    similar: new SimilarTickets(store.db, now),
    duty,
    consultation: new ConsultationService(store.db, duty, now, {
      publish: (name, payload, ...audience) => { events.push({ name, payload }); bus?.publish(name, payload, ...audience); },
    }),
  };
}
export type Services = Awaited<ReturnType<typeof buildServices>>;
