import { describe, expect, it } from 'vitest';
import i18next from 'i18next';
import { checkCalendarForm } from './CalendarPanel';

const t = i18next.t.bind(i18next);

describe('holiday editor checks', () => {
  it('puts every problem on the field it concerns, in Chinese', () => {
    expect(checkCalendarForm(t, 2027, ['2027-01-01', '2027/02/10', '2027-13-40', '2026-10-01'], ['2027-02-09'])).toEqual({
      holidays: '“2027/02/10”不是有效日期，应写作 2027-01-01 这样的格式；“2027-13-40”不是有效日期，应写作 2027-01-01 这样的格式；日期不属于所选年份：2026-10-01',
      workdays: '调休上班日应为周末：2027-02-09',
    });
  });
  it('a day both off and on, and duplicates, are marked where they are', () => {
    expect(checkCalendarForm(t, 2027, ['2027-02-06', '2027-02-06'], ['2027-02-06'])).toEqual({
      holidays: '日期重复：2027-02-06',
      workdays: '同一天不能既放假又上班：2027-02-06',
    });
  });
  it('a right calendar has no marks; a year out of range marks the year', () => {
    expect(checkCalendarForm(t, 2027, ['2027-01-01'], ['2027-02-06'])).toEqual({});
    expect(checkCalendarForm(t, 1999, [], [])).toEqual({ year: '年份应在 2020 到 2100 之间' });
  });
});
