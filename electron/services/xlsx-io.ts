import ExcelJS from 'exceljs';
import { fail, importFields, type ImportField, type ImportResult, type ImportRowError, type SessionInfo } from '../../shared/contract';
import { normalizePhone, maskPhone } from '../../shared/domain/phone';
import { joinCategoryPath, splitCategoryPath } from '../../shared/domain/taxonomy';
import { isAppealType, type AppealType } from '../../shared/domain/appeal';
import type { TicketState } from '../../shared/domain/ticket-lifecycle';
import { chinaDateCompact, chinaDateKey, chinaDateTime, fromChinaWallClock } from '../../shared/domain/china-time';
import type { Dialect } from '../store/migrations/types';
import { maxNumberSeed, nextNumbers, raiseCounter } from '../store/counters';
import { inTransaction, isUniqueViolation, type Db } from '../store/repos/db';
import { appendImportedEvents } from '../store/repos/ticket-events';
import { exportTicketRows, indexableTickets, takenTicketNumbers } from '../store/repos/tickets';
import { categoriesWithAncestors, districtsRetiredFirst } from '../store/repos/reference';
import {
  countStagedRows, deleteStagedRows, deleteStaleStagedRows, insertStagedRows, publishStagedCitizens, publishStagedTickets, type StagedRow,
} from '../store/repos/imports';
import { uuidv7 } from '../util/ids';
import { writeAudit } from './audit';
import { indexTicket } from '../store/search';
import type { JobContext } from '../jobs/job-runner';
import { ticketScope } from './ticket-visibility';
import { readSheetInWorker } from '../jobs/xlsx-sheet';
import { SheetRefused, type Cell, type SheetLimits, type SheetRow } from '../jobs/xlsx-stream';

const APPEAL: Record<string, AppealType> = { 咨询: 'consultation', 求助: 'help', 投诉: 'complaint', 举报: 'report', 建议: 'suggestion', 表扬: 'praise', 其他: 'other' };
const STATUS: Record<string, TicketState> = {
  已登记: 'registered', 直接办结: 'resolved_directly', 已派单: 'dispatched', 已签收: 'signed', 退单待审: 'returned', 办理中: 'handling',
  延期待批: 'extension_requested', 已答复: 'replied', 已审核: 'reviewed', 已回访: 'return_visit', 已办结: 'closed', 办结: 'closed', 重办: 'reopened',
};
const STATUS_LABEL = Object.fromEntries(Object.entries(STATUS).map(([k, v]) => [v, k]));
const APPEAL_LABEL = Object.fromEntries(Object.entries(APPEAL).map(([k, v]) => [v, k]));
const MAX_ERRORS = 500;
/** Rows between two progress reports (and chances to cancel) while checking. */
const CHUNK = 200;
/** Staged rows per transaction: what another writer may have to wait for (a few ms). */
const STAGE_CHUNK = 500;
/** Tickets indexed for search per transaction (~3 KB of tokens each). */
const INDEX_CHUNK = 100;
const noJob: JobContext = { signal: new AbortController().signal, progress: () => undefined, checkpoint: async () => undefined };

function cellText(v: Cell | undefined): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  return String(v).trim();
}
function cellAt(r: SheetRow, col: number | undefined): Cell {
  if (!col) return null;
  const i = r.c.indexOf(col);
  return i < 0 ? null : r.v[i]!;
}
const text = (r: SheetRow, col: number | undefined) => cellText(cellAt(r, col));
/** A row's texts by column (index 0 is column A). */
function textRow(r: SheetRow): string[] {
  const out: string[] = [];
  r.c.forEach((col, i) => { out[col - 1] = cellText(r.v[i]); });
  return Array.from(out, (x) => x ?? '');
}

/** A spreadsheet time: a real date cell, an ISO time, or "YYYY-MM-DD HH:mm[:ss]" read as Beijing time. */
function parseTime(v: Cell): string | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  const s = cellText(v);
  const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
  if (m) {
    const [, y, mo, d, h = '0', mi = '0', se = '0'] = m;
    return fromChinaWallClock(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(se))?.toISOString() ?? null;
  }
  const iso = Date.parse(s);
  return /\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(iso) ? new Date(iso).toISOString() : null;
}

export interface XlsxServiceOptions {
  /** @default 'sqlite' */
  dialect?: Dialect;
  /** Import limits on the unpacked workbook. @default DEFAULT_SHEET_LIMITS */
  limits?: SheetLimits;
  /** The import worker script (tests); see readSheetInWorker. */
  workerUrl?: URL;
}

/**
 * Tickets to and from Excel, for centres moving off spreadsheets. An import is all or nothing:
 * every row is checked first and every problem reported with its row and column; only a clean
 * sheet is written, and it becomes visible in one transaction.
 */
