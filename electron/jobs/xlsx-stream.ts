import { createInflateRaw } from 'node:zlib';

/**
 * Reads the first worksheet of an .xlsx file as a stream of rows, within limits, without trusting
 * anything the file says about itself: the zip central directory's sizes are checked first (a
 * cheap refusal), and the bytes actually inflated are counted as they come out of zlib, so a
 * directory that under-declares (a "lying" bomb) is stopped at the limit, never after it.
 * Nothing is held but the shared-strings table and the current row; the XML is scanned
 * incrementally. Pure Node (zlib), no workbook library: it runs inside the import worker
 * (xlsx-worker.ts) and in tests.
 */

export type Cell = string | number | boolean | Date | null;
/** One sheet row: 1-based row number, 1-based column numbers and their values (empty cells left out). */
export interface SheetRow {
  r: number;
  c: number[];
  v: Cell[];
}

export interface SheetLimits {
  /** Bytes inflated from the zip, all parts read together (sheet, shared strings, styles, workbook). */
  maxUnpackedBytes: number;
  /** Rows with at least one cell, the header row included. */
  maxRows: number;
  /** Non-empty cells over the whole sheet. */
  maxCells: number;
  /** Highest column number a cell may have. */
  maxColumns: number;
}

export const DEFAULT_SHEET_LIMITS: SheetLimits = {
  // A 100,000-row ledger of long Chinese appeals unpacks to about 120 MB of XML.
  maxUnpackedBytes: 200 * 1024 * 1024,
  maxRows: 100_001,
  maxCells: 3_000_000,
  maxColumns: 200,
};

export type SheetRefusal = 'not_xlsx' | 'xlsx_damaged' | 'xlsx_too_large' | 'xlsx_too_many_rows' | 'xlsx_too_many_cells' | 'xlsx_too_many_columns' | 'empty_sheet';

/** The file is refused; `reason` is a stable code the UI turns into a sentence. */
export class SheetRefused extends Error {
  constructor(readonly reason: SheetRefusal, readonly details: Record<string, number> = {}) {
    super(`sheet refused: ${reason}`);
    this.name = 'SheetRefused';
  }
}

// ---------- zip ----------

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  declaredSize: number;
  localOffset: number;
}

const MAX_ENTRIES = 10_000;

function centralDirectory(buf: Buffer): Map<string, ZipEntry> {
  if (buf.length < 22 || buf.readUInt32LE(0) !== 0x04034b50) throw new SheetRefused('not_xlsx');
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65_535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new SheetRefused('not_xlsx');
  const count = buf.readUInt16LE(eocd + 10);
  const size = buf.readUInt32LE(eocd + 12);
  const offset = buf.readUInt32LE(eocd + 16);
  // 0xFFFF / 0xFFFFFFFF mean ZIP64: no spreadsheet within our size limit needs it.
  if (count === 0xffff || offset === 0xffffffff || offset + size > eocd) throw new SheetRefused('xlsx_damaged');
  if (count > MAX_ENTRIES) throw new SheetRefused('xlsx_damaged');
  const entries = new Map<string, ZipEntry>();
  let p = offset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > eocd || buf.readUInt32LE(p) !== 0x02014b50) throw new SheetRefused('xlsx_damaged');
    const nameLen = buf.readUInt16LE(p + 28);
    const entry: ZipEntry = {
      method: buf.readUInt16LE(p + 10),
      compressedSize: buf.readUInt32LE(p + 20),
      declaredSize: buf.readUInt32LE(p + 24),
      localOffset: buf.readUInt32LE(p + 42),
      name: buf.toString('utf8', p + 46, p + 46 + nameLen),
    };
    entries.set(entry.name.replace(/^\/+/, ''), entry);
    p += 46 + nameLen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return entries;
}

