import { describe, expect, it } from 'vitest';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Notifications } from '@mantine/notifications';
import type { PhoneCall, PhoneStatus } from '../../../../shared/contract';
import type { AgentState } from '../../../../shared/domain/agent-state';
import { renderWithProviders } from '../../../test/render';
import { fakeApi } from '../../../test/fake-api';
import { SessionProvider } from '../../state/session';
import { PhoneProvider } from '../PhoneProvider';
import { Softphone } from './Softphone';

const since = '2026-12-06T02:00:00.000Z';
const agent = (name: AgentState['name'], extra: Partial<AgentState> = {}): AgentState =>
  ({ name, reason: null, since, callId: null, acwUntil: null, wrapUpCode: null, ...extra });

function phone(initial: AgentState, selfTest: PhoneStatus['selfTest'] = { required: false, echo: false, passedAt: null }, calls: PhoneCall[] = []) {
  const status: PhoneStatus = {
    configured: true, registration: { state: 'registered' }, agent: initial, calls,
    notReadyReasons: [{ code: 'break', label: '小休' }],
    wrapUpCodes: [{ code: 'registered', label: '已登记工单' }, { code: 'answered', label: '直接答复' }],
    acwSeconds: 30, media: 'null', selfTest,
  };
  const api = fakeApi({
    'phone.status': (() => ({ ok: true, value: status })) as never,
    'phone.wrapUp': ((i: { callId: string; code: string }) => ({ ok: true, value: agent('after_call_work', { callId: i.callId, wrapUpCode: i.code }) })) as never,
    'media.attach': (() => ({ ok: true, value: null })) as never,
    'phone.dial': (() => ({ ok: true, value: { callId: 'c-back' } })) as never,
  });
  renderWithProviders(<SessionProvider><Notifications /><PhoneProvider><Softphone /></PhoneProvider></SessionProvider>, api);
  return api;
}

const codeInput = () => screen.getByTestId('wrap-up-code') as HTMLInputElement;

async function pick(label: string) {
  const user = userEvent.setup();
  await user.click(codeInput());
  await user.click(await screen.findByRole('option', { name: label, hidden: true }));
}

