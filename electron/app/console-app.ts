import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { fail, userAudience, type AppInfo, type TicketChanged } from '../../shared/contract';
import type { Logger } from '../log';
import { Dispatcher, type Handlers } from '../rpc/dispatcher';
import { InProcessEventBus, type EventBus } from '../events/bus';
import { createPostgresEventBus, type ListenStatus } from '../events/postgres-bus';
import { openSqliteStore, type Store } from '../store/sqlite';
import { openPostgresStore, type PostgresOptions } from '../store/postgres';
import { bureauIds, departmentIdByCode, dropStaleDemoClaim, hasDepartments, userIdByUsername, withSetupLock } from '../store/repos/setup';
import { waitForStore } from '../store/errors';
import { DraftService } from '../services/drafts';
import { SettingsService } from '../services/settings';
import { TicketQueries } from '../services/tickets';
import { claimSetup, releaseSetupClaim, SETUP_CLAIM_KEY, UserService, type UserServiceOptions } from '../services/users';
import { SessionStore, type SessionPolicy } from '../services/sessions';
import type { LoginLimiter } from '../services/login-limits';
import { SessionHub } from './session-hub';
import { DEMO_PASSWORD, demoAccounts } from './demo-accounts';
import { PhoneService, type PhoneServiceOptions } from '../phone/phone-service';
import { fileSecretBox, type SecretBox } from '../phone/secret-box';
import { phoneHandlers } from './phone-handlers';
import { TicketIntakeService } from '../services/ticket-intake';
import { TicketWorkflowService } from '../services/ticket-workflow';
import { KnowledgeService } from '../services/knowledge';
import { LeadQueueService } from '../services/lead-queues';
import { KpiService } from '../services/kpi';
import { createStatsNotifier } from '../services/stats-notifier';
import { LeadAlertService } from '../services/lead-alerts';
import { WallboardChartsService } from '../services/wallboard-charts';
import { XlsxService } from '../services/xlsx-io';
import { SimilarTickets } from '../services/similar';
import { CategoryService } from '../classify/category-service';
import { DepartmentRouting } from '../services/department-routing';
import { createTicketSearch, indexDemoData, reindexAll, searchIndexStatusOf, type TicketSearchOptions } from '../store/search';
import { CalendarService } from '../services/calendar';
import { ConsultationService } from '../services/consultation';
import { ClassCaseService } from '../services/class-cases';
import { classCaseHandlers } from './handlers/class-cases';
import { OutreachService } from '../services/outreach';
import { outreachHandlers } from './handlers/outreach';
import { analysisHandlers } from './handlers/analysis';
import { MonthlyAnalysisService } from '../services/monthly-analysis';
import { loadSnapshot } from '../services/ticket-workflow';
import { DutyRosterService } from '../services/consultation-duty';
import { consultationHandlers } from './consultation-handlers';
import { sessionHandlers } from './handlers/session';
import { settingsDraftsHandlers } from './handlers/settings-drafts';
import { statsHandlers } from './handlers/stats';
import { wallboardHandlers } from './handlers/wallboard';
import { hotspotHandlers } from './handlers/hotspots';
import { HotspotService } from '../services/hotspots';
import { ticketHandlers } from './handlers/tickets';
import { knowledgeHandlers } from './handlers/knowledge';
import { importsJobsHandlers } from './handlers/imports-jobs';
import { divisionHandlers } from './handlers/divisions';
import { calendarHandlers } from './handlers/calendar';
import { standaloneDeskHandlers } from './handlers/desk';
import { adminHandlers } from './handlers/admin';
import { recordingHandlers } from './handlers/recordings';
import { RecordingService, type UploadLimit } from '../services/recordings';
import { seedDemoConsultation } from '../demo/consultation';
import { JobRunner } from '../jobs/job-runner';
import { DeadlinePolicyService } from '../services/deadline-policy';
import { DivisionImportService } from '../services/division-import';
import { backfillTicketDepartments } from '../store/migrations/0014_ticket_departments_access';

/**
 * Where the console keeps its data: the embedded SQLite file in the data folder (one seat, the
 * default), or a center's PostgreSQL database (`options`: pool size, statement timeout).
 */
export type StoreChoice = { kind: 'sqlite' } | { kind: 'postgres'; url: string; options?: PostgresOptions };

