import {
  AlignmentType, BorderStyle, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType,
} from 'docx';
import type { AnalysisVolume, MonthlyAnalysis, ThreeRates } from '../../shared/contract';
import { change } from '../../shared/domain/monthly-analysis';

/**
 * The monthly analysis (每月分析研判) as a Word document, built the way the 社情民意信息 report is
 * (services/consultation-report.ts, the `docx` package): a title, the overview, then one table per
 * section. Figures with no baseline read “—” (无可比数据), never a made-up percentage.
 */
export const ANALYSIS_HEADINGS = {
  overview: '一、总体情况',
  domains: '二、分领域情况',
  districts: '三、分区县情况',
  issues: '四、突出问题',
  classCases: '五、类案办理',
  findings: '六、研判发现',
} as const;

const FONT = { ascii: 'SimSun', eastAsia: '宋体', hAnsi: 'SimSun' };
const TITLE_FONT = { ascii: 'SimHei', eastAsia: '方正小标宋简体', hAnsi: 'SimHei' };

const para = (text: string) => new Paragraph({ children: [new TextRun({ text, font: FONT, size: 28 })], indent: { firstLine: 560 }, spacing: { line: 500 } });
const heading = (text: string) => new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun({ text, font: { ascii: 'SimHei', eastAsia: '黑体', hAnsi: 'SimHei' }, size: 30, bold: true })], spacing: { before: 240, after: 120 } });

function table(rows: string[][]): Table {
  const border = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border },
    rows: rows.map((r, i) => new TableRow({ children: r.map((c) => new TableCell({ children: [new Paragraph({ children: [new TextRun({ text: c, bold: i === 0, font: FONT, size: 21 })] })] })) })),
  });
}

export const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
export const signedPct = (x: number | null): string => (x === null ? '—' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`);
const rates = (r: ThreeRates) => [pct(r.response), pct(r.resolution), pct(r.satisfaction)];

function volumeTable(rows: AnalysisVolume[], first: string): Table {
  return table([
    [first, '本月', '上月', '环比', '去年同月', '同比', '响应率', '解决率', '满意率'],
    ...rows.map((r) => [r.name, String(r.count), r.lastMonth === null ? '—' : String(r.lastMonth), signedPct(change(r.count, r.lastMonth)), r.lastYear === null ? '—' : String(r.lastYear),
      signedPct(change(r.count, r.lastYear)), ...rates(r.rates)]),
  ]);
}

export async function buildAnalysisDocx(a: MonthlyAnalysis): Promise<Buffer> {
  const [y, m] = a.month.split('-');
  const children: (Paragraph | Table)[] = [
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 240 }, children: [new TextRun({ text: `12345 热线${y}年${Number(m)}月分析研判`, font: TITLE_FONT, size: 40, bold: true })] }),
    heading(ANALYSIS_HEADINGS.overview),
  ];
  if (a.total === 0) {
    children.push(para(a.historyFrom === null || a.historyFrom >= a.generatedAt ? '本月无工单记录，暂无可分析数据。' : '本月未登记工单。'));
  } else {
    children.push(para(`本月共登记工单 ${a.total} 件，上月${a.lastMonth === null ? '无完整历史数据' : ` ${a.lastMonth} 件（环比 ${signedPct(change(a.total, a.lastMonth))}）`}，`
      + `去年同月 ${a.lastYear === null ? '无完整历史数据' : `${a.lastYear} 件（同比 ${signedPct(change(a.total, a.lastYear))}）`}。`));
    children.push(para(`本月登记工单的响应率 ${pct(a.rates.response)}、解决率 ${pct(a.rates.resolution)}、满意率 ${pct(a.rates.satisfaction)}（回访 ${a.returnVisits} 件）。`));
    children.push(heading(ANALYSIS_HEADINGS.domains), volumeTable(a.domains, '领域'));
    children.push(heading(ANALYSIS_HEADINGS.districts), volumeTable(a.districts, '区县'));
    children.push(heading(ANALYSIS_HEADINGS.issues), table([['问题类别', '所属领域', '本月', '上月'], ...a.topIssues.map((i) => [i.name, i.domain, String(i.count), i.lastMonth === null ? '—' : String(i.lastMonth)])]));
  }
  children.push(heading(ANALYSIS_HEADINGS.classCases));
  if (a.classCases.length === 0) children.push(para('本月无类案。'));
  else {
    children.push(table([['编号', '类案', '状态', '工单', '已办结', '进度'], ...a.classCases.map((c) => [
      c.caseNumber, c.caseTitle, c.state === 'open' ? '办理中' : '已办结', String(c.members), String(c.finished),
      c.counters.map((k) => `${k.label} ${k.value.toLocaleString('en-US')} / ${k.target.toLocaleString('en-US')}${k.unit}`).join('；') || '—',
    ])]));
  }
  children.push(heading(ANALYSIS_HEADINGS.findings));
  if (a.findings.length === 0) children.push(para('本月未发现明显异常。'));
  for (const f of a.findings) {
    children.push(para(f.kind === 'surge'
      ? `${f.subject}：本月 ${f.count} 件，上月 ${f.lastMonth ?? '—'} 件，环比 ${signedPct(change(f.count, f.lastMonth))}，建议关注。`
      : `${f.subject}：满意率 ${pct(f.rate)}，低于 ${pct(0.8)}，建议分析原因。`));
  }
  const doc = new Document({
    creator: '12345 热线坐席台', title: `${a.month} 分析研判`, description: '每月分析研判',
    sections: [{ properties: { page: { margin: { top: 1440, bottom: 1440, left: 1588, right: 1474 } } }, children }],
  });
  return Packer.toBuffer(doc);
}
