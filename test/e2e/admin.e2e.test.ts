import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import ExcelJS from 'exceljs';
import { queryStore, startHost, type RunningHost } from './host';
import { adminPage, launchBrowser, screenshot } from './browser';

let host: RunningHost;
let browser: Browser;
let page: Page;
const query = <T>(sql: string, ...args: unknown[]) => queryStore<T>(host, sql, ...args);

beforeAll(async () => {
  host = await startHost({ demo: true, demoTickets: 200 });
  browser = await launchBrowser();
  page = await adminPage(browser, host.url);
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('administration', () => {
  it('deadline limits: a wrong cell is explained at once, a right one is saved and kept', async () => {
    await page.getByRole('tab', { name: '办理时限' }).click();
    const cell = page.getByLabel('咨询类答复时限 紧急', { exact: true });
    await cell.fill('3'); // normal consultation: 2 days
    await page.getByText('比“一般”级给的时间还长').first().waitFor();
    await page.getByLabel('求助类答复时限 一般', { exact: true }).fill('12');
    await page.getByText('超过上限 10 个工作日').waitFor();
    await page.getByText('有 2 处需要修改').waitFor();
    expect(await page.getByRole('button', { name: '保存时限' }).isDisabled()).toBe(true);
    await screenshot(page, 'admin-deadlines-error');
    await cell.fill('1');
    await page.getByLabel('求助类答复时限 一般', { exact: true }).fill('7');
    await page.getByRole('button', { name: '保存时限' }).click();
    await page.getByText('办理时限已保存').waitFor();
    await page.reload(); // a new connection, which resumes the session of this tab
    await page.getByRole('tab', { name: '办理时限' }).click();
    await expect(page.getByLabel('求助类答复时限 一般', { exact: true }).inputValue()).resolves.toBe('7 天');
    await page.getByText('管理员已设置').waitFor();
    await screenshot(page, 'admin-deadlines');
  });

  it('Excel import shows its progress, and a cancel leaves nothing behind', async () => {
    const [leaf] = query<{ name: string }>(`select name from categories where level = 3 group by name having count(*) = 1 limit 1`);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('台账');
    const ROWS = 12_000;
    ws.addRow(['工单号', '受理时间', '诉求类型', '分类', '标题', '诉求内容', '状态']);
    // Large enough that reading and checking it takes seconds, so the cancel lands before the job ends.
    for (let i = 0; i < ROWS; i++) ws.addRow([`E2E-${String(i).padStart(5, '0')}`, '2024-05-03 09:15', '投诉', leaf!.name, `第${i}号台账`, `第${i}号台账的诉求内容：路灯不亮`, '已办结']);
    const buffer = Buffer.from(await wb.xlsx.writeBuffer());
    await page.getByRole('tab', { name: 'Excel 导入导出' }).click();
    await page.locator('input[type=file]').setInputFiles({ name: '旧台账.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer });
    await page.getByText('旧台账.xlsx').waitFor();
    await page.getByRole('button', { name: '导入', exact: true }).click();
    const progress = page.getByTestId('job-progress');
    await progress.waitFor();
    await progress.getByRole('button', { name: '取消' }).click();
    await page.getByTestId('import-cancelled').waitFor();
    expect(query(`select id from tickets where number like 'E2E-%'`)).toEqual([]);

    await page.getByRole('button', { name: '导入', exact: true }).click();
    await progress.waitFor();
    await screenshot(page, 'admin-import-progress');
    // Generous: on a loaded two-core CI machine the import has taken over a minute.
    await page.getByText('已导入 12000 件工单').first().waitFor({ timeout: 150_000 });
    expect(query<{ n: number }>(`select count(*) as n from tickets where number like 'E2E-%'`)[0]!.n).toBe(ROWS);
  }, 240_000);

  it('loads a real city\'s divisions from the national codes', async () => {
    await page.getByRole('tab', { name: '行政区划' }).click();
    await page.getByTestId('divisions-loaded').getByText(/当前：江城市/).waitFor();
    await page.getByRole('combobox', { name: '省份' }).click();
    await page.getByRole('option', { name: '甘肃省' }).click();
    await page.getByRole('combobox', { name: '城市' }).click();
    await page.getByRole('option', { name: '嘉峪关市' }).click();
    await page.getByTestId('divisions-import').click();
    await page.getByTestId('divisions-confirm-ok').click();
    await page.getByTestId('divisions-result').getByText(/已导入 嘉峪关市/).waitFor({ timeout: 30_000 });
    await page.getByTestId('divisions-loaded').getByText(/当前：嘉峪关市/).waitFor();
    await screenshot(page, 'admin-divisions');
    const [row] = query<{ n: number }>(`select count(*) as n from divisions where retired = 0 and level = 3`);
    expect(row!.n).toBeGreaterThan(10);
  }, 60_000);
});
