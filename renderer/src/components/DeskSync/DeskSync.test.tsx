import { beforeEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { notifications } from '@mantine/notifications';
import type { ConsoleApi, DeskSync, OutboxItem, TicketCreateInput } from '../../../../shared/contract';
import { renderWithProviders } from '../../../test/render';
import { fakeApi } from '../../../test/fake-api';
import { takeIntakeFormRequest } from '../../intake/intakeRequest';
import { emptyIntake } from '../../intake/IntakeForm/draft';
import { DeskSyncIndicator } from './DeskSync';

const standalone: DeskSync = { mode: 'standalone', online: true, waiting: 0, failed: 0, lastSyncAt: null, center: null, offlineSignIn: false, clockSkewMs: null };
const offline: DeskSync = { mode: 'center', online: false, waiting: 3, failed: 0, lastSyncAt: '2026-12-05T02:42:00.000Z', center: 'center.example:8443', offlineSignIn: false, clockSkewMs: 1200 };

const ID_A = '0190a0b0-0000-7000-8000-00000000000a';
const ID_B = '0190a0b0-0000-7000-8000-00000000000b';
const item = (id: string, extra: Partial<OutboxItem> = {}): OutboxItem => ({
  id, seq: 1, name: 'tickets.create', summary: `路灯不亮${id.slice(-1)}`, createdAt: '2026-12-05T02:30:00.000Z', state: 'waiting', error: null, attempts: 0, ...extra,
});
const refused = item(ID_A, { state: 'failed', attempts: 1, error: { code: 'invalid_input', issues: [{ path: 'districtCode', problem: 'retired' }] } });
const input: TicketCreateInput = {
  draftKey: 'intake.call.c1', callId: 'c1', channel: 'phone', citizen: { name: '张先生', phone: '13812345678', confidential: false },
  appealType: 'complaint', categoryId: 'cat-1', urgency: 'urgent', title: '路灯不亮了', content: '小区门口的路灯坏了一个星期，晚上很黑。',
  districtCode: '420102', address: '解放大道 1 号', coordinates: { lat: 30.6, lng: 114.3 }, clientId: ID_A, registeredAt: '2026-12-05T10:30:00+08:00',
};

/** A fake desk: desk.* answers from the given state, and main's desk.sync pushes on demand. */
function deskApi(status: DeskSync, outbox: OutboxItem[] = [], extra: Parameters<typeof fakeApi>[0] = {}) {
  let items = outbox;
  const base = fakeApi({
    'desk.status': (() => ({ ok: true, value: status })) as never,
    'desk.outbox': (() => ({ ok: true, value: items })) as never,
    'desk.outboxInput': (() => ({ ok: true, value: input })) as never,
    'desk.outboxDiscard': ((i: { id: string }) => {
      if (!items.some((x) => x.id === i.id)) return { ok: false, error: { code: 'not_found' } };
      items = items.filter((x) => x.id !== i.id);
      return { ok: true, value: null };
    }) as never,
    ...extra,
  });
  const listeners = new Set<(p: DeskSync) => void>();
  const api: ConsoleApi = { request: base.request, on: ((name: string, l: (p: DeskSync) => void) => {
    if (name !== 'desk.sync') return () => undefined;
    listeners.add(l);
    return () => listeners.delete(l);
  }) as ConsoleApi['on'] };
  const push = (s: DeskSync) => act(() => { for (const l of listeners) l(s); });
  const names = () => base.calls.map((c) => c.name);
  return { api, push, names, calls: base.calls, setItems: (x: OutboxItem[]) => { items = x; } };
}

const openOutbox = async () => {
  fireEvent.click(await screen.findByTestId('desk-sync-open'));
  return screen.findByTestId('desk-outbox');
};

describe('DeskSyncIndicator', () => {
  it('shows nothing on a standalone console', async () => {
    const { api, names } = deskApi(standalone);
    renderWithProviders(<DeskSyncIndicator />, api);
    await waitFor(() => expect(names()).toContain('desk.status'));
    await act(() => Promise.resolve());
    expect(screen.queryByTestId('desk-sync')).toBeNull();
    expect(screen.queryByTestId('desk-sync-open')).toBeNull();
  });

  it('says the desk is offline, how many writes wait and when it last synced', async () => {
    const { api } = deskApi(offline);
    renderWithProviders(<DeskSyncIndicator />, api);
    const badge = await screen.findByTestId('desk-sync');
    expect(badge).toHaveTextContent('离线');
    expect(badge).toHaveAttribute('data-online', 'false');
    expect(badge).toHaveAttribute('data-waiting', '3');
    expect(screen.getByTestId('desk-sync-waiting')).toHaveTextContent('待同步 3 件');
    expect(screen.queryByTestId('desk-sync-failed')).toBeNull();
    // 02:42 UTC is 10:42 in China; on another day the date is shown too.
    expect(screen.getByText(/上次同步 .*10:42/)).toBeInTheDocument();
  });

  it('warns when the desk\'s clock is a minute or more off the center\'s, fast or slow, and not for network-sized differences', async () => {
    const { api, push } = deskApi({ ...offline, online: true, clockSkewMs: 5 * 60_000 + 20_000 });
    renderWithProviders(<DeskSyncIndicator />, api);
    expect(await screen.findByTestId('desk-clock-skew')).toHaveTextContent('本机时钟快 5 分钟');
    push({ ...offline, online: true, clockSkewMs: -3 * 3_600_000 });
    await waitFor(() => expect(screen.getByTestId('desk-clock-skew')).toHaveTextContent('本机时钟慢 3 小时'));
    // 1.2 s (the fixture's): the network's share, no warning.
    push({ ...offline, online: true });
    await waitFor(() => expect(screen.queryByTestId('desk-clock-skew')).toBeNull());
  });

  it('shows 离线登录 while the window\'s sign-in was checked by the desk alone, and drops it once the center confirms it', async () => {
    const { api, push } = deskApi({ ...offline, offlineSignIn: true });
    renderWithProviders(<DeskSyncIndicator />, api);
    expect(await screen.findByTestId('desk-offline-signin')).toHaveTextContent('离线登录');
    push({ ...offline, online: true, waiting: 0, offlineSignIn: false });
    await waitFor(() => expect(screen.getByTestId('desk-sync')).toHaveAttribute('data-online', 'true'));
    expect(screen.queryByTestId('desk-offline-signin')).toBeNull();
    expect(screen.queryByText('离线登录')).toBeNull();
  });

  it('has no 离线登录 badge for a sign-in the center made, online or offline', async () => {
    const { api } = deskApi(offline);
    renderWithProviders(<DeskSyncIndicator />, api);
    await screen.findByTestId('desk-sync');
    expect(screen.queryByTestId('desk-offline-signin')).toBeNull();
  });

  it('follows the desk.sync events main pushes', async () => {
    const { api, push } = deskApi(offline);
    renderWithProviders(<DeskSyncIndicator />, api);
    await screen.findByText('离线');
    push({ ...offline, online: true, waiting: 2, failed: 2 });
    await waitFor(() => expect(screen.getByTestId('desk-sync')).toHaveAttribute('data-online', 'true'));
    expect(screen.getByTestId('desk-sync')).toHaveTextContent('在线');
    expect(screen.getByTestId('desk-sync-failed')).toHaveTextContent('2 件需处理');
    push({ ...offline, online: true, waiting: 0, failed: 0 });
    await waitFor(() => expect(screen.getByTestId('desk-sync')).toHaveAttribute('data-waiting', '0'));
    expect(screen.queryByTestId('desk-sync-waiting')).toBeNull();
  });
});

describe('the outbox (待同步的工单)', () => {
  // The request to show the form is module state: one left by an earlier test is not this test's.
  beforeEach(() => { takeIntakeFormRequest(); });

  it('lists the refused write first, with the center\'s reason in Chinese, and reloads on desk.sync', async () => {
    const { api, push, setItems } = deskApi({ ...offline, failed: 1, waiting: 2 }, [item(ID_B), refused]);
    renderWithProviders(<DeskSyncIndicator onTakeBack={() => {}} />, api);
    const list = await openOutbox();
    await waitFor(() => expect(within(list).getAllByTestId('outbox-item')).toHaveLength(2));
    const [first, second] = within(list).getAllByTestId('outbox-item');
    expect(first).toHaveAttribute('data-state', 'failed');
    expect(within(first!).getByTestId('outbox-reason')).toHaveTextContent('中心拒收：输入有误：该区划已停用，请重新选择');
    expect(second).toHaveTextContent('路灯不亮b');
    expect(second).toHaveTextContent('待发送');
    setItems([refused]);
    push({ ...offline, online: true, waiting: 1, failed: 1 });
    await waitFor(() => expect(within(list).getAllByTestId('outbox-item')).toHaveLength(1));
  });

  it('renders only the rows on screen of a long list', async () => {
    const many = Array.from({ length: 400 }, (_, i) => item(`0190a0b0-0000-7000-8000-${String(i).padStart(12, '0')}`, { seq: i }));
    const { api } = deskApi({ ...offline, waiting: 400 }, many);
    renderWithProviders(<DeskSyncIndicator onTakeBack={() => {}} />, api);
    const list = await openOutbox();
    await waitFor(() => expect(within(list).getAllByTestId('outbox-item').length).toBeGreaterThan(5));
    expect(within(list).getAllByTestId('outbox-item').length).toBeLessThan(60);
  });

  it('重新编辑 keeps the write as the intake draft before it drops it, then shows the form', async () => {
    const { api, calls, names } = deskApi({ ...offline, failed: 1 }, [refused]);
    const onTakeBack = vi.fn();
    renderWithProviders(<DeskSyncIndicator onTakeBack={onTakeBack} />, api);
    await openOutbox();
    fireEvent.click(await screen.findByTestId('outbox-edit'));
    await waitFor(() => expect(onTakeBack).toHaveBeenCalled());
    const order = names().filter((n) => ['desk.outboxInput', 'drafts.save', 'desk.outboxDiscard'].includes(n));
    expect(order).toEqual(['desk.outboxInput', 'drafts.save', 'desk.outboxDiscard']);
    const save = calls.find((c) => c.name === 'drafts.save')!.input as { key: string; data: string };
    expect(save.key).toBe('intake.manual');
    expect(JSON.parse(save.data)).toMatchObject({ title: '路灯不亮了', phone: '13812345678', appealType: 'complaint', urgency: 'urgent', districtCode: '420102', callId: 'c1' });
    // The form reads this window's copy first when it mounts.
    expect(JSON.parse(localStorage.getItem('hotline.draft.intake.manual')!).value.title).toBe('路灯不亮了');
    expect(takeIntakeFormRequest()).toBe(true);
  });

  it('drops nothing when the draft cannot be kept', async () => {
    const { api, names } = deskApi({ ...offline, failed: 1 }, [refused], { 'drafts.save': (() => ({ ok: false, error: { code: 'internal' } })) as never });
    const onTakeBack = vi.fn();
    renderWithProviders(<DeskSyncIndicator onTakeBack={onTakeBack} />, api);
    await openOutbox();
    fireEvent.click(await screen.findByTestId('outbox-edit'));
    await waitFor(() => expect(names()).toContain('drafts.save'));
    await act(() => new Promise((r) => setTimeout(r, 50)));
    expect(names()).not.toContain('desk.outboxDiscard');
    expect(onTakeBack).not.toHaveBeenCalled();
  });

  it('asks before a taken-back write replaces what the intake form holds', async () => {
    localStorage.setItem('hotline.draft.intake.manual', JSON.stringify({ value: { ...emptyIntake(), title: '正在登记的另一件' }, savedAt: new Date().toISOString() }));
    const { api, names } = deskApi({ ...offline, failed: 1 }, [refused]);
    const onTakeBack = vi.fn();
    renderWithProviders(<DeskSyncIndicator onTakeBack={onTakeBack} />, api);
    await openOutbox();
    fireEvent.click(await screen.findByTestId('outbox-edit'));
    expect(await screen.findByText(/受理表单中还有未提交的内容/)).toBeInTheDocument();
    expect(names()).not.toContain('drafts.save');
    fireEvent.click(screen.getByTestId('outbox-confirm'));
    await waitFor(() => expect(onTakeBack).toHaveBeenCalled());
    expect(names()).toContain('desk.outboxDiscard');
  });

  it('drops the draft again when the write reached the center meanwhile (no second ticket)', async () => {
    const { api, names, setItems } = deskApi({ ...offline, failed: 0, waiting: 1 }, [item(ID_B)], {
      'desk.outboxInput': (() => { setItems([]); return { ok: true, value: input }; }) as never,
    });
    const onTakeBack = vi.fn();
    const shown = vi.spyOn(notifications, 'show');
    renderWithProviders(<DeskSyncIndicator onTakeBack={onTakeBack} />, api);
    await openOutbox();
    fireEvent.click(await screen.findByTestId('outbox-edit'));
    await waitFor(() => expect(shown).toHaveBeenCalledWith(expect.objectContaining({ message: '这件工单刚刚已提交到中心，无需重新编辑' })));
    shown.mockRestore();
    expect(names()).toContain('drafts.discard');
    expect(localStorage.getItem('hotline.draft.intake.manual')).toBeNull();
    expect(onTakeBack).not.toHaveBeenCalled();
    expect(takeIntakeFormRequest()).toBe(false);
  });

  it('放弃 says the ticket will not be sent and drops it only when confirmed', async () => {
    const { api, names } = deskApi({ ...offline, failed: 1 }, [refused]);
    renderWithProviders(<DeskSyncIndicator />, api);
    const list = await openOutbox();
    // Without the agent desk there is nothing to take a write back into.
    await waitFor(() => expect(within(list).getAllByTestId('outbox-item')).toHaveLength(1));
    expect(screen.queryByTestId('outbox-edit')).toBeNull();
    fireEvent.click(screen.getByTestId('outbox-discard'));
    expect(await screen.findByText(/将不会发送到中心/)).toBeInTheDocument();
    expect(names()).not.toContain('desk.outboxDiscard');
    fireEvent.click(screen.getByTestId('outbox-confirm'));
    await waitFor(() => expect(names()).toContain('desk.outboxDiscard'));
    await waitFor(() => expect(screen.getByText('没有待同步的工单')).toBeInTheDocument());
  });
});
