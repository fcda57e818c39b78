import { describe, expect, it } from 'vitest';

import { formatTime, parseMessageLine, parseTime } from './read-jsonl';

describe('the analysts\' message lines', () => {
  it('reads {id, title, text, time} and ignores other fields', () => {
    expect(parseMessageLine('{"id":"a1","title":"路灯不亮","text":"和平路路灯不亮","time":"2019-01-05 12:33:00","category":"x"}'))
      .toEqual({ ok: true, input: { id: 'a1', title: '路灯不亮', text: '和平路路灯不亮', time: Date.UTC(2019, 0, 5, 12, 33) } });
    expect(parseMessageLine('{"id":7,"title":"t","text":"","time":null}')).toMatchObject({ ok: true, input: { id: '7', time: null } });
  });

  it('says what is wrong with a malformed line', () => {
    expect(parseMessageLine('not json')).toMatchObject({ ok: false, error: expect.stringContaining('not valid JSON') });
    expect(parseMessageLine('[1,2]')).toEqual({ ok: false, error: 'not a JSON object' });
    expect(parseMessageLine('{"title":"t","text":"x"}')).toMatchObject({ ok: false, error: expect.stringContaining('"id"') });
    expect(parseMessageLine('{"id":"a","title":3,"text":"x"}')).toEqual({ ok: false, error: '"title" is not a string' });
    expect(parseMessageLine('{"id":"a","title":"","text":"  "}')).toMatchObject({ ok: false, error: expect.stringContaining('empty') });
    expect(parseMessageLine('{"id":"a","title":"t","text":"x","time":"yesterday"}')).toMatchObject({ ok: false, error: expect.stringContaining('"time"') });
    expect(parseMessageLine('{"id":"a","title":"t","text":"x","time":"2019-13-01"}')).toMatchObject({ ok: false });
  });

  it('reads times with and without zone, and writes them back as given', () => {
    expect(parseTime('2022-05-01T00:00:03')).toBe(Date.UTC(2022, 4, 1, 0, 0, 3));
    expect(parseTime('2022-05-01T08:00:00+08:00')).toBe(Date.UTC(2022, 4, 1, 0, 0, 0));
    expect(parseTime('2019/1/5')).toBe(Date.UTC(2019, 0, 5));
    expect(formatTime(Date.UTC(2019, 0, 5, 12, 33))).toBe('2019-01-05T12:33:00');
    expect(formatTime(null)).toBeNull();
  });
});
