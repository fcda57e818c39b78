import { z } from 'zod';
import type { Result } from './errors';
import { event, request, type EventDef, type RequestDef } from './define';
import { frames, roleSchema } from './roles';
import type {
  AdminUserRow, AppInfo, AuditRow, DemoStatus, Draft, OverviewStats, SessionInfo, TicketListRow, UserSettings,
} from './types';

export * from './errors';
export * from './roles';
export * from './types';
export type { Access, EventDef, RequestDef } from './define';

const username = z.string().trim().min(2).max(32).regex(/^[A-Za-z0-9_.-]+$/);
const displayName = z.string().trim().min(1).max(40);
/** Length only: strength beyond that is checked in main so the message can say why. */
const password = z.string().min(1).max(128);
const id = z.string().uuid();
const draftKey = z.string().min(1).max(120).regex(/^[a-z0-9_.:-]+$/);

/**
 * Every request the renderer may make. Main validates `input` before any handler runs; the result
 * type is the second type argument. Adding an entry here without a handler fails the type check of
 * both bindings.
 */
export const requests = {
  'app.info': request<AppInfo>()(z.object({}).strict(), 'public'),
  'setup.createFirstAdmin': request<SessionInfo>()(
    z.object({ username, displayName, password }).strict(), 'public'),
  'setup.loadDemoData': request<AppInfo>()(z.object({}).strict(), 'public'),

  'session.login': request<SessionInfo>()(z.object({ username: z.string().max(64), password }).strict(), 'public'),
  'session.logout': request<null>()(z.object({}).strict(), 'session'),
  'session.current': request<SessionInfo | null>()(z.object({}).strict(), 'public'),
  'session.changePassword': request<null>()(
    z.object({ currentPassword: password, newPassword: password }).strict(), 'session'),

  'settings.get': request<UserSettings>()(z.object({}).strict(), 'session'),
  'settings.update': request<UserSettings>()(z.object({
    theme: z.enum(['light', 'dark', 'auto']).optional(),
    lastFrame: z.enum(frames).nullable().optional(),
  }).strict(), 'session'),

  'drafts.get': request<Draft | null>()(z.object({ key: draftKey }).strict(), 'session'),
  'drafts.save': request<Draft>()(z.object({ key: draftKey, data: z.string().max(200_000) }).strict(), 'session'),
  'drafts.discard': request<null>()(z.object({ key: draftKey }).strict(), 'session'),

  'demo.status': request<DemoStatus>()(z.object({}).strict(), 'session'),
  'stats.overview': request<OverviewStats>()(z.object({}).strict(), ['shift_lead', 'admin', 'agent', 'cppcc_member']),
  'tickets.recent': request<TicketListRow[]>()(z.object({
    limit: z.number().int().min(1).max(5000),
  }).strict(), 'session'),

  'users.list': request<AdminUserRow[]>()(z.object({}).strict(), ['admin']),
  'users.create': request<AdminUserRow>()(z.object({
    username, displayName, password, roles: z.array(roleSchema).min(1).max(6),
  }).strict(), ['admin']),
  'users.setRoles': request<AdminUserRow>()(z.object({ userId: id, roles: z.array(roleSchema).min(1).max(6) }).strict(), ['admin']),
  'users.setDisabled': request<AdminUserRow>()(z.object({ userId: id, disabled: z.boolean() }).strict(), ['admin']),
  'users.unlock': request<AdminUserRow>()(z.object({ userId: id }).strict(), ['admin']),
  'audit.list': request<AuditRow[]>()(z.object({
    limit: z.number().int().min(1).max(1000), action: z.string().max(64).optional(),
  }).strict(), ['admin']),
} satisfies Record<string, RequestDef>;

/** Every event main may push to a renderer. */
export const events = {
  /** The session ended from main's side (logout elsewhere, account disabled). */
  'session.ended': event<{ reason: 'logout' | 'disabled' }>(),
  /** Something the user should see as a notification; `code` is a catalogue key. */
  'app.notice': event<{ level: 'info' | 'warning' | 'error'; code: string; params?: Record<string, string | number> }>(),
} satisfies Record<string, EventDef>;

export type Requests = typeof requests;
export type RequestName = keyof Requests;
export type RequestInput<N extends RequestName> = z.input<Requests[N]['input']>;
export type ParsedInput<N extends RequestName> = z.output<Requests[N]['input']>;
export type RequestOutput<N extends RequestName> = Requests[N] extends RequestDef<z.ZodType, infer O> ? O : never;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = Events[E] extends EventDef<infer P> ? P : never;

export const requestNames = Object.keys(requests) as RequestName[];
export const eventNames = Object.keys(events) as EventName[];

/** Validates and narrows a request name arriving from an untrusted peer. */
export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.hasOwn(requests, name);
}

/** The API both transports give the renderer; the renderer never knows which one it has. */
export interface ConsoleApi {
  request<N extends RequestName>(name: N, input: RequestInput<N>): Promise<Result<RequestOutput<N>>>;
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
}