describe('Softphone', () => {
  it('opens the self-test instead of asking for 就绪 while the shift\'s self-test is due', async () => {
    const api = phone(agent('not_ready', { reason: 'login' }), { required: true, echo: true, passedAt: null });
    await waitFor(() => expect(screen.getByTestId('self-test-due')).toHaveTextContent('本班首次就绪前需完成上岗自检'));
    await userEvent.setup().click(screen.getByTestId('set-ready'));
    expect(await screen.findByText('上岗自检', { selector: '.mantine-Modal-title' })).toBeInTheDocument();
    expect(screen.getByTestId('self-test-start')).toBeInTheDocument();
    expect(api.calls.some((c) => c.name === 'phone.setReady')).toBe(false);
  });

  it('starts every wrap-up with no code picked, so 就绪 is never disabled under a code shown from the last call', async () => {
    const api = phone(agent('after_call_work', { callId: 'c1' }));
    await waitFor(() => expect(codeInput().value).toBe(''));
    await pick('直接答复');
    expect(api.calls.filter((c) => c.name === 'phone.wrapUp').map((c) => c.input)).toEqual([{ callId: 'c1', code: 'answered' }]);
    act(() => api.emit('phone.agent', agent('after_call_work', { callId: 'c1', wrapUpCode: 'answered' })));
    await waitFor(() => expect(screen.getByTestId('wrap-up-ready')).toBeEnabled());
    act(() => api.emit('phone.agent', agent('ready')));

    // The next call ends: nothing is picked yet and 就绪 waits for a code.
    act(() => api.emit('phone.agent', agent('after_call_work', { callId: 'c2' })));
    await waitFor(() => expect(codeInput().value).toBe(''));
    expect(screen.getByTestId('wrap-up-ready')).toBeDisabled();
    // Picking the same code as last time records it for this call.
    await pick('直接答复');
    expect(api.calls.filter((c) => c.name === 'phone.wrapUp').map((c) => c.input)).toContainEqual({ callId: 'c2', code: 'answered' });
    expect(codeInput().value).toBe('直接答复');
  });

  it('shows an agent whose phone is not registered as unable to take calls, not as 就绪', async () => {
    const api = phone(agent('ready'));
    await waitFor(() => expect(screen.getByTestId('agent-state')).toHaveTextContent('就绪'));
    act(() => api.emit('phone.registration', { state: 'reconnecting', reason: 'connection to the SIP server lost' }));
    act(() => api.emit('phone.agent', agent('not_ready', { reason: 'unregistered' })));
    await waitFor(() => expect(screen.getByTestId('agent-state')).toHaveTextContent('未注册 · 不可接听'));
    expect(screen.getByTestId('unregistered-hint')).toHaveTextContent('恢复注册后自动转为就绪');
  });

  it('tells the agent in Chinese why a plain-RTP call was refused, not that the switch refused them', async () => {
    const api = phone(agent('ready'));
    await waitFor(() => expect(screen.getByTestId('agent-state')).toHaveTextContent('就绪'));
    act(() => api.emit('phone.incoming', {
      callId: 'c9', remoteNumber: '13800000488', autoRejected: true, at: Date.now(),
      rejected: { code: 488, reason: 'rejected-media', mediaProblem: 'no-dtls' },
    }));
    expect(await screen.findByText(/来电 13800000488 的语音是未加密的普通 RTP/)).toHaveTextContent('已回复 488');
    expect(screen.queryByText(/交换机拒绝了此操作/)).toBeNull();
    expect(screen.queryByText(/示忙期间的来电/)).toBeNull();
  });

  it('tells the agent a hang-up is waiting for the switch, then that it went through', async () => {
    const api = phone(agent('after_call_work', { callId: 'c5' }));
    await waitFor(() => expect(screen.getByTestId('agent-state')).toHaveTextContent('话后处理'));
    act(() => api.emit('phone.hangupSignal', { callId: 'c5', state: 'pending', at: Date.now() }));
    expect(await screen.findByText(/挂断信令待发送…/)).toBeInTheDocument();
    act(() => api.emit('phone.hangupSignal', { callId: 'c5', state: 'sent', at: Date.now() }));
    expect(await screen.findByText(/挂断信令已补发/)).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByText(/挂断信令待发送…/)).toBeNull());
  });

  it('warns on the call card when no audio arrives or the microphone is silent, with what to check, and drops the warning when audio is back', async () => {
    const call: PhoneCall = { callId: 'c3', direction: 'inbound', remoteNumber: '13912345678', state: 'active', held: false, muted: false };
    const api = phone(agent('on_call', { callId: 'c3' }), undefined, [call]);
    const card = await screen.findByTestId('call-card');
    expect(card).toHaveTextContent('13912345678');
    const alerts = () => within(screen.getByTestId('call-card')).queryAllByRole('alert');
    expect(alerts()).toHaveLength(0);

    // Main tells the agent's windows when the media renderer's detector raises a warning.
    act(() => api.emit('phone.audioHealth', { callId: 'c3', warnings: ['no_inbound'] }));
    const noInbound = await screen.findByTestId('audio-warning-no_inbound');
    expect(noInbound).toHaveTextContent('收不到对方声音');
    expect(noInbound).toHaveTextContent('已超过 3 秒没有收到对方的语音包');
    expect(noInbound).toHaveTextContent('请询问对方能否听到您');
    // A warning for another call (a consult leg that ended meanwhile) is not shown on this one.
    act(() => api.emit('phone.audioHealth', { callId: 'other', warnings: ['mic_silent'] }));
    expect(screen.queryByTestId('audio-warning-mic_silent')).toBeNull();

    // Both at once: the microphone's hint says to check the headset.
    act(() => api.emit('phone.audioHealth', { callId: 'c3', warnings: ['mic_silent', 'no_inbound'] }));
    const mic = await screen.findByTestId('audio-warning-mic_silent');
    expect(mic).toHaveTextContent('麦克风没有声音');
    expect(mic).toHaveTextContent('请检查耳麦是否插好');
    // It names the control that changes the microphone as the softphone shows it.
    expect(mic).toHaveTextContent('⚙（音频设备）');
    expect(screen.getByTestId('device-settings')).toHaveAccessibleName('音频设备');
    expect(alerts()).toHaveLength(2);

    // Audio back: the warnings go, the call card stays.
    act(() => api.emit('phone.audioHealth', { callId: 'c3', warnings: [] }));
    await waitFor(() => expect(alerts()).toHaveLength(0));
    expect(screen.getByTestId('call-card')).toHaveTextContent('13912345678');

    // A warning still up when the call ends goes with the call.
    act(() => api.emit('phone.audioHealth', { callId: 'c3', warnings: ['no_inbound'] }));
    await screen.findByTestId('audio-warning-no_inbound');
    act(() => api.emit('phone.ended', { callId: 'c3', direction: 'inbound', remoteNumber: '13912345678', endReason: 'remote-hangup', talkMs: 30_000, missed: false }));
    await waitFor(() => expect(screen.queryByTestId('audio-warning-no_inbound')).toBeNull());
  });

  it('says a call was dropped by the network and calls the citizen back in one click', async () => {
    const api = phone(agent('on_call', { callId: 'c7' }));
    await waitFor(() => expect(screen.getByTestId('agent-state')).toHaveTextContent('通话中'));
    act(() => api.emit('phone.ended', { callId: 'c7', direction: 'inbound', remoteNumber: '13912345678', endReason: 'connection-lost', talkMs: 40_000, missed: false }));
    expect(await screen.findByText(/与 13912345678 的语音连接已断开/)).toBeInTheDocument();
    await userEvent.setup().click(screen.getByTestId('dropped-call-back'));
    await waitFor(() => expect(api.calls.filter((c) => c.name === 'phone.dial').map((c) => c.input)).toEqual([{ number: '13912345678' }]));
  });

  it('says in Chinese why the phone cannot register and what to check, not only 重连中', async () => {
    const api = phone(agent('not_ready', { reason: 'login' }));
    await waitFor(() => expect(screen.getByTestId('agent-state')).toHaveTextContent('示忙'));
    act(() => api.emit('phone.registration', { state: 'failed', code: 401, cause: 'auth', reason: 'wrong username or password (the server refused the credentials: 401)' }));
    const box = await screen.findByTestId('registration-problem');
    expect(box).toHaveTextContent('电话账号或密码错误，交换机拒绝注册（401）');
    expect(box).toHaveTextContent('核对分机号、认证用户名和密码');
    act(() => api.emit('phone.registration', { state: 'reconnecting', cause: 'keepalive', reason: 'the SIP server stopped answering OPTIONS keep-alives within 3000 ms' }));
    await waitFor(() => expect(screen.getByTestId('registration-problem')).toHaveTextContent('电话交换机停止响应'));
    expect(screen.getByTestId('registration-problem')).toHaveTextContent('正在自动重试注册');
    act(() => api.emit('phone.registration', { state: 'registered' }));
    await waitFor(() => expect(screen.queryByTestId('registration-problem')).toBeNull());
  });
});