/** Counts inflated bytes across every part read from one file. */
class Budget {
  used = 0;
  constructor(readonly limit: number) {}
  take(n: number): void {
    this.used += n;
    if (this.used > this.limit) throw new SheetRefused('xlsx_too_large', { limitMb: Math.round(this.limit / 1048576) });
  }
}

/** Inflates one entry, handing decoded text to `sink` chunk by chunk; stops at the budget. */
async function readEntry(buf: Buffer, e: ZipEntry, budget: Budget, sink: (text: string) => void, onBytes?: (n: number) => void): Promise<void> {
  const lh = e.localOffset;
  if (lh + 30 > buf.length || buf.readUInt32LE(lh) !== 0x04034b50) throw new SheetRefused('xlsx_damaged');
  const start = lh + 30 + buf.readUInt16LE(lh + 26) + buf.readUInt16LE(lh + 28);
  if (start + e.compressedSize > buf.length) throw new SheetRefused('xlsx_damaged');
  const data = buf.subarray(start, start + e.compressedSize);
  const decoder = new TextDecoder('utf-8');
  let out = 0;
  const take = (chunk: Buffer) => {
    out += chunk.length;
    budget.take(chunk.length);
    // More than the directory declared: the file lies about itself; refuse it as damaged.
    if (out > e.declaredSize) throw new SheetRefused('xlsx_damaged');
    sink(decoder.decode(chunk, { stream: true }));
    onBytes?.(out);
  };
  if (e.method === 0) {
    take(data);
  } else if (e.method === 8) {
    await new Promise<void>((resolve, reject) => {
      const inflate = createInflateRaw({ chunkSize: 64 * 1024 });
      let failed = false;
      inflate.on('data', (chunk: Buffer) => {
        if (failed) return;
        try {
          take(chunk);
        } catch (err) {
          failed = true;
          inflate.destroy();
          reject(err);
        }
      });
      inflate.on('error', () => { if (!failed) { failed = true; reject(new SheetRefused('xlsx_damaged')); } });
      inflate.on('end', () => { if (!failed) resolve(); });
      inflate.end(data);
    });
  } else {
    throw new SheetRefused('xlsx_damaged');
  }
  sink(decoder.decode());
}

// ---------- XML ----------

type Attrs = Record<string, string>;
interface XmlHandler {
  open(name: string, attrs: Attrs, selfClosing: boolean): void;
  close(name: string): void;
  text(text: string): void;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
function unescapeXml(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
    return ENTITIES[e] ?? m;
  });
}

/** Longest tag or text run kept while waiting for its end; a longer one is not a spreadsheet. */
const MAX_TOKEN = 8 * 1024 * 1024;
const ATTR = /([^\s=/]+)\s*=\s*("([^"]*)"|'([^']*)')/g;

/**
 * An incremental scanner for the XML that spreadsheets are made of: elements, attributes, text,
 * CDATA; comments, processing instructions and DOCTYPEs are skipped (no entity definitions are
 * ever expanded). Namespace prefixes are dropped from names.
 */
class XmlScanner {
  private buf = '';
  constructor(private readonly h: XmlHandler) {}

  write(chunk: string): void {
    this.buf += chunk;
    let i = 0;
    const s = this.buf;
    for (;;) {
      const lt = s.indexOf('<', i);
      if (lt < 0) {
        // Hold back an entity cut in two by the chunk boundary ("&am" + "p;").
        const amp = s.lastIndexOf('&');
        const cut = amp >= i && s.indexOf(';', amp) < 0 ? amp : s.length;
        if (cut > i) { this.h.text(unescapeXml(s.slice(i, cut))); i = cut; }
        break;
      }
      if (lt > i) this.h.text(unescapeXml(s.slice(i, lt)));
      i = lt;
      const end = this.tagEnd(s, lt);
      if (end < 0) break;
      this.tag(s, lt, end);
      i = end + 1;
    }
    this.buf = s.slice(i);
    if (this.buf.length > MAX_TOKEN) throw new SheetRefused('xlsx_damaged');
  }

