import ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import { fail, importFields, type ImportField, type ImportResult, type ImportRowError, type SessionInfo } from '../../shared/contract';
import { normalizePhone, maskPhone } from '../../shared/domain/phone';
import type { DB } from '../store/schema';
import { uuidv7 } from '../util/ids';
import { writeAudit } from './audit';
import { indexTicket } from '../search';
import type { JobContext } from '../jobs/job-runner';
import { ticketScope, visibleTickets } from './ticket-visibility';

const APPEAL: Record<string, string> = { 咨询: 'consultation', 求助: 'help', 投诉: 'complaint', 举报: 'report', 建议: 'suggestion', 表扬: 'praise', 其他: 'other' };
const STATUS: Record<string, string> = {
  已登记: 'registered', 直接办结: 'resolved_directly', 已派单: 'dispatched', 已签收: 'signed', 退单待审: 'returned', 办理中: 'handling',
  延期待批: 'extension_requested', 已答复: 'replied', 已审核: 'reviewed', 已回访: 'return_visit', 已办结: 'closed', 办结: 'closed', 重办: 'reopened',
};
const STATUS_LABEL = Object.fromEntries(Object.entries(STATUS).map(([k, v]) => [v, k]));
const APPEAL_LABEL = Object.fromEntries(Object.entries(APPEAL).map(([k, v]) => [v, k]));
const MAX_ERRORS = 500;
/** Rows between two progress reports (and chances to cancel). */
const CHUNK = 200;
const noJob: JobContext = { signal: new AbortController().signal, progress: () => undefined, checkpoint: async () => undefined };

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('text' in v) return String(v.text);
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    if ('error' in v) return '';
  }
  return String(v).trim();
}

/** A spreadsheet time: a real date cell, an ISO time, or "YYYY-MM-DD HH:mm[:ss]" read as Beijing time. */
function parseTime(v: ExcelJS.CellValue): string | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  const s = cellText(v);
  const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
  if (m) {
    const [, y, mo, d, h = '0', mi = '0', se = '0'] = m;
    const t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h) - 8, Number(mi), Number(se));
    const back = new Date(t + 8 * 3600_000);
    if (back.getUTCMonth() !== Number(mo) - 1 || back.getUTCDate() !== Number(d)) return null;
    return new Date(t).toISOString();
  }
  const iso = Date.parse(s);
  return /\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(iso) ? new Date(iso).toISOString() : null;
}

/**
 * Tickets to and from Excel, for centres moving off spreadsheets. An import is all or nothing:
 * every row is checked first and every problem reported with its row and column; only a clean
 * sheet is written, in one transaction.
 */
export class XlsxService {
  constructor(private readonly db: Kysely<DB>, private readonly now: () => Date = () => new Date()) {}