export class XlsxService {
  constructor(private readonly db: Db, private readonly now: () => Date = () => new Date(), private readonly opts: XlsxServiceOptions = {}) {}

  async export(opts: { from?: string; to?: string; status?: string[]; limit: number }, session: SessionInfo): Promise<{ fileName: string; base64: string; rows: number }> {
    const actorId = session.user.id;
    const rows = await exportTicketRows(this.db, { scope: ticketScope(session), from: opts.from, to: opts.to, statuses: opts.status, limit: opts.limit });
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('工单');
    ws.columns = [
      { header: '工单号', key: 'number', width: 18 }, { header: '受理时间', key: 'created', width: 18 }, { header: '诉求类型', key: 'type', width: 8 },
      { header: '状态', key: 'status', width: 10 }, { header: '来电人', key: 'name', width: 10 }, { header: '联系电话', key: 'phone', width: 14 },
      { header: '分类', key: 'category', width: 16 }, { header: '标题', key: 'title', width: 30 }, { header: '诉求内容', key: 'content', width: 60 },
      { header: '区县', key: 'district', width: 10 }, { header: '地址', key: 'address', width: 24 }, { header: '主办单位', key: 'dep', width: 18 },
      { header: '答复期限', key: 'replyBy', width: 18 }, { header: '办结时间', key: 'closed', width: 18 },
    ];
    const bj = (iso: string | null) => (iso ? chinaDateTime(new Date(iso)) : '');
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
    const day = chinaDateKey(this.now());
    return { fileName: `工单导出-${day}.xlsx`, base64: buf.toString('base64'), rows: rows.length };
  }

  /**
   * Checks every row, then (unless `dryRun`, and only when no row is wrong) writes them all. Runs
   * as a job: the workbook is unpacked and scanned in a worker thread within limits (xlsx-stream.ts);
   * the checked rows go to a staging table in short transactions, so other writers wait for one
   * chunk at most, never for the whole sheet; one short transaction then publishes them. A cancel or
   * a failure before that leaves nothing but staging rows, which are deleted at once (or at the next
   * start, after a crash). The search index follows in short transactions after the publish.
   */
  async import(base64: string, mapping: Partial<Record<ImportField, string>>, dryRun: boolean, actorId: string, job: JobContext = noJob): Promise<ImportResult> {
    job.progress('reading', 0, 0);
    const errors: ImportRowError[] = [];
    let headers: string[] = [];
    const colOf: Partial<Record<ImportField, number>> = {};
    const rows: Row[] = [];
    const errorRows = new Set<number>();
    const seenNumbers = new Set<string>();
    const bad = (row: number, field: ImportField, problem: string, value?: string) => {
      errorRows.add(row);
      if (errors.length < MAX_ERRORS) errors.push({ row, column: mapping[field] ?? field, problem, ...(value !== undefined ? { value: value.slice(0, 60) } : {}) });
    };
    let ref: Awaited<ReturnType<XlsxService['referenceForImport']>> | null = null;
    let seen = 0;
    // Until rows arrive, the bar shows how much of the sheet (in KB) the worker has scanned.
    const onProgress = (bytes: number, total: number) => { if (!ref) job.progress('reading', Math.round(bytes / 1024), Math.max(Math.round(total / 1024), Math.round(bytes / 1024))); };
    const sheet = readSheetInWorker(Buffer.from(base64, 'base64'), { limits: this.opts.limits, signal: job.signal, workerUrl: this.opts.workerUrl, onProgress });
    try {
      for await (const batch of sheet) {
        let from = 0;
        if (!ref) {
          // The header row is row 1 of the sheet; without one every mapped column is missing.
          if (batch[0]?.r === 1) { headers = textRow(batch[0]); from = 1; }
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
          ref = await this.referenceForImport();
        }
        const body = batch.slice(from);
        const taken = await takenTicketNumbers(this.db, body.map((r) => text(r, colOf.number)).filter(Boolean));
        for (const r of body) {
          this.checkRow(r, colOf, ref, taken, seenNumbers, bad, rows);
          if (++seen % CHUNK === 0) {
            job.progress('checking', seen, 0);
            await job.checkpoint();
          }
        }
        job.progress('checking', seen, 0);
        await job.checkpoint();
      }
    } catch (e) {
      if (e instanceof SheetRefused) fail('invalid_input', { issues: [{ path: 'base64', problem: e.reason }], details: { reason: e.reason, ...e.details } });
      throw e;
    }
    job.progress('checking', seen, seen);
    const total = rows.length + errorRows.size;
    if (errors.length || dryRun) return { ok: errors.length === 0, imported: 0, rows: total, errors, headers: headers.filter(Boolean) };

    const batchId = uuidv7();
    let staged: StagedRow[];
    try {
      staged = await this.stage(batchId, rows, job);
      job.progress('writing', rows.length, rows.length);
      await job.checkpoint();
      await this.publish(batchId, rows, actorId);
    } finally {
      await this.dropStaging(batchId);
    }
    await this.indexImported(staged, job);
    return { ok: true, imported: rows.length, rows: rows.length, errors: [], headers: headers.filter(Boolean) };
  }