export interface ConsoleOptions {
  /** Logs, the SIP key file and (on SQLite) the store. */
  dataDir: string;
  /** @default { kind: 'sqlite' } */
  store?: StoreChoice;
  runtime: AppInfo['runtime'];
  version: string;
  log: Logger;
  /** Load generated demo data into an empty store at start (development and evaluation). */
  demo?: boolean;
  /** Demo ticket count. @default 1000 */
  demoTickets?: number;
  /**
   * Writes generated reference data and tickets into an empty store. Injected so the composition
   * root decides; without it a demo store has the demo accounts and no tickets.
   */
  loadDemoData?: DemoLoader;
  /** Writes invented knowledge articles with the demo data. */
  seedKnowledge?: (db: Store['db'], seed: number) => Promise<unknown>;
  users?: UserServiceOptions;
  /** Limits sign-in attempts per user name and per address; none by default (one seat, lockout only). */
  loginLimiter?: LoginLimiter;
  /** Session expiry (tests: short). */
  sessions?: SessionPolicy;
  /** Encrypts SIP passwords at rest; host mode defaults to a key file in the data folder. */
  secrets?: SecretBox;
  /** Softphone options (tests: auto-answer, fast keep-alive). */
  phone?: Pick<PhoneServiceOptions, 'autoAnswer' | 'acwSeconds' | 'sipTuning'>;
  /**
   * How long one slice of background work on main's thread may hold its event loop: the search
   * reindex, the department-routing replay and the category model's first training of a store
   * that lacks them (util/time-slice.ts). Infinity: the whole batches of before (bench baseline).
   * @default BACKGROUND_SLICE_MS
   */
  backgroundSliceMs?: number;
  /** Ticket search options (tests: in-process). */
  search?: TicketSearchOptions;
  /** better-sqlite3 addon for the Electron ABI; host mode uses the one in node_modules. */
  sqliteNativeBinding?: string;
  now?: () => Date;
  /**
   * Where services publish events. Default: the in-process bus on SQLite, createPostgresEventBus on
   * PostgreSQL (closed with the app). One passed in is the caller's to close, after the app.
   */
  eventBus?: EventBus;
  /** False: no retention timer (tests run the retention job themselves). @default true */
  recordingRetention?: boolean;
  /** How fast a desk's recording uploads are taken, per user (tests: a small one). @default DEFAULT_UPLOAD_LIMIT */
  recordingUploadLimit?: UploadLimit;
  /** Where recordings are kept. @default <dataDir>/recordings (a center's servers: one shared folder) */
  recordingsDir?: string;
  /** Hears the PostgreSQL bus's listening connection come and go (the console server's /readyz). */
  onEventsStatus?: (status: ListenStatus) => void;
  /** Hotspot options (tests: a short debounce). */
  hotspots?: { debounceMs?: number; horizonDays?: number };
}

export type DemoLoader = (store: Store, opts: { seed: number; tickets: number; referenceDate: Date; days: number }) => Promise<unknown>;

export interface ConsoleApp {
  store: Store;
  hotspots: HotspotService;
  jobs: JobRunner;
  phone: PhoneService;
  recordings: RecordingService;
  dispatcher: Dispatcher;
  users: UserService;
  info(): Promise<AppInfo>;
  close(): Promise<void>;
}