  async export(opts: { from?: string; to?: string; status?: string[]; limit: number }, session: SessionInfo): Promise<{ fileName: string; base64: string; rows: number }> {
    const actorId = session.user.id;
    let q = this.db.selectFrom('tickets as t')
      .leftJoin('categories as c', 'c.id', 't.category_id')
      .leftJoin('divisions as d', 'd.code', 't.district_code')
      .leftJoin('departments as dep', 'dep.id', 't.lead_department_id')
      .select(['t.number', 't.created_at', 't.appeal_type', 't.status', 't.caller_name', 't.phone', 'c.name as category', 't.title', 't.content',
        'd.name as district', 't.address', 'dep.name as dep', 't.reply_by', 't.closed_at', 't.confidential'])
      .where(visibleTickets(ticketScope(session)))
      .orderBy('t.created_at', 'desc').limit(opts.limit);
    if (opts.from) q = q.where('t.created_at', '>=', opts.from);
    if (opts.to) q = q.where('t.created_at', '<', opts.to);
    if (opts.status?.length) q = q.where('t.status', 'in', opts.status);
    const rows = await q.execute();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('工单');
    ws.columns = [
      { header: '工单号', key: 'number', width: 18 }, { header: '受理时间', key: 'created', width: 18 }, { header: '诉求类型', key: 'type', width: 8 },
      { header: '状态', key: 'status', width: 10 }, { header: '来电人', key: 'name', width: 10 }, { header: '联系电话', key: 'phone', width: 14 },
      { header: '分类', key: 'category', width: 16 }, { header: '标题', key: 'title', width: 30 }, { header: '诉求内容', key: 'content', width: 60 },
      { header: '区县', key: 'district', width: 10 }, { header: '地址', key: 'address', width: 24 }, { header: '主办单位', key: 'dep', width: 18 },
      { header: '答复期限', key: 'replyBy', width: 18 }, { header: '办结时间', key: 'closed', width: 18 },
    ];
    const bj = (iso: string | null) => (iso ? new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ') : '');
    for (const r of rows) {
      ws.addRow({
        number: r.number, created: bj(r.created_at), type: APPEAL_LABEL[r.appeal_type] ?? r.appeal_type, status: STATUS_LABEL[r.status] ?? r.status,
        // An export leaves the console: numbers are masked, as in any list.
        // A confidential (保密) citizen's name and number leave the console with nobody.
        name: r.confidential ? '' : r.caller_name ?? '', phone: r.confidential || !r.phone ? '' : maskPhone(r.phone), category: r.category ?? '', title: r.title, content: r.content,
        district: r.district ?? '', address: r.address ?? '', dep: r.dep ?? '', replyBy: bj(r.reply_by), closed: bj(r.closed_at),
      });
    }
    ws.getRow(1).font = { bold: true };
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    await writeAudit(this.db, { actorId, action: 'tickets.exported', subjectType: 'tickets', data: { rows: rows.length, from: opts.from ?? null, to: opts.to ?? null } });
    const day = new Date(this.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    return { fileName: `工单导出-${day}.xlsx`, base64: buf.toString('base64'), rows: rows.length };
  }

  /**
   * Checks every row, then (unless `dryRun`, and only when no row is wrong) writes them all in one
   * transaction. Runs as a job: progress per phase, and a cancel — even mid-write — rolls back.
   */
  async import(base64: string, mapping: Partial<Record<ImportField, string>>, dryRun: boolean, actorId: string, job: JobContext = noJob): Promise<ImportResult> {
    job.progress('reading', 0, 0);
    const wb = new ExcelJS.Workbook();
    try {
      await wb.xlsx.load(Buffer.from(base64, 'base64') as unknown as ExcelJS.Buffer);
    } catch {
      fail('invalid_input', { issues: [{ path: 'base64', problem: 'not_xlsx' }] });
    }
    const ws = wb.worksheets[0];
    if (!ws || ws.rowCount < 1) fail('invalid_input', { issues: [{ path: 'base64', problem: 'empty_sheet' }] });
    const headers: string[] = [];
    ws.getRow(1).eachCell({ includeEmpty: true }, (cell, col) => { headers[col - 1] = cellText(cell.value); });
    const errors: ImportRowError[] = [];
    const colOf: Partial<Record<ImportField, number>> = {};
    for (const [field, required] of Object.entries(importFields) as [ImportField, boolean][]) {
      const header = mapping[field];
      if (!header) {
        if (required) errors.push({ row: 1, column: field, problem: 'column_not_mapped' });
        continue;
      }
      const idx = headers.indexOf(header);
      if (idx < 0) errors.push({ row: 1, column: header, problem: 'column_missing' });
      else colOf[field] = idx + 1;
    }
    if (errors.length) return { ok: false, imported: 0, rows: 0, errors, headers: headers.filter(Boolean) };

    const [categories, divisions, existing] = await Promise.all([
      this.db.selectFrom('categories as c').leftJoin('categories as p', 'p.id', 'c.parent_id').leftJoin('categories as g', 'g.id', 'p.parent_id')
        .select(['c.id', 'c.code', 'c.name', 'c.level', 'p.name as p', 'g.name as g']).execute(),
      // Retired first: where an old district and a current one share a name, the current one wins below.
      this.db.selectFrom('divisions').select(['code', 'name']).where('level', '=', 1).orderBy('retired', 'desc').orderBy('code').execute(),
      this.db.selectFrom('tickets').select('number').execute(),
    ]);
    const leaves = categories.filter((c) => c.level === 3);
    const byPath = new Map(leaves.map((c) => [[c.g, c.p, c.name].join('/'), c.id]));
    const byName = new Map<string, string[]>();
    for (const c of leaves) byName.set(c.name, [...(byName.get(c.name) ?? []), c.id]);
    const byCode = new Map(leaves.map((c) => [c.code, c.id]));
    const districtByName = new Map(divisions.map((d) => [d.name, d.code]));
    const numbers = new Set(existing.map((e) => e.number));

    type Row = { number: string | null; createdAt: string; phone: string | null; callerName: string | null; appealType: string; categoryId: string; title: string; content: string; districtCode: string | null; address: string | null; status: string };
    const rows: Row[] = [];
    const get = (r: ExcelJS.Row, f: ImportField) => (colOf[f] ? r.getCell(colOf[f]!).value : null);
    const text = (r: ExcelJS.Row, f: ImportField) => cellText(get(r, f));
    const bad = (row: number, field: ImportField, problem: string, value?: string) => {
      if (errors.length < MAX_ERRORS) errors.push({ row, column: mapping[field] ?? field, problem, ...(value !== undefined ? { value: value.slice(0, 60) } : {}) });
    };
    await job.checkpoint();
    const lastRow = ws.rowCount;
    for (let rowNo = 2; rowNo <= lastRow; rowNo++) {
      if (rowNo % CHUNK === 0) {
        job.progress('checking', rowNo - 1, lastRow - 1);
        await job.checkpoint();
      }
      const r = ws.getRow(rowNo);
      if (!r.hasValues) continue;
      const createdAt = parseTime(get(r, 'createdAt'));
      if (!createdAt) bad(rowNo, 'createdAt', 'bad_time', text(r, 'createdAt'));
      else if (createdAt > this.now().toISOString()) bad(rowNo, 'createdAt', 'in_future', text(r, 'createdAt'));
      const typeText = text(r, 'appealType');
      const appealType = APPEAL[typeText] ?? (Object.values(APPEAL).includes(typeText) ? typeText : null);
      if (!appealType) bad(rowNo, 'appealType', 'unknown_appeal_type', typeText);
      const catText = text(r, 'category').replace(/\s*[/／>]\s*/g, '/');
      const named = byName.get(catText);
      const categoryId = byPath.get(catText) ?? byCode.get(catText) ?? (named?.length === 1 ? named[0] : undefined);
      if (!categoryId) bad(rowNo, 'category', named && named.length > 1 ? 'ambiguous_category' : 'unknown_category', catText);
      const title = text(r, 'title');
      if (title.length < 2 || title.length > 100) bad(rowNo, 'title', title.length < 2 ? 'too_short' : 'too_long', title);
      const content = text(r, 'content');
      if (content.length < 2 || content.length > 4000) bad(rowNo, 'content', content.length < 2 ? 'too_short' : 'too_long');
      let phone: string | null = null;
      const phoneText = text(r, 'phone');
      if (phoneText) {
        const n = normalizePhone(phoneText);
        if (n.ok) phone = n.phone.national; else bad(rowNo, 'phone', 'bad_phone', phoneText);
      }
      const districtText = text(r, 'district');
      const districtCode = districtText ? districtByName.get(districtText) ?? null : null;
      if (districtText && !districtCode) bad(rowNo, 'district', 'unknown_district', districtText);
      const statusText = text(r, 'status');
      const status = statusText ? STATUS[statusText] ?? null : 'closed';
      if (!status) bad(rowNo, 'status', 'unknown_status', statusText);
      const number = text(r, 'number') || null;
      if (number) {
        if (!/^[A-Za-z0-9-]{4,32}$/.test(number)) bad(rowNo, 'number', 'bad_number', number);
        else if (numbers.has(number)) bad(rowNo, 'number', 'duplicate_number', number);
        numbers.add(number);
      }
      if (createdAt && appealType && categoryId && status) {
        rows.push({ number, createdAt, phone, callerName: text(r, 'callerName') || null, appealType, categoryId, title, content, districtCode, address: text(r, 'address') || null, status });
      }
    }
    job.progress('checking', lastRow - 1, lastRow - 1);
    const total = rows.length + new Set(errors.filter((e) => e.row > 1).map((e) => e.row)).size;
    if (errors.length || dryRun) return { ok: errors.length === 0, imported: 0, rows: total, errors, headers: headers.filter(Boolean) };

    const at = this.now().toISOString();
    const batch = uuidv7();
    await this.db.transaction().execute(async (trx) => {
      let seq = 0;
      let written = 0;
      for (const r of rows) {
        if (written++ % CHUNK === 0) {
          job.progress('writing', written - 1, rows.length);
          // Other requests wait for the store meanwhile, but the event loop stays free; a cancel
          // throws here and the whole transaction rolls back.
          await job.checkpoint();
        }
        const id = uuidv7(Date.parse(r.createdAt));
        let citizenId: string | null = null;
        if (r.phone) {
          const c = await trx.selectFrom('citizens').select('id').where('phone', '=', r.phone).executeTakeFirst();
          citizenId = c?.id ?? uuidv7();
          if (!c) await trx.insertInto('citizens').values({ id: citizenId, phone: r.phone, name: r.callerName, created_at: r.createdAt }).execute();
        }
        const number = r.number ?? `IM${batch.slice(0, 8).toUpperCase()}${String(++seq).padStart(6, '0')}`;
        await trx.insertInto('tickets').values({
          id, number, created_at: r.createdAt, updated_at: at, channel: 'letter', appeal_type: r.appealType, urgency: 'normal', status: r.status,
          citizen_id: citizenId, phone: r.phone, caller_name: r.callerName, confidential: 0, category_id: r.categoryId, title: r.title, content: r.content,
          district_code: r.districtCode, street_code: null, community_code: null, address: r.address, lat: null, lng: null,
          lead_department_id: null, sign_by: null, reply_by: null, closed_at: ['closed', 'resolved_directly'].includes(r.status) ? r.createdAt : null, parent_id: null,
        }).execute();
        await indexTicket(trx, { id, created_at: r.createdAt, title: r.title, content: r.content, number, address: r.address, caller_name: r.callerName, phone: r.phone, confidential: 0 });
        await trx.insertInto('ticket_events').values({ id: uuidv7(), ticket_id: id, at: r.createdAt, actor_id: actorId, action: 'imported', from_status: null, to_status: r.status, data: JSON.stringify({ batch }) }).execute();
      }
      await writeAudit(trx, { actorId, action: 'tickets.imported', subjectType: 'tickets', subjectId: batch, data: { rows: rows.length } });
    });
    return { ok: true, imported: rows.length, rows: rows.length, errors: [], headers: headers.filter(Boolean) };
  }
}
