/** The audit log's reader on both stores: newest first, the actor's name joined, one action's lines if asked. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAudit } from '../../electron/services/audit';
import { listAuditEvents } from '../../electron/store/repos/audit-log';
import { UserService } from '../../electron/services/users';
import { openTestStore, STORE_KINDS, type TestStore } from './stores';

describe.each(STORE_KINDS)('audit log on %s', (kind) => {
  let t: TestStore;
  let adminId: string;
  beforeAll(async () => {
    t = await openTestStore(kind);
    adminId = await new UserService(t.store.db).create({ username: 'auditadmin', displayName: '审计管理员', password: 'Correct-Horse-42', roles: ['admin'] }, null);
    const at = (m: number) => new Date(Date.UTC(2026, 11, 1, 2, m));
    await writeAudit(t.store.db, { actorId: adminId, action: 'test.first', subjectType: 'user', subjectId: 'u1', data: { n: 1 } }, at(1));
    await writeAudit(t.store.db, { actorId: null, action: 'test.second', subjectType: 'ticket' }, at(2));
    await writeAudit(t.store.db, { actorId: adminId, action: 'test.first', subjectType: 'user', subjectId: 'u2' }, at(3));
  });
  afterAll(() => t.dispose());

  it('lists the newest lines first with the actor name, up to the limit', async () => {
    const rows = (await listAuditEvents(t.store.db, { limit: 1000 })).filter((r) => r.action.startsWith('test.'));
    expect(rows.map((r) => [r.action, r.subjectId, r.actorName])).toEqual([
      ['test.first', 'u2', '审计管理员'], ['test.second', null, null], ['test.first', 'u1', '审计管理员'],
    ]);
    expect(JSON.parse(rows[2]!.data)).toEqual({ n: 1 });
    expect(await listAuditEvents(t.store.db, { limit: 1 })).toHaveLength(1);
  });

  it('keeps only the asked action', async () => {
    const rows = await listAuditEvents(t.store.db, { limit: 10, action: 'test.first' });
    expect(rows.map((r) => r.subjectId)).toEqual(['u2', 'u1']);
    expect(await listAuditEvents(t.store.db, { limit: 10, action: 'test.none' })).toEqual([]);
  });
});