  /** Index of the '>' closing the markup at `lt`, or -1 when it has not arrived yet. */
  private tagEnd(s: string, lt: number): number {
    if (s.startsWith('<!--', lt)) { const e = s.indexOf('-->', lt + 4); return e < 0 ? -1 : e + 2; }
    if (s.startsWith('<![CDATA[', lt)) { const e = s.indexOf(']]>', lt + 9); return e < 0 ? -1 : e + 2; }
    if (s.startsWith('<?', lt)) { const e = s.indexOf('?>', lt + 2); return e < 0 ? -1 : e + 1; }
    // Too short to tell a comment or CDATA from an element yet.
    if (s[lt + 1] === '!' && s.length - lt < 9) return -1;
    let q = '';
    for (let j = lt + 1; j < s.length; j++) {
      const ch = s[j];
      if (q) { if (ch === q) q = ''; } else if (ch === '"' || ch === "'") q = ch; else if (ch === '>') return j;
    }
    return -1;
  }

  private tag(s: string, lt: number, end: number): void {
    const c1 = s[lt + 1];
    if (c1 === '?') return;
    if (c1 === '!') {
      if (s.startsWith('<![CDATA[', lt)) this.h.text(s.slice(lt + 9, end - 2));
      return;
    }
    if (c1 === '/') { this.h.close(localName(s.slice(lt + 2, end).trim())); return; }
    const selfClosing = s[end - 1] === '/';
    const body = s.slice(lt + 1, selfClosing ? end - 1 : end);
    const sp = body.search(/\s/);
    const name = localName(sp < 0 ? body : body.slice(0, sp));
    const attrs: Attrs = {};
    if (sp >= 0) {
      ATTR.lastIndex = sp;
      for (let m = ATTR.exec(body); m; m = ATTR.exec(body)) attrs[localName(m[1]!)] = unescapeXml(m[3] ?? m[4] ?? '');
    }
    this.h.open(name, attrs, selfClosing);
    if (selfClosing) this.h.close(name);
  }
}

function localName(n: string): string {
  const c = n.indexOf(':');
  return c < 0 ? n : n.slice(c + 1);
}

async function scanEntry(buf: Buffer, e: ZipEntry, budget: Budget, h: XmlHandler, onBytes?: (n: number) => void): Promise<void> {
  const scanner = new XmlScanner(h);
  await readEntry(buf, e, budget, (t) => scanner.write(t), onBytes);
}

// ---------- workbook parts ----------

const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

function isDateFormat(code: string): boolean {
  const bare = code.replace(/"[^"]*"/g, '').replace(/\\./g, '').replace(/\[[^\]]*\]/g, '').replace(/_.|\*./g, '');
  return /[ymdhs]/i.test(bare) && !/^general$/i.test(bare.trim());
}

/** For each cell style index, whether it shows a date (numbers in such cells are Excel serial dates). */
async function dateStyles(buf: Buffer, e: ZipEntry | undefined, budget: Budget): Promise<boolean[]> {
  if (!e) return [];
  const custom = new Map<number, boolean>();
  const styles: boolean[] = [];
  let inCellXfs = false;
  await scanEntry(buf, e, budget, {
    open(name, a) {
      if (name === 'numFmt' && a.numFmtId) custom.set(Number(a.numFmtId), isDateFormat(a.formatCode ?? ''));
      else if (name === 'cellXfs') inCellXfs = true;
      else if (name === 'xf' && inCellXfs) {
        const id = Number(a.numFmtId ?? 0);
        styles.push(custom.get(id) ?? BUILTIN_DATE_FORMATS.has(id));
      }
    },
    close(name) { if (name === 'cellXfs') inCellXfs = false; },
    text() {},
  });
  return styles;
}

