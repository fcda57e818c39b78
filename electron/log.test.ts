import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileLogger, scrub } from './log';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

describe('log file', () => {
  it('never contains a citizen phone number, ID-card number or secret', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-log-'));
    dirs.push(dir);
    const log = createFileLogger({ dir });
    log.warn('call from 13812345678 about 0755-26543210, id 110101199003071234', { password: 'hunter2', phone: '13900001111', requestName: 'session.login' });
    const text = readFileSync(join(dir, 'console.log'), 'utf8');
    expect(text).not.toMatch(/13812345678|26543210|110101199003071234|hunter2|13900001111/);
    expect(text).toContain('138****5678');
    expect(text).toContain('session.login');
  });

  it('rotates when the file is full and keeps a bounded number of files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-log-'));
    dirs.push(dir);
    const log = createFileLogger({ dir, maxBytes: 2000, keep: 3 });
    for (let i = 0; i < 200; i++) log.info(`entry ${i}`);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['console.log', 'console.log.1', 'console.log.2', 'console.log.3']);
    expect(readFileSync(join(dir, 'console.log'), 'utf8')).toContain('entry 199');
  });

  it('masks numbers inside free text', () => {
    expect(scrub('回拨 +86 13912345678')).toBe('回拨 139****5678');
  });
});
