import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { DEFAULT_SHEET_LIMITS, readFirstSheet, SheetRefused, type SheetRow } from '../../electron/jobs/xlsx-stream';
import { handMadeXlsx, inline, sheetXml } from '../support/hand-made-xlsx';

/** The sheet as { "A1": value } for easy comparison. */
async function cells(file: Buffer, limits = DEFAULT_SHEET_LIMITS): Promise<Record<string, unknown>> {
  const rows: SheetRow[] = [];
  await readFirstSheet(file, limits, (batch) => rows.push(...batch));
  const out: Record<string, unknown> = {};
  for (const r of rows) r.c.forEach((c, i) => { out[`${String.fromCharCode(64 + c)}${r.r}`] = r.v[i]; });
  return out;
}

const SST = (items: string[]) => `<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${items.length}" uniqueCount="${items.length}">${items.join('')}</sst>`;
const STYLES = '<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/><numFmt numFmtId="165" formatCode="&quot;第&quot;0&quot;号&quot;"/></numFmts>'
  + '<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs><cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="22"/></cellXfs></styleSheet>';

describe('reading a sheet as a stream', () => {
  it('reads what Excel and WPS write: shared strings (rich text, without phonetic guides), entities, CDATA, dates by style, booleans, formulas', async () => {
    const sst = SST([
      '<si><t>楼道灯&amp;路灯</t></si>',
      '<si><r><rPr><b/></rPr><t>重要</t></r><r><t xml:space="preserve"> 投诉</t></r><rPh sb="0" eb="2"><t>ジュウヨウ</t></rPh></si>',
      '<si><t><![CDATA[<不是标签>]]></t></si>',
    ]);
    const rows = `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>`
      + `<row r="2"><c r="A2" s="1"><v>45415.5</v></c><c r="B2" s="2"><v>45415</v></c><c r="C2" s="3"><v>7</v></c><c r="D2" t="b"><v>1</v></c><c r="E2" t="e"><v>#N/A</v></c></row>`
      + `<row r="3"><c r="A3" t="str"><f>A1&amp;"x"</f><v>计算&#x7ED3;果</v></c>${inline('B3', '&lt;b&gt;')}<c r="C3" s="4"><v>45415.25</v></c></row>`;
    const file = handMadeXlsx(sheetXml(rows), { parts: { 'xl/sharedStrings.xml': sst, 'xl/styles.xml': STYLES } });
    expect(await cells(file)).toEqual({
      A1: '楼道灯&路灯', B1: '重要 投诉', C1: '<不是标签>',
      A2: new Date('2024-05-03T12:00:00.000Z'), B2: new Date('2024-05-03T00:00:00.000Z'), C2: 7, D2: true,
      A3: '计算结果', B3: '<b>', C3: new Date('2024-05-03T06:00:00.000Z'),
    });
  });

  it('reads dates of a workbook on the 1904 calendar, and parts stored without compression', async () => {
    const rows = `<row r="1"><c r="A1" s="1"><v>43953</v></c></row>`;
    const file = handMadeXlsx(sheetXml(rows), { parts: { 'xl/styles.xml': STYLES }, workbookPr: '<workbookPr date1904="1"/>', stored: true });
    expect(await cells(file)).toEqual({ A1: new Date('2024-05-03T00:00:00.000Z') });
  });

  it('keeps long texts whole across the inflater\'s chunks, entities and multi-byte characters included', async () => {
    const long = '路灯&amp;'.repeat(40_000); // ~400 KB: split by many 64 KB chunks, somewhere inside "&amp;" and inside a character
    const file = handMadeXlsx(sheetXml(`<row r="1">${inline('A1', long)}</row><row r="2">${inline('A2', '完')}</row>`));
    expect(await cells(file)).toEqual({ A1: '路灯&'.repeat(40_000), A2: '完' });
  });

  it('reads a workbook written by ExcelJS the same as ExcelJS reads it back', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('台账');
    ws.addRow(['编号', '时间', '金额', '备注']);
    ws.addRow(['OLD-1', new Date('2024-06-01T02:00:00Z'), 12.5, { richText: [{ text: '加急' }, { text: '处理', font: { bold: true } }] }]);
    ws.addRow([]);
    ws.addRow(['OLD-2', '2024-05-03 09:15', null, '']);
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    expect(await cells(file)).toEqual({
      A1: '编号', B1: '时间', C1: '金额', D1: '备注',
      A2: 'OLD-1', B2: new Date('2024-06-01T02:00:00Z'), C2: 12.5, D2: '加急处理',
      A4: 'OLD-2', B4: '2024-05-03 09:15',
    });
  });

  it('refuses what is not a spreadsheet, or is one with nothing in it', async () => {
    const refusal = (file: Buffer) => readFirstSheet(file, DEFAULT_SHEET_LIMITS, () => undefined).then(() => null, (e: unknown) => (e instanceof SheetRefused ? e.reason : String(e)));
    expect(await refusal(Buffer.from('PK\x03\x04 but nothing else of a zip', 'latin1'))).toBe('not_xlsx');
    expect(await refusal(Buffer.from('not a zip at all'))).toBe('not_xlsx');
    expect(await refusal(handMadeXlsx(sheetXml('')))).toBe('empty_sheet');
    // The directory sends the sheet's reader past the end of the file.
    const file = handMadeXlsx(sheetXml(`<row r="1">${inline('A1', '标题')}</row>`));
    const entry = file.lastIndexOf(Buffer.from('xl/worksheets/sheet1.xml')) - 46;
    expect(file.readUInt32LE(entry)).toBe(0x02014b50);
    file.writeUInt32LE(file.length + 1000, entry + 42);
    expect(await refusal(file)).toBe('xlsx_damaged');
  });
});