  /**
   * Deletes staging rows left by imports that did not finish (a crash); call once at start, before
   * any import runs. Everything staged is stale then: one console process owns the store (a center
   * with several servers on one PostgreSQL would pass `before`, the oldest start of a live server).
   */
  async cleanStaleStaging(before?: Date): Promise<number> {
    return deleteStaleStagedRows(this.db, before?.toISOString());
  }

  private async referenceForImport() {
    const [categories, divisions] = await Promise.all([
      categoriesWithAncestors(this.db),
      // Retired first: where an old district and a current one share a name, the current one wins below.
      districtsRetiredFirst(this.db),
    ]);
    const leaves = categories.filter((c) => c.level === 3);
    const byName = new Map<string, string[]>();
    for (const c of leaves) byName.set(c.name, [...(byName.get(c.name) ?? []), c.id]);
    return {
      byPath: new Map(leaves.map((c) => [joinCategoryPath([c.g, c.p, c.name]), c.id])),
      byName,
      byCode: new Map(leaves.map((c) => [c.code, c.id])),
      districtByName: new Map(divisions.map((d) => [d.name, d.code])),
    };
  }

  private checkRow(r: SheetRow, colOf: Partial<Record<ImportField, number>>, ref: NonNullable<Awaited<ReturnType<XlsxService['referenceForImport']>>>,
    taken: Set<string>, seenNumbers: Set<string>, bad: (row: number, field: ImportField, problem: string, value?: string) => void, rows: Row[]): void {
    const rowNo = r.r;
    const get = (f: ImportField) => cellAt(r, colOf[f]);
    const txt = (f: ImportField) => text(r, colOf[f]);
    const createdAt = parseTime(get('createdAt'));
    if (!createdAt) bad(rowNo, 'createdAt', 'bad_time', txt('createdAt'));
    else if (createdAt > this.now().toISOString()) bad(rowNo, 'createdAt', 'in_future', txt('createdAt'));
    const typeText = txt('appealType');
    const appealType = APPEAL[typeText] ?? (isAppealType(typeText) ? typeText : null);
    if (!appealType) bad(rowNo, 'appealType', 'unknown_appeal_type', typeText);
    const catText = joinCategoryPath(splitCategoryPath(txt('category')));
    const named = ref.byName.get(catText);
    const categoryId = ref.byPath.get(catText) ?? ref.byCode.get(catText) ?? (named?.length === 1 ? named[0] : undefined);
    if (!categoryId) bad(rowNo, 'category', named && named.length > 1 ? 'ambiguous_category' : 'unknown_category', catText);
    const title = txt('title');
    if (title.length < 2 || title.length > 100) bad(rowNo, 'title', title.length < 2 ? 'too_short' : 'too_long', title);
    const content = txt('content');
    if (content.length < 2 || content.length > 4000) bad(rowNo, 'content', content.length < 2 ? 'too_short' : 'too_long');
    let phone: string | null = null;
    const phoneText = txt('phone');
    if (phoneText) {
      const n = normalizePhone(phoneText);
      if (n.ok) phone = n.phone.national; else bad(rowNo, 'phone', 'bad_phone', phoneText);
    }
    const districtText = txt('district');
    const districtCode = districtText ? ref.districtByName.get(districtText) ?? null : null;
    if (districtText && !districtCode) bad(rowNo, 'district', 'unknown_district', districtText);
    const statusText = txt('status');
    const status: TicketState | null = statusText ? STATUS[statusText] ?? null : 'closed';
    if (!status) bad(rowNo, 'status', 'unknown_status', statusText);
    const number = txt('number') || null;
    if (number) {
      if (!/^[A-Za-z0-9-]{4,32}$/.test(number)) bad(rowNo, 'number', 'bad_number', number);
      else if (taken.has(number) || seenNumbers.has(number)) bad(rowNo, 'number', 'duplicate_number', number);
      seenNumbers.add(number);
    }
    if (createdAt && appealType && categoryId && status) {
      rows.push({ number, createdAt, phone, callerName: txt('callerName') || null, appealType, categoryId, title, content, districtCode, address: txt('address') || null, status });
    }
  }

