import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileLogger, scrub } from '../../electron/log';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

describe('log scrubber', () => {
  it.each([
    ['138 0013 8000', '138****8000'],
    ['138-0013-8000', '138****8000'],
    ['1380 0138 000', '138****8000'],
    ['１３８００１３８０００', '138****8000'],
    ['１３８ ００１３ ８０００', '138****8000'],
    ['+86 138-0013-8000', '138****8000'],
    ['0086 13800138000', '138****8000'],
    ['(010) 6512-3456', '010-****3456'],
    ['（010）65123456', '010-****3456'],
    ['010-65123456', '010-****3456'],
    ['0755 2654 3210', '0755-****3210'],
    ['(０２１)６４３８-１２３４', '021-****1234'],
  ])('masks %s', (written, masked) => {
    const out = scrub(`市民来电，号码 ${written}，要求回电`);
    expect(out).toContain(masked);
    const digits = written.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).replace(/\D/g, '');
    // The middle digits are gone whatever the grouping.
    expect(out.replace(/\D/g, '')).not.toContain(digits.slice(-8, -4) + digits.slice(-4));
  });

  it('masks a phone in a nested fact and a phone given as a number', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-log-'));
    dirs.push(dir);
    const log = createFileLogger({ dir });
    log.warn('dial failed', { target: { to: '138 0013 8000', list: ['(010) 6512-3456'] }, callee: 13800138000, id: '０２１-６４３８１２３４' });
    const text = readFileSync(join(dir, 'console.log'), 'utf8');
    expect(text).not.toMatch(/0013|6512|13800138000|６４３８|6438/);
    expect(text).toContain('138****8000');
  });

  it.each([
    'JC2026120200001',
    'ticket JC2026120200001 dispatched',
    '2026-12-02T17:35:27.123Z',
    '2026-01-02 03:04:05',
    '01934567-8901-7abc-8def-0123456789ab',
    'item ZX2026-00012 step 3',
    'took 1500 ms, 120 rows, port 5345',
  ])('leaves %s alone', (text) => {
    expect(scrub(text)).toBe(text);
  });
});
