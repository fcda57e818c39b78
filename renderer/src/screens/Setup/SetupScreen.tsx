import { useState, type FormEvent } from 'react';
import { Alert, Button, Center, Divider, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../state/api';
import { useSession } from '../../state/session';
import { errorMessage } from '../../i18n';
import { Brand } from '../../components/Brand';
import { PasswordRules } from '../../components/PasswordRules';
import { problemMessage } from '../../i18n/problems';

type Field = 'username' | 'displayName' | 'password' | 'confirm';

/** First run on an empty store: create the first admin, or load generated demo data. */
export function SetupScreen() {
  const { t } = useTranslation();
  const { api } = useApi();
  const { signedIn, refreshInfo } = useSession();
  const [form, setForm] = useState<Record<Field, string>>({ username: 'admin', displayName: '', password: '', confirm: '' });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'admin' | 'demo' | null>(null);
  const set = (f: Field) => (e: { currentTarget: { value: string } }) => setForm({ ...form, [f]: e.currentTarget.value });

  const createAdmin = async (e: FormEvent) => {
    e.preventDefault();
    const fe: Partial<Record<Field, string>> = {};
    if (form.password !== form.confirm) fe.confirm = t('setup.passwordMismatch');
    if (!form.displayName.trim()) fe.displayName = t('validation.required');
    setErrors(fe);
    if (Object.keys(fe).length) return;
    setBusy('admin');
    const r = await api.request('setup.createFirstAdmin', { username: form.username.trim(), displayName: form.displayName.trim(), password: form.password });
    setBusy(null);
    if (!r.ok) {
      setError(errorMessage(r.error));
      const byField: Partial<Record<Field, string>> = {};
      for (const i of r.error.issues ?? []) byField[i.path as Field] = problemMessage(i.problem, i.path);
      if (r.error.code === 'weak_password') byField.password = t('setup.passwordRule');
      setErrors(byField);
      return;
    }
    await refreshInfo();
    await signedIn(r.value);
  };

  const loadDemo = async () => {
    setBusy('demo');
    const r = await api.request('setup.loadDemoData', {});
    setBusy(null);
    if (!r.ok) setError(errorMessage(r.error));
    await refreshInfo();
  };

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" radius="md" w={480}>
        <Stack>
          <Brand />
          <Title order={3}>{t('setup.title')}</Title>
          <Text size="sm" c="dimmed">{t('setup.intro')}</Text>
          {error && <Alert color="red" role="alert">{error}</Alert>}
          <form onSubmit={createAdmin} noValidate>
            <Stack gap="sm">
              <TextInput label={t('admin.users.username')} value={form.username} onChange={set('username')} error={errors.username} required />
              <TextInput label={t('setup.displayName')} value={form.displayName} onChange={set('displayName')} error={errors.displayName} required />
              <PasswordInput label={t('login.password')} description={form.password ? undefined : t('setup.passwordRule')} value={form.password} onChange={set('password')} error={errors.password} required />
              <PasswordInput label={t('setup.confirmPassword')} value={form.confirm} onChange={set('confirm')} error={errors.confirm} required />
              {/* The short rule until the user types; then each rule ticked off (and the page stays within 768 px). */}
              {form.password && <PasswordRules password={form.password} confirm={form.confirm} />}
              <Button type="submit" loading={busy === 'admin'} disabled={busy === 'demo'}>{t('setup.createAdmin')}</Button>
            </Stack>
          </form>
          <Divider label={t('setup.or')} />
          <Text size="sm" c="dimmed">{t('setup.loadDemoHint')}</Text>
          <Button variant="light" onClick={loadDemo} loading={busy === 'demo'} disabled={busy === 'admin'}>{t('setup.loadDemo')}</Button>
        </Stack>
      </Paper>
    </Center>
  );
}
