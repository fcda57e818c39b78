import type { ConsoleApi, EventName, EventPayload, RequestName, Result } from '../../shared/contract';

type Impl = Partial<Record<RequestName, (input: never) => Result<unknown> | Promise<Result<unknown>>>>;

/**
 * An in-memory contract client for component tests. Requests without an implementation answer
 * `forbidden`, so a test notices a call it did not expect instead of hanging. `emit` plays an event
 * main pushes to the components listening (wrap it in act()).
 */
export function fakeApi(impl: Impl = {}): ConsoleApi & {
  calls: { name: string; input: unknown }[];
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
} {
  const calls: { name: string; input: unknown }[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const drafts = new Map<string, { key: string; data: string; savedAt: string }>();
  const defaults: Impl = {
    'drafts.get': ((i: { key: string }) => ({ ok: true, value: drafts.get(i.key) ?? null })) as never,
    'drafts.save': ((i: { key: string; data: string }) => {
      const d = { key: i.key, data: i.data, savedAt: new Date().toISOString() };
      drafts.set(i.key, d);
      return { ok: true, value: d };
    }) as never,
    'drafts.discard': ((i: { key: string }) => { drafts.delete(i.key); return { ok: true, value: null }; }) as never,
  };
  const all = { ...defaults, ...impl };
  return {
    calls,
    request: (async (name: RequestName, input: unknown) => {
      calls.push({ name, input });
      const fn = all[name] as ((i: unknown) => Result<unknown>) | undefined;
      return fn ? fn(input) : { ok: false, error: { code: 'forbidden' } };
    }) as ConsoleApi['request'],
    on: ((name: EventName, listener: (payload: unknown) => void) => {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      set.add(listener);
      return () => { set.delete(listener); };
    }) as ConsoleApi['on'],
    emit: (name, payload) => { for (const l of [...(listeners.get(name) ?? [])]) l(payload); },
  };
}
