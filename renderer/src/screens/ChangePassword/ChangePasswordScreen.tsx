import { Anchor, Center, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../state/session';
import { Brand } from '../../components/Brand';
import { ChangePasswordForm } from './ChangePasswordForm';

/** Blocks the console until a password an admin set has been replaced by the user's own. */
export function ChangePasswordScreen() {
  const { t } = useTranslation();
  const { session, sessionChanged, logout } = useSession();
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" radius="md" w={460}>
        <Stack>
          <Brand />
          <Title order={3}>{t('password.forcedTitle')}</Title>
          <Text size="sm" c="dimmed">{t('password.forcedIntro')}</Text>
          {session && <Text size="sm">{session.user.displayName}（{session.user.username}）</Text>}
          <ChangePasswordForm onDone={sessionChanged} />
          <Anchor component="button" type="button" size="sm" c="dimmed" onClick={() => void logout()}>{t('password.forcedLogout')}</Anchor>
        </Stack>
      </Paper>
    </Center>
  );
}
