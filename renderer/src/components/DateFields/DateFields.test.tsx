import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DateField, MonthField, TimeField, parseChineseDate } from './DateFields';
import { renderWithProviders } from '../../../test/render';

function Day({ initial = '' }: { initial?: string }) {
  const [v, setV] = useState(initial);
  return <><DateField label="日期" value={v} onChange={setV} /><output data-testid="value">{v}</output></>;
}

describe('parseChineseDate', () => {
  it('reads the ways a Chinese user writes a day, and refuses impossible ones', () => {
    expect(parseChineseDate('2026-11-28')).toBe('2026-11-28');
    expect(parseChineseDate('2026/1/5')).toBe('2026-01-05');
    expect(parseChineseDate('2026年1月5日')).toBe('2026-01-05');
    expect(parseChineseDate('２０２６－１１－２８')).toBe('2026-11-28');
    expect(parseChineseDate('2026-02-30')).toBeNull();
    expect(parseChineseDate('11/28/2026')).toBeNull();
  });
});

describe('DateField', () => {
  it('shows a day as YYYY-MM-DD, not in the OS language, and is no native date input', () => {
    renderWithProviders(<Day initial="2026-11-28" />);
    const input = screen.getByLabelText('日期');
    expect(input).toHaveValue('2026-11-28');
    expect(input).not.toHaveAttribute('type', 'date');
  });

  it('opens a calendar with Chinese month and weekday names, weeks from Monday', async () => {
    const user = userEvent.setup();
    renderWithProviders(<Day initial="2026-11-28" />);
    await user.click(screen.getByLabelText('日期'));
    expect(await screen.findByText('2026年11月')).toBeInTheDocument();
    const weekdays = [...document.querySelectorAll('th')].map((h) => h.textContent);
    expect(weekdays.slice(0, 7)).toEqual(['一', '二', '三', '四', '五', '六', '日']);
  });

  it('takes a typed Chinese date and then gets the calendar out of the way of the form', async () => {
    const user = userEvent.setup();
    renderWithProviders(<Day />);
    await user.click(screen.getByLabelText('日期'));
    await screen.findByText('一');
    await user.type(screen.getByLabelText('日期'), '2026年12月1日');
    expect(screen.getByTestId('value')).toHaveTextContent('2026-12-01');
    await waitFor(() => expect(document.querySelectorAll('th')).toHaveLength(0));
    await user.click(screen.getByLabelText('日期'));
    await screen.findByText('2026年12月');
  });
});

describe('DateField limits', () => {
  it('passes a typed day before `min` to the form, whose own check explains the refusal', async () => {
    function Limited() {
      const [v, setV] = useState('');
      return <><DateField label="期限" value={v} min="2026-11-28" onChange={setV} /><output data-testid="value">{v}</output></>;
    }
    const user = userEvent.setup();
    renderWithProviders(<Limited />);
    await user.type(screen.getByLabelText('期限'), '2026-11-20');
    expect(screen.getByTestId('value')).toHaveTextContent('2026-11-20');
  });
});

describe('TimeField and MonthField', () => {
  it('keep times on the 24-hour clock and months in Chinese', () => {
    renderWithProviders(<>
      <TimeField label="开始" value="14:30" onChange={() => {}} />
      <MonthField label="月份" value="2026-11" onChange={() => {}} />
    </>);
    expect(document.body.textContent).not.toMatch(/AM|PM/);
    expect(screen.getByText('2026年11月')).toBeInTheDocument();
  });
});
