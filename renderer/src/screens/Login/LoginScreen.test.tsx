import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MantineProvider } from '@mantine/core';
import { render } from '@testing-library/react';
import { LoginScreen } from './LoginScreen';
import { ApiProvider } from '../../state/api';
import { SessionProvider } from '../../state/session';
import { fakeApi } from '../../../test/fake-api';

const info = { version: '1.0', setupRequired: false, demo: true, runtime: 'host', demoAccounts: [{ username: 'agent01', role: 'agent', password: 'Demo-12345' }] };

function renderLogin(api = fakeApi()) {
  return render(<MantineProvider><ApiProvider api={api}><SessionProvider><LoginScreen /></SessionProvider></ApiProvider></MantineProvider>);
}

describe('LoginScreen', () => {
  it('says in Chinese that the name or password is wrong, and clears the password', async () => {
    const api = fakeApi({
      'app.info': (() => ({ ok: true, value: info })) as never,
      'session.current': (() => ({ ok: true, value: null })) as never,
      'session.login': (() => ({ ok: false, error: { code: 'login_failed' } })) as never,
    });
    const user = userEvent.setup();
    renderLogin(api);
    await user.type(screen.getByLabelText('用户名'), 'agent01');
    await user.type(screen.getByLabelText('密码'), 'nope');
    await user.click(screen.getByRole('button', { name: '登录' }));
    expect(await screen.findByTestId('login-error')).toHaveTextContent('用户名或密码错误。');
    expect(screen.getByLabelText('密码')).toHaveValue('');
  });

  it('asks for the missing fields without calling main', async () => {
    const api = fakeApi({ 'app.info': (() => ({ ok: true, value: info })) as never, 'session.current': (() => ({ ok: true, value: null })) as never });
    const user = userEvent.setup();
    renderLogin(api);
    await user.click(screen.getByRole('button', { name: '登录' }));
    expect(await screen.findByText('请输入用户名')).toBeInTheDocument();
    expect(screen.getByText('请输入密码')).toBeInTheDocument();
    expect(api.calls.some((c) => c.name === 'session.login')).toBe(false);
  });

  it('fills a demo account with one click', async () => {
    const api = fakeApi({ 'app.info': (() => ({ ok: true, value: info })) as never, 'session.current': (() => ({ ok: true, value: null })) as never });
    const user = userEvent.setup();
    renderLogin(api);
    await user.click(await screen.findByText('agent01'));
    expect(screen.getByLabelText('用户名')).toHaveValue('agent01');
    expect(screen.getByLabelText('密码')).toHaveValue('Demo-12345');
  });

  it('explains a lockout with the minutes left', async () => {
    const api = fakeApi({
      'app.info': (() => ({ ok: true, value: info })) as never,
      'session.current': (() => ({ ok: true, value: null })) as never,
      'session.login': (() => ({ ok: false, error: { code: 'account_locked', details: { minutes: 15 } } })) as never,
    });
    const user = userEvent.setup();
    renderLogin(api);
    await user.type(screen.getByLabelText('用户名'), 'agent01');
    await user.type(screen.getByLabelText('密码'), 'x');
    await user.click(screen.getByRole('button', { name: '登录' }));
    expect(await screen.findByTestId('login-error')).toHaveTextContent('15 分钟');
  });
});
