import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { RecordingView } from '../../../../shared/contract';
import { renderWithProviders } from '../../../test/render';
import { fakeApi } from '../../../test/fake-api';
import { CallRecordings } from './CallRecordings';

const rec: RecordingView = {
  id: '0190a5e8-0000-7000-8000-0000000000aa', callId: 'c1', ticketId: '0190a5e8-0000-7000-8000-000000000001', agentName: '王晓燕',
  startedAt: '2026-12-06T04:09:00.000Z', durationMs: 65_000, bytes: 262_144, mime: 'audio/webm;codecs=opus', state: 'interrupted', part: 0,
};
const ticketId = rec.ticketId!;

beforeEach(() => {
  vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: vi.fn(() => 'blob:recording'), revokeObjectURL: vi.fn() }));
});
afterEach(() => { vi.unstubAllGlobals(); });

describe('CallRecordings', () => {
  it('lists a ticket\'s recording and plays it after reading every range from main', async () => {
    const reads: number[] = [];
    const api = fakeApi({
      'recording.ofTicket': (() => ({ ok: true, value: [rec] })) as never,
      'recording.open': (() => ({ ok: true, value: rec })) as never,
      'recording.read': ((i: { offset: number }) => {
        reads.push(i.offset);
        return { ok: true, value: { data: btoa('abcd'), eof: i.offset >= 4 } };
      }) as never,
    });
    renderWithProviders(<CallRecordings ticketId={ticketId} />, api);
    const row = await screen.findByTestId('recording');
    expect(row).toHaveTextContent('坐席 王晓燕');
    expect(row).toHaveTextContent('时长 1:05');
    expect(row).toHaveTextContent('中断（保留至中断前）');
    expect(screen.queryByTestId('recording-audio')).toBeNull();
    await userEvent.click(screen.getByTestId('recording-play'));
    const audio = await screen.findByTestId('recording-audio');
    expect(audio).toHaveAttribute('src', 'blob:recording');
    expect(reads).toEqual([0, 4]);
    // Opened (audited in main) before the first byte was read.
    expect(api.calls.map((c) => c.name).filter((n) => n.startsWith('recording.'))).toEqual(['recording.ofTicket', 'recording.open', 'recording.read', 'recording.read']);
  });

  it('shows nothing to a reader who may listen to none (a department user)', async () => {
    const api = fakeApi({ 'recording.ofTicket': (() => ({ ok: true, value: [] })) as never });
    const { container } = renderWithProviders(<CallRecordings ticketId={ticketId} />, api);
    await waitFor(() => expect(api.calls.some((c) => c.name === 'recording.ofTicket')).toBe(true));
    await waitFor(() => expect(container.querySelector('.mantine-Loader-root')).toBeNull());
    expect(screen.queryByText('通话录音')).toBeNull();
  });

  it('says in Chinese when main refuses the listen, and plays nothing', async () => {
    const api = fakeApi({
      'recording.ofTicket': (() => ({ ok: true, value: [rec] })) as never,
      'recording.open': (() => ({ ok: false, error: { code: 'forbidden' } })) as never,
    });
    renderWithProviders(<CallRecordings ticketId={ticketId} />, api);
    await userEvent.click(await screen.findByTestId('recording-play'));
    await screen.findByRole('alert');
    expect(screen.getByRole('alert').textContent).toMatch(/\p{Script=Han}/u);
    expect(screen.queryByTestId('recording-audio')).toBeNull();
    expect(api.calls.some((c) => c.name === 'recording.read')).toBe(false);
  });
});
