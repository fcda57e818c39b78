import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import type { TicketDetail, TimelineEntry } from '../../../../shared/contract';
import { TICKET_HISTORY_ACTIONS } from '../../../../shared/domain/ticket-events';
import { zhCN } from '../../i18n/zh-CN';
import { renderWithProviders } from '../../../test/render';
import { fakeApi } from '../../../test/fake-api';
import { SessionProvider } from '../../state/session';
import { TicketDrawer } from './TicketDrawer';

const entry = (id: string, action: string, data: unknown, toStatus: string | null = null): TimelineEntry => ({
  id, at: '2026-11-28T02:00:00.000Z', action, actorName: '张三', fromStatus: null, toStatus, data: typeof data === 'string' ? data : JSON.stringify(data),
});

const detail = (timeline: TimelineEntry[]): TicketDetail => ({
  id: 't1', number: 'JC2026112800001', createdAt: '2026-11-28T02:00:00.000Z', channel: 'phone', appealType: 'complaint', urgency: 'normal',
  status: 'closed', callerName: null, phone: null, confidential: false, categoryPath: '', title: '夜间施工噪音', content: '来电反映',
  location: '', address: null, coordinates: null, leadDepartment: null, signBy: null, replyBy: null, closedAt: null, version: 3,
  allowedActions: [], deadline: null, timeline,
});

async function timeline(entries: TimelineEntry[]) {
  const api = fakeApi({ 'tickets.get': (() => ({ ok: true, value: detail(entries) })) as never });
  renderWithProviders(<SessionProvider><TicketDrawer ticketId="t1" onClose={() => {}} /></SessionProvider>, api);
  return within(await screen.findByTestId('ticket-timeline'));
}

describe('TicketDrawer timeline', () => {
  it('names every action a ticket history can hold in Chinese', () => {
    const labels: Record<string, string> = zhCN.ticket.actions;
    expect(TICKET_HISTORY_ACTIONS.filter((a) => !/\p{Script=Han}/u.test(labels[a] ?? ''))).toEqual([]);
  });

  it('shows an imported ticket and an escalation by their Chinese names, with their facts', async () => {
    const tl = await timeline([
      entry('1', 'imported', { batch: 'b1' }, 'closed'),
      entry('2', 'escalate', { reason: '涉及多个部门，需协商', item: 'ZX2026112800001', route: 'both' }),
    ]);
    expect(tl.getByText('导入')).toBeInTheDocument();
    expect(tl.getByText('升级协商')).toBeInTheDocument();
    expect(tl.getByText('涉及多个部门，需协商')).toBeInTheDocument();
    expect(tl.queryByText('imported')).toBeNull();
  });

  it('reads facts of current and older shapes, and shows a row it cannot read without facts', async () => {
    const tl = await timeline([
      entry('1', 'register', { repeatOf: 't0', repeatOfNumber: 'JC2026112700009' }, 'registered'),
      entry('2', 'dispatch', { leadDepartmentId: 'd1', coDepartmentIds: [], signBy: '2026-11-29T15:59:59.000Z', replyBy: '2026-12-10T15:59:59.000Z', instructions: '请核实并答复' }, 'dispatched'),
      // A return visit stored before 基本满意 existed: only the satisfied flag.
      entry('3', 'recordReturnVisit', { resolved: false, satisfied: false, note: '仍有噪音' }, 'reopened'),
      entry('4', 'reply', 'not json', 'replied'),
    ]);
    expect(tl.getByTestId('repeat-of')).toHaveTextContent('重复来电，前次工单 JC2026112700009');
    expect(tl.getByText('派单意见：请核实并答复')).toBeInTheDocument();
    expect(tl.getByText('未解决，不满意；仍有噪音')).toBeInTheDocument();
    expect(tl.getByText('答复')).toBeInTheDocument();
  });
});
