import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { fail, userAudience, type AppInfo, type SessionInfo, type TicketChanged } from '../../shared/contract';
import type { Logger } from '../log';
import { Dispatcher, type Handlers } from '../rpc/dispatcher';
import { InProcessEventBus, type EventBus } from '../events/bus';
import { openSqliteStore, type Store } from '../store/sqlite';
import { DraftService } from '../services/drafts';
import { SettingsService } from '../services/settings';
import { TicketQueries } from '../services/tickets';
import { claimSetup, releaseSetupClaim, UserService, type UserServiceOptions } from '../services/users';
import { SessionStore, type SessionPolicy } from '../services/sessions';
import { SessionHub } from './session-hub';
import { DEMO_PASSWORD, demoAccounts } from './demo-accounts';
import { PhoneService, type PhoneServiceOptions } from '../phone/phone-service';
import { fileSecretBox, type SecretBox } from '../phone/secret-box';
import { phoneHandlers } from './phone-handlers';
import { TicketIntakeService } from '../services/ticket-intake';
import { TicketWorkflowService } from '../services/ticket-workflow';
import { KnowledgeService } from '../services/knowledge';
import { KpiService } from '../services/kpi';
import { XlsxService } from '../services/xlsx-io';
import { SimilarTickets } from '../services/similar';
import { CategoryService } from '../classify/category-service';
import { callerVisibilityOf, createTicketSearch, indexDemoData, reindexAll, SearchError, searchIndexStatus, type TicketSearchOptions } from '../search';
import { CalendarService } from '../services/calendar';
import { ConsultationService } from '../services/consultation';
import { DutyRosterService } from '../services/consultation-duty';
import { consultationHandlers } from './consultation-handlers';
import { seedDemoConsultation } from '../demo/consultation';
import { JobRunner } from '../jobs/job-runner';
import { DeadlinePolicyService } from '../services/deadline-policy';
import { DivisionImportService } from '../services/division-import';
import { searchScope, ticketScope } from '../services/ticket-visibility';
import { backfillTicketDepartments } from '../store/migrations/0014_ticket_departments_access';

export interface ConsoleOptions {
  dataDir: string;
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
  /** Session expiry (tests: short). */
  sessions?: SessionPolicy;
  /** Encrypts SIP passwords at rest; host mode defaults to a key file in the data folder. */
  secrets?: SecretBox;
  /** Softphone options (tests: auto-answer, fast keep-alive). */
  phone?: Pick<PhoneServiceOptions, 'autoAnswer' | 'acwSeconds' | 'sipTuning'>;
  /** Ticket search options (tests: in-process). */
  search?: TicketSearchOptions;
  /** better-sqlite3 addon for the Electron ABI; host mode uses the one in node_modules. */
  sqliteNativeBinding?: string;
  now?: () => Date;
  /**
   * Where services publish events. Default: the in-process bus (one seat). A center's console server
   * passes the one createPostgresEventBus gives it and closes it after the app.
   */
  eventBus?: EventBus;
}

export type DemoLoader = (store: Store, opts: { seed: number; tickets: number; referenceDate: Date; days: number }) => Promise<unknown>;

export interface ConsoleApp {
  store: Store;
  jobs: JobRunner;
  phone: PhoneService;
  dispatcher: Dispatcher;
  users: UserService;
  info(): Promise<AppInfo>;
  close(): Promise<void>;
}

