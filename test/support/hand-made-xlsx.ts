import { constants as zlibConstants, crc32, deflateRawSync } from 'node:zlib';

/** Workbooks made by hand for the import's refusal tests (unit and end to end). */

/** A raw-deflate piece ending on a full flush: pieces compressed apart can be concatenated. */
export const piece = (xml: string) => deflateRawSync(Buffer.from(xml), { finishFlush: zlibConstants.Z_FULL_FLUSH });
export const SHEET_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
export const SHEET_TAIL = '</sheetData></worksheet>';
/** A sheet part from its XML (deflated, true size). */
export const sheetXml = (rowsXml: string) => { const xml = `${SHEET_HEAD}${rowsXml}${SHEET_TAIL}`; return { deflated: deflateRawSync(Buffer.from(xml)), size: Buffer.byteLength(xml) }; };
export const inline = (ref: string, v: string) => `<c r="${ref}" t="inlineStr"><is><t>${v}</t></is></c>`;
/** Row 1 with every header `mapping` names, so the import reads on past it. */
export const HEADER_ROW = `<row r="1">${['编号', '来电时间', '类型', '分类', '标题', '内容', '电话', '区县', '状态'].map((h, i) => inline(`${String.fromCharCode(65 + i)}1`, h)).join('')}</row>`;

/**
 * A minimal .xlsx written by hand, so a test can make what Excel never would: a sheet that unpacks
 * to gigabytes, a central directory that lies about sizes. `sheet` is the deflated sheet XML and
 * its true size; `declare` overrides the size written in the directory.
 */
export function handMadeXlsx(sheet: { deflated: Buffer; size: number; declare?: number }, opts: { parts?: Record<string, string>; workbookPr?: string; stored?: boolean } = {}): Buffer {
  const plain = (name: string, xml: string) => {
    const raw = Buffer.from(xml);
    return { name, data: opts.stored ? raw : deflateRawSync(raw), size: raw.length, crc: crc32(raw), method: opts.stored ? 0 : 8 };
  };
  const parts = [
    plain('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
    plain('xl/workbook.xml', `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">${opts.workbookPr ?? ''}<sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>`),
    plain('xl/_rels/workbook.xml.rels', '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
    // The CRC of gigabytes is not worth computing: nothing checks it before the sizes.
    { name: 'xl/worksheets/sheet1.xml', data: sheet.deflated, size: sheet.declare ?? sheet.size, crc: 0, method: 8 },
    ...Object.entries(opts.parts ?? {}).map(([name, xml]) => plain(name, xml)),
  ];
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name);
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0); h.writeUInt16LE(20, 4); h.writeUInt16LE(p.method, 8);
    h.writeUInt32LE(p.crc >>> 0, 14); h.writeUInt32LE(p.data.length, 18); h.writeUInt32LE(p.size, 22); h.writeUInt16LE(name.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0); c.writeUInt16LE(20, 4); c.writeUInt16LE(20, 6); c.writeUInt16LE(p.method, 10);
    c.writeUInt32LE(p.crc >>> 0, 16); c.writeUInt32LE(p.data.length, 20); c.writeUInt32LE(p.size, 24); c.writeUInt16LE(name.length, 28); c.writeUInt32LE(offset, 42);
    locals.push(h, name, p.data);
    central.push(c, name);
    offset += 30 + name.length + p.data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(parts.length, 8); end.writeUInt16LE(parts.length, 10); end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** A sheet XML of `repeat` MB of identical rows after a header row, deflated in a few milliseconds. */
export function bombSheet(repeat: number): { deflated: Buffer; size: number } {
  const row = `<row>${inline('A1', '楼道灯坏了楼道灯坏了楼道灯坏了')}</row>`.replace(' r="A1"', '');
  const block = row.repeat(Math.floor((1 << 20) / Buffer.byteLength(row)));
  const head = `${SHEET_HEAD}<row r="1">${inline('A1', '编号')}</row>`;
  const tail = SHEET_TAIL;
  const body = piece(block);
  const deflated = Buffer.concat([piece(head), ...Array.from({ length: repeat }, () => body), deflateRawSync(Buffer.from(tail))]);
  return { deflated, size: Buffer.byteLength(head) + repeat * Buffer.byteLength(block) + tail.length };
}