  /** Staging writes: one short transaction per chunk; a cancel between chunks stops here. */
  private async stage(batchId: string, rows: Row[], job: JobContext): Promise<StagedRow[]> {
    const stagedAt = this.now().toISOString();
    const phones = new Set<string>();
    let gen = 0;
    const staged: StagedRow[] = rows.map((r, i) => {
      const firstOfPhone = r.phone !== null && !phones.has(r.phone);
      if (r.phone) phones.add(r.phone);
      return {
        batch_id: batchId, seq: i + 1, staged_at: stagedAt, ticket_id: uuidv7(Date.parse(r.createdAt)), event_id: uuidv7(),
        number: r.number, gen_seq: r.number ? null : ++gen, new_citizen_id: firstOfPhone ? uuidv7() : null,
        created_at: r.createdAt, appeal_type: r.appealType, status: r.status, phone: r.phone, caller_name: r.callerName, category_id: r.categoryId,
        title: r.title, content: r.content, district_code: r.districtCode, address: r.address,
        closed_at: ['closed', 'resolved_directly'].includes(r.status) ? r.createdAt : null,
      };
    });
    for (let i = 0; i < staged.length; i += STAGE_CHUNK) {
      job.progress('writing', i, rows.length);
      // A cancel throws here; the caller deletes what was staged.
      await job.checkpoint();
      const part = staged.slice(i, i + STAGE_CHUNK);
      await inTransaction(this.db, (trx) => insertStagedRows(trx, part));
    }
    return staged;
  }

  /**
   * Moves a staged batch into tickets, citizens and the timeline in one transaction of a few
   * set-based statements (no per-row round trips), taking the batch's numbers from the counters.
   */
  private async publish(batchId: string, rows: Row[], actorId: string): Promise<void> {
    const at = this.now().toISOString();
    const series = `IM${chinaDateCompact(this.now())}`;
    const generated = rows.filter((r) => !r.number).length;
    // Numbers in today's intake format (JC + date + 5 digits) raise that day's counter past them.
    const raise = new Map<string, number>();
    for (const r of rows) {
      const m = r.number ? /^(JC\d{8})(\d{5})$/.exec(r.number) : null;
      if (m) raise.set(m[1]!, Math.max(raise.get(m[1]!) ?? 0, Number(m[2])));
    }
    try {
      await inTransaction(this.db, async (trx) => {
        // Cleaned by another process's start meanwhile (see cleanStaleStaging): refuse rather than publish half.
        if ((await countStagedRows(trx, batchId)) !== rows.length) fail('conflict', { details: { reason: 'import_staging_lost' } });
        const base = generated > 0 ? (await nextNumbers(trx, series, generated, maxNumberSeed('tickets', series, 6))) - 1 : 0;
        await publishStagedCitizens(trx, batchId);
        await publishStagedTickets(trx, batchId, { series, base, at });
        await appendImportedEvents(trx, batchId, actorId);
        for (const [s, n] of raise) await raiseCounter(trx, s, n);
        await writeAudit(trx, { actorId, action: 'tickets.imported', subjectType: 'tickets', subjectId: batchId, data: { rows: rows.length } });
      });
    } catch (e) {
      // Another writer took one of the sheet's numbers after it was checked.
      if (isUniqueViolation(e)) fail('conflict', { details: { reason: 'import_number_taken' } });
      throw e;
    }
  }

  private async dropStaging(batchId: string): Promise<void> {
    for (;;) {
      if ((await deleteStagedRows(this.db, batchId, STAGE_CHUNK * 4)) === 0) return;
    }
  }

  /**
   * Indexes the published tickets for search, a chunk per transaction. The import is committed by
   * now, so a cancel or a shutdown only stops early: the start-up check indexes whatever is missing.
   */
  private async indexImported(staged: StagedRow[], job: JobContext): Promise<void> {
    for (let i = 0; i < staged.length; i += INDEX_CHUNK) {
      job.progress('indexing', i, staged.length);
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (job.signal.aborted) return;
      const part = staged.slice(i, i + INDEX_CHUNK);
      await inTransaction(this.db, async (trx) => {
        // As published (numbers are given at publish): search finds them by number, caller and address too.
        const published = await indexableTickets(trx, part.map((t) => t.ticket_id));
        for (const t of published) await indexTicket(trx, t, this.opts.dialect ? { dialect: this.opts.dialect } : {});
      });
    }
    job.progress('indexing', staged.length, staged.length);
  }
}

type Row = { number: string | null; createdAt: string; phone: string | null; callerName: string | null; appealType: AppealType; categoryId: string; title: string; content: string; districtCode: string | null; address: string | null; status: TicketState };