/** Builds every main-process service over one store; both Electron and host mode start here. */
export async function createConsoleApp(opts: ConsoleOptions): Promise<ConsoleApp> {
  mkdirSync(opts.dataDir, { recursive: true });
  const now = opts.now ?? (() => new Date());
  const choice = opts.store ?? { kind: 'sqlite' };
  const store = choice.kind === 'postgres'
    ? await openPostgresStore(choice.url, choice.options)
    : await openSqliteStore(join(opts.dataDir, 'hotline.sqlite'), { nativeBinding: opts.sqliteNativeBinding });
  const users = new UserService(store.db, { now, ...opts.users });
  const sessions = new SessionStore(store.db, now, opts.sessions);
  const settings = new SettingsService(store.db);
  const drafts = new DraftService(store.db, now);
  const tickets = new TicketQueries(store.db, now);
  const calendar = new CalendarService(store.db);
  await calendar.load();
  const intake = new TicketIntakeService(store.db, calendar.calendar, now);
  const deadlinePolicy = new DeadlinePolicyService(store.db, now);
  await deadlinePolicy.load();
  // Services publish on the bus after commit, each event with its audience as data; the hub (the
  // dispatcher, built from the handlers below) delivers to this process's connections in it. One
  // seat on SQLite: the in-process bus; on PostgreSQL every server of the center hears every other.
  let bus: EventBus;
  try {
    bus = opts.eventBus ?? (choice.kind === 'postgres' ? await createPostgresEventBus({ url: choice.url, connection: choice.options, log: opts.log, onStatus: opts.onEventsStatus }) : new InProcessEventBus(opts.log));
  } catch (e) {
    await store.close();
    throw e;
  }
  const unsubscribe = bus.subscribe((e) => {
    late.dispatcher?.deliver(e.name, e.payload, e.audience);
    late.leadAlerts?.onEvent(e);
    late.hotspots?.onEvent(e);
  });
  // Wallboards re-read KPIs and the overview on stats.changed, coalesced to about one a second.
  const stats = createStatsNotifier(bus, now);
  // Desks refresh from ticket.changed; its audience follows from the payload (ticketChangedAudience).
  // Both are told after the write committed (the workflow and intake call this after their transaction).
  const ticketChanged = (p: TicketChanged) => { bus.publish('ticket.changed', p); stats.touched(); };
  // 智能派单: learns from each sign and return inside the workflow's transaction, guards dispatches.
  const routing = new DepartmentRouting(store.db, opts.log, now, opts.backgroundSliceMs);
  const routingStop = new AbortController();
  const workflow = new TicketWorkflowService(store.db, calendar.calendar, now, deadlinePolicy.policy, ticketChanged, routing);
  const knowledge = new KnowledgeService(store.db, now);
  const kpis = new KpiService(store.db, store.dialect);
  const leadQueues = new LeadQueueService(store.db, workflow, kpis, now);
  const xlsx = new XlsxService(store.db, now, { dialect: store.dialect });
  // Staging rows of an import cut short by a crash are never published: drop them.
  await xlsx.cleanStaleStaging();
  const similar = new SimilarTickets(store.db, now);
  const categories = new CategoryService(store.db, opts.log, { now, ...(opts.backgroundSliceMs !== undefined ? { sliceMs: opts.backgroundSliceMs } : {}) });
  const search = createTicketSearch(store, {
    nativeBinding: opts.sqliteNativeBinding,
    fold: { onError: (e) => opts.log.error('search index fold failed', { error: String(e) }), ...(opts.backgroundSliceMs !== undefined ? { sliceMs: opts.backgroundSliceMs } : {}) },
    ...opts.search,
  });
  await knowledge.ensureDefaultScripts();
  // The phone and the workflow push events through the dispatcher, which is built from the handlers below.
  const late: { dispatcher?: Dispatcher; seedConsultation?: () => Promise<void>; leadAlerts?: LeadAlertService; hotspots?: HotspotService } = {};
  let consultationSeedDue = false;

  let demoLoading: Promise<void> | null = null;
  const loadDemo = async () => {
    if (!(await hasDepartments(store.db)) && opts.loadDemoData) {
      const tickets = opts.demoTickets ?? 1000;
      // About fifteen appeals a day, so a small demo looks like a working hotline, not a quiet one.
      await opts.loadDemoData(store, { seed: 12345, tickets, referenceDate: now(), days: Math.round(Math.min(730, Math.max(14, tickets / 15))) });
      await opts.seedKnowledge?.(store.db, 12345);
      await indexDemoData(store);
      // Demo history is written as events: let departments read what was dispatched to them.
      await backfillTicketDepartments(store.db, store.dialect);
    }
    const firstBureau = (await bureauIds(store.db))[0] ?? null;
    for (const a of demoAccounts) {
      // Bound to the department its name says; the first bureau only if that one is missing.
      const named = a.departmentCode ? await departmentIdByCode(store.db, a.departmentCode) : null;
      await users.create({ username: a.username, displayName: a.displayName, password: DEMO_PASSWORD, roles: a.roles,
        departmentId: a.roles.includes('department') ? named ?? firstBureau : null }, null, { skipStrength: true });
    }
    await settings.setApp('demo', '1');
    // At start-up the consultation service is built after this runs; it seeds once it exists.
    if (late.seedConsultation) await late.seedConsultation(); else consultationSeedDue = true;
    stats.touched();
    opts.log.info('demo data loaded', { tickets: opts.demoTickets ?? 1000 });
  };
  /**
   * Only one demo load at a time, and only into a store nobody has set up yet: the load claims
   * first-time setup (as creating the first admin does), and gives the claim back if it fails.
   * On PostgreSQL the whole load holds the setup lock, so other servers of the center wait for it.
   */
  const loadDemoOnce = async (atStart = false) => {
    if (!demoLoading) {
      demoLoading = withSetupLock(store.db, async () => {
        if ((await users.count()) > 0) {
          // At start-up another server of the center loaded it meanwhile: nothing to do.
          if (atStart) return;
          fail('setup_already_done');
        }
        const claim = `demo:${now().toISOString()}`;
        await claimSetup(store.db, claim);
        await loadDemo().catch(async (e: unknown) => { await releaseSetupClaim(store.db, claim); throw e; });
      }).finally(() => { demoLoading = null; });
    }
    await demoLoading;
    // Demo history is written as events: count its dispatches for the department suggestion, in
    // the background and outside the setup lock (on SQLite its transaction holds the one connection).
    routing.forgetReference();
    void routing.rebuildIfEmpty(routingStop.signal);
  };

  await withSetupLock(store.db, async () => {
    // A demo load that a previous run never finished (killed mid-way) left its claim behind and no
    // accounts: give the claim back, or the store could never be set up. (Under the lock: on
    // PostgreSQL a claim may be another server's load in progress.)
    if ((await users.count()) === 0) await dropStaleDemoClaim(store.db, SETUP_CLAIM_KEY);
  });
  // Two servers starting at once on an empty database: the second waits on the lock, then finds accounts.
  if (opts.demo && (await users.count()) === 0) await loadDemoOnce(true);
  // A store from before the search index (or an older tokenizer) is indexed in the background;
  // searches meanwhile find what is indexed so far.
  const reindex = new AbortController();
  let reindexing: Promise<unknown> = Promise.resolve();
  if (!(await searchIndexStatusOf(store)).upToDate) {
    opts.log.info('search index out of date: rebuilding in the background');
    reindexing = reindexAll(store, { signal: reindex.signal, ...(opts.backgroundSliceMs !== undefined ? { sliceMs: opts.backgroundSliceMs } : {}) }).catch((e: unknown) => opts.log.error('search reindex failed', { error: String(e) }));
  }

  const info = async (): Promise<AppInfo> => {
    const demo = (await settings.getApp('demo')) === '1';
    return {
      version: opts.version,
      setupRequired: (await users.count()) === 0,
      demo,
      demoAccounts: demo ? demoAccounts.map((a) => ({ username: a.username, role: a.roles[0]!, password: DEMO_PASSWORD })) : [],
      runtime: opts.runtime,
      mediaHost: opts.runtime === 'electron' ? 'window' : 'self',
    };
  };

  const hub = new SessionHub(store.db, users, sessions, () => late.dispatcher, now);
  const phone = new PhoneService({
    db: store.db, secrets: opts.secrets ?? fileSecretBox(join(opts.dataDir, 'secret.key')), log: opts.log, now, ...opts.phone,
    events: { bus, connection: (id) => late.dispatcher?.connection(id) },
  });
  const duty = new DutyRosterService(store.db, now, new Set(demoAccounts.map((a) => a.username)));
  const consultation = new ConsultationService(store.db, duty, now, bus);
  late.seedConsultation = async () => {
    const sessionOfUser = async (username: string) => {
      const id = await userIdByUsername(store.db, username);
      return id ? users.session(id) : null;
    };
    const [lead, member, expert] = await Promise.all(['lead01', 'member01', 'expert01'].map(sessionOfUser));
    if (!lead || !member || !expert) return;
    const departmentIds = await bureauIds(store.db);
    try {
      await seedDemoConsultation(consultation, { lead, member, expert }, departmentIds, now());
    } catch (e) {
      // Demo items are a convenience: a rule that refuses one must not stop the console.
      opts.log.warn('demo consultation items not created', { error: String(e) });
    }
  };
  if (consultationSeedDue) await late.seedConsultation();
  const classCases = new ClassCaseService(store.db, now, {
    ticketState: async (id) => { const s = await loadSnapshot(store.db, id); return s ? { version: s.snapshot.version, state: s.snapshot.state } : null; },
    actOnTicket: (id, version, action, session) => workflow.act(id, version, action, session),
    escalate: async (i, session) => (await consultation.escalate({ ...i, source: 'class_case' }, session)).id,
  });
  await phone.loadConfig();
  // The shift lead's alerts follow the events that move their figures (seat, stats, consultation).
  const leadAlerts: LeadAlertService = new LeadAlertService({ db: store.db, bus, now, log: opts.log, serviceLevel: () => charts.todayServiceLevel() });
  const charts = new WallboardChartsService(store.db, now, {
    serviceLevelSeconds: () => phone.storedServiceLevelSeconds(),
    serviceLevelTargetPct: async () => (await leadAlerts.thresholds()).serviceLevelTargetPct,
  });
  const jobs = new JobRunner({
    log: opts.log, now,
    notify: (ownerId, view) => bus.publish('job.progress', view, userAudience(ownerId)),
  });
  const divisions = new DivisionImportService(store.db, now);
  // Hotspots are mined in a worker thread over the last 90 days, then kept up as tickets arrive.
  const hotspots = new HotspotService({ db: store.db, bus, now, log: opts.log, ...opts.hotspots });
  // Outreach screens read again on outreach.changed (plans, edits, cancels, appeals at an event).
  const outreach = new OutreachService(store.db, now, bus);
  const recordings = new RecordingService({ db: store.db, dataDir: opts.dataDir, dir: opts.recordingsDir, now, log: opts.log, currentCall: (s, callId) => phone.hasCall(s, callId), uploadLimit: opts.recordingUploadLimit });
  // A recording a crash cut short stays playable up to its last chunk; say so on its row.
  await recordings.recoverInterrupted();
  if (opts.recordingRetention !== false) recordings.startRetention();
  const handlers: Handlers = {
    ...phoneHandlers(phone, store.db, now, () => duty.onDutyNow()),
    ...consultationHandlers(consultation, duty, now, () => bus.publish('duty.changed', { at: now().toISOString() })),
    ...sessionHandlers({ users, hub, info, loadDemoOnce, loginLimiter: opts.loginLimiter }),
    ...settingsDraftsHandlers(settings, drafts),
    ...statsHandlers(tickets, kpis, settings, now),
    ...wallboardHandlers(phone, leadQueues, charts, leadAlerts),
    ...ticketHandlers({
      tickets, intake, workflow, search, similar, categories, routing, ticketChanged, onRegistered: (id) => classCases.attachIfMatching(id),
      outreachAppeal: (eventId) => outreach.changed(eventId, 'appeal'),
    }),
    ...classCaseHandlers(classCases),
    ...outreachHandlers(outreach),
    ...analysisHandlers(new MonthlyAnalysisService(store.db, now), jobs, consultation),
    ...knowledgeHandlers(knowledge),
    ...importsJobsHandlers(xlsx, jobs, () => stats.touched()),
    ...divisionHandlers(divisions, jobs, () => {
      intake.invalidateReference();
      bus.publish('reference.changed', { at: now().toISOString() });
    }),
    ...calendarHandlers(calendar, deadlinePolicy),
    ...adminHandlers(users, hub, store.db),
    ...standaloneDeskHandlers(),
    ...hotspotHandlers(hotspots),
    ...recordingHandlers(recordings, jobs),
  };

  const dispatcher = new Dispatcher(handlers, opts.log, { sessionGuard: hub.guard, storeReady: () => waitForStore(store.db) });
  void categories.start();
  void routing.rebuildIfEmpty(routingStop.signal);
  late.dispatcher = dispatcher;
  late.leadAlerts = leadAlerts;
  leadAlerts.start();
  late.hotspots = hotspots;
  void hotspots.start();
  return {
    store, dispatcher, users, info, phone, jobs, hotspots, recordings,
    close: async () => {
      await jobs.close();
      await recordings.close();
      await categories.close();
      routingStop.abort();
      await routing.idle();
      reindex.abort();
      await reindexing;
      await phone.close();
      leadAlerts.close();
      await leadAlerts.idle();
      await hotspots.close();
      stats.close();
      unsubscribe();
      if (!opts.eventBus) await bus.close();
      await search.close();
      await demoLoading?.catch(() => undefined);
      await store.close();
    },
  };
}

