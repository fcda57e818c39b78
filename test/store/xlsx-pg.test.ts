import { describe, expect, inject, it } from 'vitest';
import ExcelJS from 'exceljs';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { migrate } from '../../electron/store/migrate';
import { migrations } from '../../electron/store/migrations';
import type { DB } from '../../electron/store/schema';
import { XlsxService } from '../../electron/services/xlsx-io';
import { createDatabaseOn } from '../support/postgres';

/**
 * The import's staging, set-based publish and counters on PostgreSQL, on a fresh database of the
 * store project's private cluster, made by the same migrations as SQLite's.
 */
describe('Excel import on PostgreSQL', () => {
  it('publishes staged rows with numbers from the counters, one citizen per phone, indexed for search', async () => {
    const PG_URL = await createDatabaseOn(inject('postgresAdminUrl'));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: PG_URL, max: 10 }) }) });
    try {
      await sql`drop schema public cascade; create schema public`.execute(db);
      await migrate(db, 'postgres', migrations);
      await sql`insert into categories (id, code, name, parent_id, level) values ('c1', '01', '城建', null, 1), ('c2', '0101', '道路', 'c1', 2), ('c3', '010101', '路灯', 'c2', 3)`.execute(db);
      await sql`insert into users (id, username, display_name, password_hash, disabled, failed_attempts, created_at, updated_at) values ('u', 'admin', '管理员', 'x', 0, 0, '2026-01-01', '2026-01-01')`.execute(db);

      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('台账');
      ws.addRow(['编号', '来电时间', '类型', '分类', '标题', '内容', '电话', '状态']);
      for (let i = 0; i < 300; i++) ws.addRow([i % 2 ? `OLD-${i}` : '', '2024-05-03 09:15', '咨询', '路灯', `第${i}行`, `第${i}行：路灯不亮`, `1390000${String(i % 50).padStart(4, '0')}`, '已办结']);
      const base64 = Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
      const service = new XlsxService(db, () => new Date('2026-11-28T02:00:00Z'), { dialect: 'postgres' });
      const mapping = { number: '编号', createdAt: '来电时间', appealType: '类型', category: '分类', title: '标题', content: '内容', phone: '电话', status: '状态' };
      // Twice: the second without the number column, so every row takes one from the series. One
      // after the other: the search indexer allocates document keys as max + 1 within a second,
      // which two concurrent transactions on PostgreSQL collide on (store/search/indexer.ts, reported).
      const a = await service.import(base64, mapping, false, 'u');
      const b = await service.import(base64, { ...mapping, number: undefined }, false, 'u');
      expect(a).toMatchObject({ ok: true, imported: 300 });
      expect(b).toMatchObject({ ok: true, imported: 300 });
      const numbers = (await db.selectFrom('tickets').select('number').where('number', 'like', 'IM20261128%').execute()).map((r) => Number(r.number.slice(10))).sort((x, y) => x - y);
      expect(numbers).toEqual(Array.from({ length: 450 }, (_, i) => i + 1));
      expect((await db.selectFrom('citizens').select('phone').execute()).length).toBe(50);
      expect((await db.selectFrom('ticket_search_docs').select('doc_id').execute()).length).toBe(600);
      expect(await db.selectFrom('import_staging').select('seq').execute()).toEqual([]);
    } finally {
      await db.destroy();
    }
  }, 60_000);
});
