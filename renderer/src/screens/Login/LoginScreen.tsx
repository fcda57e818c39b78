import { useState, type FormEvent } from 'react';
import { Alert, Badge, Button, Center, Group, Paper, PasswordInput, Stack, Table, Text, TextInput, Title, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../state/api';
import { useSession } from '../../state/session';
import { errorMessage } from '../../i18n';
import { Brand } from '../../components/Brand';

/** Sign-in; on a demo store it lists the demo accounts, one per role. */
export function LoginScreen() {
  const { t } = useTranslation();
  const { api } = useApi();
  const { info, signedIn, notice } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [fieldErrors, setFieldErrors] = useState<{ username?: string; password?: string }>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const fe = {
      username: username.trim() ? undefined : t('login.usernameRequired'),
      password: password ? undefined : t('login.passwordRequired'),
    };
    setFieldErrors(fe);
    if (fe.username || fe.password) return;
    setBusy(true);
    setError(null);
    const r = await api.request('session.login', { username: username.trim(), password });
    setBusy(false);
    if (r.ok) await signedIn(r.value);
    else {
      setError(errorMessage(r.error));
      setPassword('');
    }
  };

  return (
    <Center mih="100vh" bg="var(--mantine-color-body)" p="md">
      <Group align="stretch" gap="xl" wrap="nowrap">
        <Paper withBorder shadow="sm" p="xl" radius="md" w={380}>
          <form onSubmit={submit} noValidate aria-label={t('login.title')}>
            <Stack>
              <Brand />
              <Text c="dimmed" size="sm">{t('login.subtitle')}</Text>
              <Title order={3}>{t('login.title')}</Title>
              {error && <Alert color="red" role="alert" data-testid="login-error">{error}</Alert>}
              {!error && notice && <Alert color="orange" role="status" data-testid="login-notice">{notice}</Alert>}
              <TextInput label={t('login.username')} value={username} autoFocus autoComplete="username"
                onChange={(e) => setUsername(e.currentTarget.value)} error={fieldErrors.username} name="username" />
              <PasswordInput label={t('login.password')} value={password} autoComplete="current-password"
                onChange={(e) => setPassword(e.currentTarget.value)} error={fieldErrors.password} name="password" />
              <Button type="submit" loading={busy} fullWidth>{t('login.submit')}</Button>
              {info && <Text size="xs" c="dimmed" ta="center">{t(`shell.runtime.${info.runtime}`)} · {t('app.version', { version: info.version })}</Text>}
            </Stack>
          </form>
        </Paper>
        {info?.demo && info.demoAccounts.length > 0 && (
          <Paper withBorder p="lg" radius="md" w={360} data-testid="demo-accounts">
            <Stack gap="xs">
              <Title order={5}>{t('login.demoTitle')}</Title>
              <Text size="xs" c="dimmed">{t('login.demoHint')}</Text>
              <Table highlightOnHover verticalSpacing={4}>
                <Table.Tbody>
                  {info.demoAccounts.map((a) => (
                    <Table.Tr key={a.username}>
                      <Table.Td>
                        <UnstyledButton onClick={() => { setUsername(a.username); setPassword(a.password); setError(null); }}>
                          <Text size="sm" ff="monospace">{a.username}</Text>
                        </UnstyledButton>
                      </Table.Td>
                      <Table.Td><Badge variant="light" size="sm">{t(`roles.${a.role}`)}</Badge></Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              <Text size="xs" c="dimmed">{t('login.password')}：<Text span ff="monospace" size="xs">{info.demoAccounts[0]?.password}</Text></Text>
            </Stack>
          </Paper>
        )}
      </Group>
    </Center>
  );
}
