import {
  AlignmentType, BorderStyle, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType,
} from 'docx';
import { fail, type ConsultationDetail } from '../../shared/contract';

/** Section headings of a 社情民意信息 report, in order; the test reads them back from the file. */
export const REPORT_HEADINGS = {
  problem: '一、反映的问题',
  causes: '二、原因分析',
  suggestions: '三、意见建议',
  figures: '四、相关数据',
  measures: '五、落实措施',
} as const;

const FONT = { ascii: 'SimSun', eastAsia: '宋体', hAnsi: 'SimSun' };
const TITLE_FONT = { ascii: 'SimHei', eastAsia: '方正小标宋简体', hAnsi: 'SimHei' };

const body = (text: string) => text.split(/\r?\n/).filter((l) => l.trim()).map((line) => new Paragraph({
  children: [new TextRun({ text: line, font: FONT, size: 28 })], indent: { firstLine: 560 }, spacing: { line: 500 },
}));
const heading = (text: string) => new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun({ text, font: { ascii: 'SimHei', eastAsia: '黑体', hAnsi: 'SimHei' }, size: 30, bold: true })], spacing: { before: 240, after: 120 } });

const cell = (text: string, bold = false) => new TableCell({
  width: { size: 50, type: WidthType.PERCENTAGE },
  children: [new Paragraph({ children: [new TextRun({ text, bold, font: FONT, size: 24 })] })],
});

function table(rows: string[][]): Table {
  const border = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border },
    rows: rows.map((r, i) => new TableRow({ children: r.map((c) => cell(c, i === 0)) })),
  });
}

const STAGE_CN: Record<string, string> = { planned: '未开始', in_progress: '推进中', done: '已完成', dropped: '已取消' };

/**
 * The 社情民意信息 report of an item as a Word document: title, source line, the three classic
 * sections (problem, causes, suggestions), the figures as a table, the measures with their
 * deadlines, and the leader's instruction when one was recorded.
 */
export async function buildReportDocx(item: ConsultationDetail, issuedOn: string): Promise<Buffer> {
  const r = item.report ?? fail('conflict', { details: { reason: 'consultation_no_report' } });
  const children: (Paragraph | Table)[] = [
    new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: '社情民意信息', font: TITLE_FONT, size: 44, bold: true, color: 'C00000' })] }),
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 240 }, children: [new TextRun({ text: `编号：${item.number}\u3000\u3000${issuedOn}`, font: FONT, size: 24 })] }),
    new Paragraph({ heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER, spacing: { after: 240 },
      children: [new TextRun({ text: r.title, font: TITLE_FONT, size: 36, bold: true })] }),
    new Paragraph({ children: [new TextRun({ text: `来源：12345 热线（${item.tickets.map((t) => t.number).join('、')}）\u3000领域：${item.domain}`, font: FONT, size: 24, color: '555555' })] }),
    heading(REPORT_HEADINGS.problem), ...body(r.problem),
  ];
  if (r.causes.trim()) children.push(heading(REPORT_HEADINGS.causes), ...body(r.causes));
  children.push(heading(REPORT_HEADINGS.suggestions), ...body(r.suggestions));
  if (r.figures.length > 0) children.push(heading(REPORT_HEADINGS.figures), table([['项目', '数据'], ...r.figures.map((f) => [f.label, f.value])]));
  if (item.measures.length > 0) {
    children.push(heading(REPORT_HEADINGS.measures), table([
      ['措施', '责任单位', '时间节点', '状态'],
      ...item.measures.map((m) => [m.content, m.ownerDepartment, m.deadline, STAGE_CN[m.status] ?? m.status]),
    ]));
  }
  if (item.instruction) {
    children.push(new Paragraph({ spacing: { before: 240 }, children: [new TextRun({ text: `领导批示（${item.instruction.leader}，${item.instruction.date}）：${item.instruction.text}`, font: FONT, size: 28, bold: true })] }));
  }
  const doc = new Document({
    creator: '12345 热线坐席台', title: r.title, description: '社情民意信息',
    sections: [{ properties: { page: { margin: { top: 1440, bottom: 1440, left: 1588, right: 1474 } } }, children }],
  });
  return Packer.toBuffer(doc);
}
