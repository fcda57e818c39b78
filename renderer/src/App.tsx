import { useEffect } from 'react';
import { Center, Loader, MantineProvider, Stack, Text, useMantineColorScheme } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { ConsoleApi } from '../../shared/contract';
import { ApiProvider } from './state/api';
import { SessionProvider, useSession } from './state/session';
import { ShortcutsProvider } from './components/Shortcuts';
import { ErrorBoundary } from './components/ErrorBoundary';
import { ChineseDates } from './components/DateFields';
import { LoginScreen } from './screens/Login';
import { SetupScreen } from './screens/Setup';
import { Shell } from './screens/Shell';
import { ChangePasswordScreen } from './screens/ChangePassword';
import { theme } from './theme';
import { MediaHost } from './phone/MediaHost';

function Gate() {
  const { t } = useTranslation();
  const { info, session, settings } = useSession();
  const { setColorScheme } = useMantineColorScheme();
  useEffect(() => { if (settings) setColorScheme(settings.theme); }, [settings, setColorScheme]);
  if (!info) return <Center h="100vh"><Stack align="center"><Loader /><Text c="dimmed">{t('app.loading')}</Text></Stack></Center>;
  if (info.setupRequired) return <SetupScreen />;
  if (!session) return <LoginScreen />;
  if (session.mustChangePassword) return <ChangePasswordScreen />;
  return <Shell />;
}

/** The whole renderer; `api` is injected by component tests, chosen by transport in the app. */
export function App({ api }: {
  /** A contract client to use instead of the real transport. */
  api?: ConsoleApi;
}) {
  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      <ChineseDates>
      <Notifications position="bottom-right" />
      <ErrorBoundary>
        <ApiProvider api={api}>
          <SessionProvider>
            <ShortcutsProvider>
              <Gate />
            </ShortcutsProvider>
          </SessionProvider>
        </ApiProvider>
      </ErrorBoundary>
      </ChineseDates>
    </MantineProvider>
  );
}

/** The hidden media window: no UI, only the calls' audio. */
export function MediaApp() {
  return <ApiProvider><MediaHost /></ApiProvider>;
}