async function sharedStrings(buf: Buffer, e: ZipEntry | undefined, budget: Budget, limits: SheetLimits): Promise<string[]> {
  if (!e) return [];
  const out: string[] = [];
  let cur: string[] | null = null;
  let inT = false;
  let inPhonetic = false;
  await scanEntry(buf, e, budget, {
    open(name) {
      if (name === 'si') cur = [];
      else if (name === 'rPh') inPhonetic = true;
      else if (name === 't' && !inPhonetic) inT = true;
    },
    close(name) {
      if (name === 'si' && cur) {
        if (out.length >= limits.maxCells) throw new SheetRefused('xlsx_too_many_cells', { limit: limits.maxCells });
        out.push(cur.join(''));
        cur = null;
      } else if (name === 'rPh') inPhonetic = false;
      else if (name === 't') inT = false;
    },
    text(t) { if (inT && cur) cur.push(t); },
  });
  return out;
}

/** Path of the first worksheet, from workbook.xml and its relationships. */
async function firstSheet(buf: Buffer, entries: Map<string, ZipEntry>, budget: Budget): Promise<{ path: string; date1904: boolean }> {
  const wb = entries.get('xl/workbook.xml');
  if (!wb) throw new SheetRefused('not_xlsx');
  let rid: string | null = null;
  let date1904 = false;
  await scanEntry(buf, wb, budget, {
    open(name, a) {
      if (name === 'sheet' && rid === null) rid = a.id ?? '';
      else if (name === 'workbookPr') date1904 = a.date1904 === '1' || a.date1904 === 'true';
    },
    close() {}, text() {},
  });
  if (rid === null) throw new SheetRefused('empty_sheet');
  let target: string | null = null;
  const rels = entries.get('xl/_rels/workbook.xml.rels');
  if (rels) {
    await scanEntry(buf, rels, budget, {
      open(name, a) { if (name === 'Relationship' && a.Id === rid && a.Target) target = a.Target; },
      close() {}, text() {},
    });
  }
  const path = target === null ? 'xl/worksheets/sheet1.xml' : (target as string).startsWith('/') ? (target as string).slice(1) : `xl/${target as string}`;
  return { path: path.replace(/\/\.\//g, '/'), date1904 };
}

function columnOf(ref: string): number {
  let n = 0;
  for (let i = 0; i < ref.length; i++) {
    const code = ref.charCodeAt(i);
    if (code < 65 || code > 90) break;
    n = n * 26 + (code - 64);
  }
  return n;
}

/** Excel serial day number → instant (the 1900 system counts a fictitious 29 Feb 1900). */
function serialDate(serial: number, date1904: boolean): Date | null {
  const days = date1904 ? serial + 1462 : serial;
  const ms = Math.round((days - 25569) * 86_400_000);
  return Number.isFinite(ms) ? new Date(ms) : null;
}

/** Sheet bytes between two progress reports. */
const PROGRESS_BYTES = 1 << 20;

/**
 * Streams the first worksheet's rows to `onRows` in batches of `batchSize`. Throws SheetRefused
 * for anything not a spreadsheet or over `limits`. `onProgress` gets the sheet bytes scanned so far
 * and the size the directory declares (trusted for display only), about once per megabyte.
 */
export async function readFirstSheet(buf: Buffer, limits: SheetLimits, onRows: (rows: SheetRow[]) => void, onProgress?: (bytes: number, total: number) => void, batchSize = 500): Promise<{ rows: number; cells: number; unpackedBytes: number }> {
  const entries = centralDirectory(buf);
  const budget = new Budget(limits.maxUnpackedBytes);
  const sheet = await firstSheet(buf, entries, budget);
  const sheetEntry = entries.get(sheet.path);
  if (!sheetEntry) throw new SheetRefused('empty_sheet');
  const stringsEntry = entries.get('xl/sharedStrings.xml');
  const stylesEntry = entries.get('xl/styles.xml');
  // The directory's own word first: a file that declares too much is refused before any inflating.
  const declared = [sheetEntry, stringsEntry, stylesEntry].reduce((s, e) => s + (e?.declaredSize ?? 0), budget.used);
  if (declared > limits.maxUnpackedBytes) throw new SheetRefused('xlsx_too_large', { limitMb: Math.round(limits.maxUnpackedBytes / 1048576) });
  const dates = await dateStyles(buf, stylesEntry, budget);
  const strings = await sharedStrings(buf, stringsEntry, budget, limits);

  let rows = 0;
  let cells = 0;
  let batch: SheetRow[] = [];
  let row: SheetRow | null = null;
  let lastRow = 0;
  let col = 0;
  let cell: { t: string; s: number; parts: string[] | null; inline: string[] | null } | null = null;
  let inV = false;
  let inT = false;
  let inPhonetic = false;
  let reported = 0;
  const progress = (bytes: number) => {
    if (bytes - reported < PROGRESS_BYTES) return;
    reported = bytes;
    onProgress?.(bytes, sheetEntry.declaredSize);
  };
  await scanEntry(buf, sheetEntry, budget, {
    open(name, a) {
      if (name === 'row') {
        lastRow = a.r ? Number(a.r) : lastRow + 1;
        if (!Number.isInteger(lastRow) || lastRow < 1) throw new SheetRefused('xlsx_damaged');
        row = { r: lastRow, c: [], v: [] };
        col = 0;
      } else if (name === 'c' && row) {
        col = a.r ? columnOf(a.r) : col + 1;
        if (col < 1) throw new SheetRefused('xlsx_damaged');
        cell = { t: a.t ?? 'n', s: Number(a.s ?? 0), parts: null, inline: null };
      } else if (cell) {
        if (name === 'v') { inV = true; cell.parts = []; }
        else if (name === 'is') cell.inline = [];
        else if (name === 'rPh') inPhonetic = true;
        else if (name === 't' && !inPhonetic) inT = true;
      }
    },
    close(name) {
      if (name === 'v') inV = false;
      else if (name === 't') inT = false;
      else if (name === 'rPh') inPhonetic = false;
      else if (name === 'c' && cell && row) {
        const value = cellValue(cell, strings, dates, sheet.date1904);
        cell = null;
        if (value === null || value === '') return;
        if (col > limits.maxColumns) throw new SheetRefused('xlsx_too_many_columns', { limit: limits.maxColumns });
        if (++cells > limits.maxCells) throw new SheetRefused('xlsx_too_many_cells', { limit: limits.maxCells });
        row.c.push(col);
        row.v.push(value);
      } else if (name === 'row' && row) {
        const done = row;
        row = null;
        if (done.c.length === 0) return;
        if (++rows > limits.maxRows) throw new SheetRefused('xlsx_too_many_rows', { limit: limits.maxRows - 1 });
        batch.push(done);
        if (batch.length >= batchSize) { onRows(batch); batch = []; }
      }
    },
    text(t) {
      if (!cell) return;
      if (inV && cell.parts) cell.parts.push(t);
      else if (inT && cell.inline) cell.inline.push(t);
    },
  }, progress);
  if (batch.length) onRows(batch);
  if (rows === 0) throw new SheetRefused('empty_sheet');
  return { rows, cells, unpackedBytes: budget.used };
}

function cellValue(cell: { t: string; s: number; parts: string[] | null; inline: string[] | null }, strings: string[], dates: boolean[], date1904: boolean): Cell {
  const raw = cell.parts?.join('') ?? null;
  switch (cell.t) {
    case 's': {
      const i = raw === null ? NaN : Number(raw);
      return Number.isInteger(i) && i >= 0 && i < strings.length ? strings[i]! : null;
    }
    case 'inlineStr': return cell.inline?.join('') ?? raw;
    case 'str': return raw;
    case 'b': return raw === '1' || raw === 'true';
    case 'e': return null;
    default: {
      if (raw === null || raw.trim() === '') return null;
      const n = Number(raw);
      if (!Number.isFinite(n)) return raw;
      return dates[cell.s] ? serialDate(n, date1904) : n;
    }
  }
}