/** Builds every main-process service over one store; both Electron and host mode start here. */
export async function createConsoleApp(opts: ConsoleOptions): Promise<ConsoleApp> {
  mkdirSync(opts.dataDir, { recursive: true });
  const now = opts.now ?? (() => new Date());
  const store = await openSqliteStore(join(opts.dataDir, 'hotline.sqlite'), { nativeBinding: opts.sqliteNativeBinding });
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
  // seat on SQLite: the in-process bus (a center's servers use createPostgresEventBus).
  const bus = opts.eventBus ?? new InProcessEventBus(opts.log);
  const unsubscribe = bus.subscribe((e) => late.dispatcher?.deliver(e.name, e.payload, e.audience));
  // Desks refresh from ticket.changed; its audience follows from the payload (ticketChangedAudience).
  const ticketChanged = (p: TicketChanged) => bus.publish('ticket.changed', p);
  const workflow = new TicketWorkflowService(store.db, calendar.calendar, now, deadlinePolicy.policy, ticketChanged);
  const knowledge = new KnowledgeService(store.db, now);
  const kpis = new KpiService(store.db, store.dialect);
  const xlsx = new XlsxService(store.db, now, { dialect: store.dialect });
  // Staging rows of an import cut short by a crash are never published: drop them.
  await xlsx.cleanStaleStaging();
  const similar = new SimilarTickets(store.db, now);
  const categories = new CategoryService(store.db, opts.log, { now });
  const search = createTicketSearch(store, { nativeBinding: opts.sqliteNativeBinding, ...opts.search });
  const divisionNames = async () => new Map((await intake.referenceData()).divisions.map((d) => [d.code, d.name]));
  await knowledge.ensureDefaultScripts();
  const sessionOf = (ctx: { session: SessionInfo | null }) => ctx.session ?? fail('unauthenticated');
  // The phone and the workflow push events through the dispatcher, which is built from the handlers below.
  const late: { dispatcher?: Dispatcher; seedConsultation?: () => Promise<void> } = {};
  let consultationSeedDue = false;

  let demoLoading: Promise<void> | null = null;
  const loadDemo = async () => {
    const departments = await store.db.selectFrom('departments').select(['id', 'code']).execute();
    if (departments.length === 0 && opts.loadDemoData) {
      const tickets = opts.demoTickets ?? 1000;
      // About fifteen appeals a day, so a small demo looks like a working hotline, not a quiet one.
      await opts.loadDemoData(store, { seed: 12345, tickets, referenceDate: now(), days: Math.round(Math.min(730, Math.max(14, tickets / 15))) });
      await opts.seedKnowledge?.(store.db, 12345);
      await indexDemoData(store);
      // Demo history is written as events: let departments read what was dispatched to them.
      await backfillTicketDepartments(store.db, store.dialect);
    }
    const firstBureau = (await store.db.selectFrom('departments').select('id').where('kind', '=', 'bureau').orderBy('code').executeTakeFirst())?.id ?? null;
    for (const a of demoAccounts) {
      // Bound to the department its name says; the first bureau only if that one is missing.
      const named = a.departmentCode ? await store.db.selectFrom('departments').select('id').where('code', '=', a.departmentCode).executeTakeFirst() : undefined;
      await users.create({ username: a.username, displayName: a.displayName, password: DEMO_PASSWORD, roles: a.roles,
        departmentId: a.roles.includes('department') ? named?.id ?? firstBureau : null }, null, { skipStrength: true });
    }
    await settings.setApp('demo', '1');
    // At start-up the consultation service is built after this runs; it seeds once it exists.
    if (late.seedConsultation) await late.seedConsultation(); else consultationSeedDue = true;
    opts.log.info('demo data loaded', { tickets: opts.demoTickets ?? 1000 });
  };
  /**
   * Only one demo load at a time, and only into a store nobody has set up yet: the load claims
   * first-time setup (as creating the first admin does), and gives the claim back if it fails.
   */
  const loadDemoOnce = async () => {
    if (!demoLoading) {
      if ((await users.count()) > 0) fail('setup_already_done');
      const claim = `demo:${now().toISOString()}`;
      await claimSetup(store.db, claim);
      demoLoading = loadDemo()
        .catch(async (e: unknown) => { await releaseSetupClaim(store.db, claim); throw e; })
        .finally(() => { demoLoading = null; });
    }
    await demoLoading;
  };

  // A demo load that a previous run never finished (killed mid-way) left its claim behind and no
  // accounts: give the claim back, or the store could never be set up.
  if ((await users.count()) === 0) await store.db.deleteFrom('meta').where('key', '=', 'setup.claimed').where('value', 'like', 'demo:%').execute();
  if (opts.demo && (await users.count()) === 0) await loadDemoOnce();
  // A store from before the search index (or an older tokenizer) is indexed in the background;
  // searches meanwhile find what is indexed so far.
  const reindex = new AbortController();
  let reindexing: Promise<unknown> = Promise.resolve();
  if (store.sqlite && !searchIndexStatus(store.sqlite).upToDate) {
    opts.log.info('search index out of date: rebuilding in the background');
    reindexing = reindexAll(store, { signal: reindex.signal }).catch((e: unknown) => opts.log.error('search reindex failed', { error: String(e) }));
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

  const userOf = (s: { user: { id: string } } | null) => {
    if (!s) fail('unauthenticated');
    return s.user.id;
  };

  const hub = new SessionHub(store.db, users, sessions, () => late.dispatcher, now);
  const phone = new PhoneService({
    db: store.db, secrets: opts.secrets ?? fileSecretBox(join(opts.dataDir, 'secret.key')), log: opts.log, now, ...opts.phone,
    events: { bus, connection: (id) => late.dispatcher?.connection(id) },
  });
  const duty = new DutyRosterService(store.db, now);
  const consultation = new ConsultationService(store.db, duty, now, bus);
  late.seedConsultation = async () => {
    const sessionOfUser = async (username: string) => {
      const u = await store.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
      return u ? users.session(u.id) : null;
    };
    const [lead, member, expert] = await Promise.all(['lead01', 'member01', 'expert01'].map(sessionOfUser));
    if (!lead || !member || !expert) return;
    const departmentIds = (await store.db.selectFrom('departments').select('id').where('kind', '=', 'bureau').orderBy('code').execute()).map((d) => d.id);
    try {
      await seedDemoConsultation(consultation, { lead, member, expert }, departmentIds, now());
    } catch (e) {
      // Demo items are a convenience: a rule that refuses one must not stop the console.
      opts.log.warn('demo consultation items not created', { error: String(e) });
    }
  };
  if (consultationSeedDue) await late.seedConsultation();
  await phone.loadConfig();
  const jobs = new JobRunner({
    log: opts.log, now,
    notify: (ownerId, view) => bus.publish('job.progress', view, userAudience(ownerId)),
  });
  const divisions = new DivisionImportService(store.db, now);
  const handlers: Handlers = {
    ...phoneHandlers(phone, store.db, now, () => duty.onDutyNow()),
    ...consultationHandlers(consultation, duty, now, () => bus.publish('duty.changed', { at: now().toISOString() })),
    'app.info': () => info(),
    'setup.createFirstAdmin': async (input, ctx) => {
      if ((await users.count()) > 0) fail('setup_already_done');
      // The claim and the admin are written in one transaction: of parallel calls exactly one wins.
      const id = await users.create({ ...input, roles: ['admin'] }, null, { claimSetup: `admin:${input.username.toLowerCase()}` });
      return hub.signIn(ctx.connection, await users.session(id));
    },
    'setup.loadDemoData': async () => {
      await loadDemoOnce();
      return info();
    },
    'session.login': async (input, ctx) => hub.signIn(ctx.connection, await users.login(input.username, input.password)),
    'session.resume': (input, ctx) => hub.resume(ctx.connection, input.token),
    'session.logout': async (_input, ctx) => {
      await users.logout(userOf(ctx.session));
      await hub.logout(ctx.connection);
      return null;
    },
    'session.current': (_input, ctx) => ctx.session,
    'session.changePassword': async (input, ctx) => {
      const userId = userOf(ctx.session);
      await users.changePassword(userId, input.currentPassword, input.newPassword);
      // Whoever knew the old password is signed out everywhere else; this session goes on.
      await hub.endUser(userId, 'password_changed', ctx.connection);
      await hub.refreshUser(userId);
      return ctx.connection.session ?? fail('unauthenticated');
    },
    'settings.get': (_input, ctx) => settings.get(userOf(ctx.session)),
    'settings.update': (input, ctx) => settings.update(userOf(ctx.session), input),
    'drafts.get': (input, ctx) => drafts.get(userOf(ctx.session), input.key),
    'drafts.save': (input, ctx) => drafts.save(userOf(ctx.session), input.key, input.data),
    'drafts.discard': async (input, ctx) => {
      await drafts.discard(userOf(ctx.session), input.key);
      return null;
    },
    'demo.status': async () => {
      const counts = await tickets.counts();
      const seed = await settings.getApp('demo_seed');
      return { demo: (await settings.getApp('demo')) === '1', ...counts, seed: seed === null ? null : Number(seed) };
    },
    'stats.overview': () => tickets.overview(),
    'stats.kpis': (i) => kpis.report(new Date(now().getTime() - i.days * 86_400_000).toISOString(), now().toISOString()),
    'tickets.recent': (input, ctx) => tickets.recent(input.limit, sessionOf(ctx)),
    'reference.get': () => intake.referenceData(),
    'tickets.create': async (input, ctx) => {
      const created = await intake.create(input, ctx.session ?? fail('unauthenticated'));
      ticketChanged({ ticketId: created.id, number: created.number, state: created.status, action: 'register', leadDepartmentId: null, coDepartmentIds: [], version: 1, previousDepartmentIds: [] });
      await categories.learnTicket(created.id);
      return created;
    },
    'tickets.get': (input, ctx) => intake.detail(input.id, sessionOf(ctx), workflow),
    'tickets.act': async (input, ctx) => {
      await workflow.act(input.ticketId, input.expectedVersion, input.action, sessionOf(ctx));
      return intake.detail(input.ticketId, sessionOf(ctx), workflow);
    },
    'tickets.work': (input, ctx) => workflow.work(input.view, input.limit, sessionOf(ctx)),
    'knowledge.search': (i) => knowledge.search(i.query, i.categoryId, i.limit),
    'knowledge.get': (i) => knowledge.get(i.id),
    'knowledge.save': (i, ctx) => knowledge.save(i, sessionOf(ctx).user.id),
    'scripts.list': (i) => knowledge.scripts(i.categoryId),
    'scripts.save': (i, ctx) => knowledge.saveScript(i, sessionOf(ctx).user.id),
    'scripts.delete': async (i, ctx) => { await knowledge.deleteScript(i.id, sessionOf(ctx).user.id); return null; },
    'tickets.exportXlsx': (i, ctx) => xlsx.export(i, sessionOf(ctx)),
    'tickets.importXlsx': (i, ctx) => {
      const actor = sessionOf(ctx).user.id;
      // A file that is not a zip (every .xlsx is one) is refused at once rather than as a failed job.
      if (!Buffer.from(i.base64.slice(0, 8), 'base64').subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'))) {
        fail('invalid_input', { issues: [{ path: 'base64', problem: 'not_xlsx' }] });
      }
      return jobs.start('tickets.import', actor, (job) => xlsx.import(i.base64, i.mapping, i.dryRun, actor, job));
    },
    'divisions.catalogue': () => divisions.catalogue(),
    'divisions.previewImport': (i) => divisions.previewImport(i.cityCode),
    'divisions.importCity': (i, ctx) => {
      const actor = sessionOf(ctx).user.id;
      return jobs.start('divisions.import', actor, async (job) => {
        const r = await divisions.importCity(i.cityCode, actor, job);
        intake.invalidateReference();
        bus.publish('reference.changed', { at: now().toISOString() });
        return r;
      });
    },
    'jobs.get': (i, ctx) => jobs.get(i.id, sessionOf(ctx)),
    'jobs.list': (_i, ctx) => jobs.list(sessionOf(ctx)),
    'jobs.cancel': (i, ctx) => jobs.cancel(i.id, sessionOf(ctx)),
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
        if (e instanceof SearchError) fail(e.code === 'superseded' || e.code === 'cancelled' ? 'conflict' : 'invalid_input', { details: { reason: `search_${e.code}` } });
        throw e;
      }
    },
    'tickets.similar': (i, ctx) => similar.find(i, sessionOf(ctx)),
    'tickets.suggestCategory': (i) => categories.suggest(i.title, i.content),
    'calendar.list': () => calendar.list(),
    'deadlines.get': () => deadlinePolicy.view(),
    'deadlines.set': (i, ctx) => deadlinePolicy.set(i.policy, sessionOf(ctx).user.id),
    'calendar.setYear': (i, ctx) => calendar.setYear(i, sessionOf(ctx).user.id),
    'users.list': () => users.list(),
    'users.create': async (input, ctx) => users.row(await users.create(input, userOf(ctx.session))),
    'users.setRoles': async (input, ctx) => {
      const row = await users.setRoles(input.userId, input.roles, userOf(ctx.session), input.departmentId);
      // Roles and the department binding decide what the user may read: open sessions follow at once.
      await hub.refreshUser(input.userId);
      return row;
    },
    'users.setDisabled': async (input, ctx) => {
      const row = await users.setDisabled(input.userId, input.disabled, userOf(ctx.session));
      if (input.disabled) await hub.endUser(input.userId, 'disabled');
      return row;
    },
    'users.resetPassword': async (input, ctx) => {
      const row = await users.resetPassword(input.userId, input.password, userOf(ctx.session));
      await hub.endUser(input.userId, 'password_reset');
      return row;
    },
    'users.unlock': (input, ctx) => users.unlock(input.userId, userOf(ctx.session)),
    'audit.list': async (input) => {
      let q = store.db.selectFrom('audit_events as a').leftJoin('users as u', 'u.id', 'a.actor_id')
        .select(['a.id', 'a.at', 'a.action', 'a.subject_type', 'a.subject_id', 'a.data', 'u.display_name'])
        .orderBy('a.at', 'desc').orderBy('a.id', 'desc').limit(input.limit);
      if (input.action) q = q.where('a.action', '=', input.action);
      const rows = await q.execute();
      return rows.map((r) => ({ id: r.id, at: r.at, actorName: r.display_name, action: r.action, subjectType: r.subject_type, subjectId: r.subject_id, data: r.data }));
    },
  };

  const dispatcher = new Dispatcher(handlers, opts.log, { sessionGuard: hub.guard });
  void categories.start();
  late.dispatcher = dispatcher;
  return {
    store, dispatcher, users, info, phone, jobs,
    close: async () => {
      await jobs.close();
      await categories.close();
      reindex.abort();
      await reindexing;
      await phone.close();
      unsubscribe();
      if (!opts.eventBus) await bus.close();
      await search.close();
      await demoLoading?.catch(() => undefined);
      await store.close();
    },
  };
}

