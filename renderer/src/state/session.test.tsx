import { beforeEach, describe, expect, it } from 'vitest';
import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MantineProvider } from '@mantine/core';
import type { ConsoleApi, EventName, SessionInfo } from '../../../shared/contract';
import { ApiProvider } from './api';
import { SessionProvider, useSession } from './session';
import { LoginScreen } from '../screens/Login';
import { fakeApi } from '../../test/fake-api';

const info = { version: '1.0', setupRequired: false, demo: false, runtime: 'host', demoAccounts: [], mediaHost: 'self' };
const agent: SessionInfo = { user: { id: 'u1', username: 'agent01', displayName: '王晓燕', roles: ['agent'], departmentId: null }, frames: ['agent_desk'], mustChangePassword: false };
const TOKEN = 'A'.repeat(43);

/** Shows who is signed in, or the login screen, like the app's gate. */
function Probe() {
  const { session, frame, logout } = useSession();
  if (!session) return <LoginScreen />;
  return <div><span data-testid="who">{session.user.displayName}:{session.user.roles.join(',')}:{frame}</span><button onClick={() => void logout()}>退出</button></div>;
}

/** A fake client whose events the test can fire. */
function withEvents(api: ReturnType<typeof fakeApi>) {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const on: ConsoleApi['on'] = (name, l) => {
    const set = listeners.get(name) ?? new Set();
    listeners.set(name, set);
    set.add(l as (p: unknown) => void);
    return () => set.delete(l as (p: unknown) => void);
  };
  return { api: { ...api, on }, fire: (name: EventName, payload: unknown) => act(() => { for (const l of listeners.get(name) ?? []) l(payload); }) };
}

const mount = (api: ConsoleApi) => render(<MantineProvider><ApiProvider api={api}><SessionProvider><Probe /></SessionProvider></ApiProvider></MantineProvider>);

const base = {
  'app.info': (() => ({ ok: true, value: info })) as never,
  'session.current': (() => ({ ok: true, value: null })) as never,
  'settings.get': (() => ({ ok: true, value: { theme: 'light', lastFrame: null } })) as never,
  'settings.update': (() => ({ ok: true, value: { theme: 'light', lastFrame: null } })) as never,
  'session.logout': (() => ({ ok: true, value: null })) as never,
};

beforeEach(() => sessionStorage.clear());

describe('session across reloads', () => {
  it('keeps the token from sign-in for this tab and resumes with it after a reload', async () => {
    const api = fakeApi({ ...base, 'session.login': (() => ({ ok: true, value: { ...agent, token: TOKEN } })) as never, 'session.resume': (() => ({ ok: true, value: agent })) as never });
    const user = userEvent.setup();
    const first = mount(api);
    await user.type(await screen.findByLabelText('用户名'), 'agent01');
    await user.type(screen.getByLabelText('密码'), 'Right-pass1');
    await user.click(screen.getByRole('button', { name: '登录' }));
    expect(await screen.findByTestId('who')).toHaveTextContent('王晓燕:agent:agent_desk');
    expect(sessionStorage.getItem('hotline.session')).toBe(TOKEN);
    first.unmount();

    mount(api); // the reload: a new connection that knows nobody
    expect(await screen.findByTestId('who')).toHaveTextContent('王晓燕');
    expect(api.calls.filter((c) => c.name === 'session.resume')).toEqual([{ name: 'session.resume', input: { token: TOKEN } }]);
  });

  it('an expired token lands on the login screen with the reason, and is forgotten', async () => {
    sessionStorage.setItem('hotline.session', TOKEN);
    const api = fakeApi({ ...base, 'session.resume': (() => ({ ok: false, error: { code: 'session_expired', details: { reason: 'session_expired' } } })) as never });
    mount(api);
    expect(await screen.findByTestId('login-notice')).toHaveTextContent('登录已过期，请重新登录。');
    expect(sessionStorage.getItem('hotline.session')).toBeNull();
  });

  it('logout forgets the token, so a reload shows the login screen without resuming', async () => {
    sessionStorage.setItem('hotline.session', TOKEN);
    const api = fakeApi({ ...base, 'session.resume': (() => ({ ok: true, value: agent })) as never });
    const user = userEvent.setup();
    const first = mount(api);
    await user.click(await screen.findByRole('button', { name: '退出' }));
    expect(await screen.findByLabelText('用户名')).toBeInTheDocument();
    expect(sessionStorage.getItem('hotline.session')).toBeNull();
    first.unmount();
    mount(api);
    expect(await screen.findByLabelText('用户名')).toBeInTheDocument();
    expect(api.calls.filter((c) => c.name === 'session.resume')).toHaveLength(1);
  });

  it('adopts new roles pushed by main, and says why when main ends the session', async () => {
    sessionStorage.setItem('hotline.session', TOKEN);
    const { api, fire } = withEvents(fakeApi({ ...base, 'session.resume': (() => ({ ok: true, value: agent })) as never }));
    mount(api);
    expect(await screen.findByTestId('who')).toHaveTextContent('agent:agent_desk');
    fire('session.changed', { ...agent, user: { ...agent.user, roles: ['department'] }, frames: ['department_desk'] });
    expect(screen.getByTestId('who')).toHaveTextContent('department:department_desk');
    fire('session.ended', { reason: 'password_reset' });
    expect(await screen.findByTestId('login-notice')).toHaveTextContent('管理员已重置您的密码');
    expect(sessionStorage.getItem('hotline.session')).toBeNull();
  });
});
