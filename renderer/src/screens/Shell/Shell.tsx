import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { ActionIcon, AppShell, Badge, Box, Button, Group, Loader, Menu, Modal, NavLink, Stack, Text, Tooltip, useMantineColorScheme, useComputedColorScheme } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { Frame, SessionInfo } from '../../../../shared/contract';
import { useSession } from '../../state/session';
import { useApi } from '../../state/api';
import { Brand } from '../../components/Brand';
import { ErrorBoundary } from '../../components/ErrorBoundary';
import { deskNoticeIds, DeskSyncIndicator } from '../../components/DeskSync';
import { useShortcut } from '../../components/Shortcuts';
import { requestTicketSearch } from '../../components/TicketSearch/searchRequest';
import { PhoneProvider, usePhone } from '../../phone/PhoneProvider';
import { ChangePasswordForm } from '../ChangePassword';

const frameComponents: Record<Frame, React.LazyExoticComponent<() => React.JSX.Element>> = {
  agent_desk: lazy(() => import('../../frames/AgentDesk').then((m) => ({ default: m.AgentDesk }))),
  consultation_queue: lazy(() => import('../../frames/ConsultationQueue').then((m) => ({ default: m.ConsultationQueue }))),
  wallboard: lazy(() => import('../../frames/Wallboard').then((m) => ({ default: m.Wallboard }))),
  department_desk: lazy(() => import('../../frames/DepartmentDesk').then((m) => ({ default: m.DepartmentDesk }))),
  admin: lazy(() => import('../../frames/Admin').then((m) => ({ default: m.Admin }))),
  proactive: lazy(() => import('../../frames/Proactive').then((m) => ({ default: m.Proactive }))),
  hotspots: lazy(() => import('../../frames/Hotspots').then((m) => ({ default: m.Hotspots }))),
  outreach: lazy(() => import('../../frames/Outreach').then((m) => ({ default: m.Outreach }))),
};

const frameIcons: Record<Frame, string> = {
  agent_desk: '☎', consultation_queue: '◎', wallboard: '▦', department_desk: '✉', admin: '⚙', proactive: '◆', hotspots: '◉', outreach: '⌂',
};

/** The signed-in console: header, the frames this user's roles open, and the current frame. */
export function Shell() {
  const { session, frame } = useSession();
  return session && frame ? <SignedInShell session={session} frame={frame} /> : null;
}

function SignedInShell({ session, frame }: {
  /** The signed-in user and the frames their roles open. */
  session: SessionInfo;
  /** The frame on display. */
  frame: Frame;
}) {
  const { t, i18n } = useTranslation();
  const { setFrame, logout, info, updateSettings, sessionChanged } = useSession();
  const [changingPassword, setChangingPassword] = useState(false);
  const { connected, api } = useApi();
  // Notices main raises for this user (a write from the desk's outbox reached the center, or was refused).
  // Writes that reached the center one after another share one notice that counts them.
  const synced = useRef(0);
  useEffect(() => api.on('app.notice', (n) => {
    const key = `notices.${n.code}`;
    if (!i18n.exists(key)) return;
    if (n.code === 'desk.synced') {
      synced.current += 1;
      const message = synced.current === 1 ? t(key, n.params ?? {}) : t('notices.desk.syncedMany', { ...n.params, count: synced.current });
      if (synced.current === 1) notifications.show({ id: deskNoticeIds.synced, color: 'teal', message, autoClose: 5000, onClose: () => { synced.current = 0; } });
      else notifications.update({ id: deskNoticeIds.synced, color: 'teal', message, autoClose: 5000 });
      return;
    }
    notifications.show({ color: n.level === 'info' ? 'teal' : n.level === 'warning' ? 'orange' : 'red', message: t(key, n.params ?? {}), autoClose: n.level === 'info' ? 5000 : false });
  }), [api, t, i18n]);
  // A shift lead acted on this user's seat from the wallboard: say who, what and why, until read.
  useEffect(() => api.on('seat.command', (c) => {
    notifications.show({ color: 'orange', autoClose: false, message: t(`notices.seat.${c.action}`, { by: c.byName, reason: c.reasonLabel ?? '', note: c.note }) });
  }), [api, t]);
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');
  const frames = session.frames;
  const Current = frameComponents[frame];

  const toggleTheme = () => {
    const next = scheme === 'dark' ? 'light' : 'dark';
    setColorScheme(next);
    void updateSettings({ theme: next });
  };
  const nextFrame = () => setFrame(frames[(frames.indexOf(frame) + 1) % frames.length]!);

  useShortcut({ id: 'frame.next', combo: 'ctrl+alt+right', labelKey: 'shortcuts.nextFrame', inInputs: true, run: nextFrame });
  useShortcut({ id: 'theme', combo: 'ctrl+alt+t', labelKey: 'shortcuts.toggleTheme', inInputs: true, run: toggleTheme });
  useShortcut({ id: 'logout', combo: 'ctrl+alt+q', labelKey: 'shortcuts.logout', inInputs: true, run: () => void logout() });
  // Ticket search from any frame of a user who has the agent desk (the desk's own Ctrl+K wins there).
  useShortcut({ id: 'search.global', combo: 'ctrl+k', labelKey: 'shortcuts.focusSearch', inInputs: true, fallback: true, enabled: frames.includes('agent_desk'),
    run: () => { setFrame('agent_desk'); requestTicketSearch(); } });
  for (let i = 1; i <= 5; i++) {
    // Fixed count of hook calls: one per possible frame position.
    // eslint-disable-next-line react-hooks/rules-of-hooks
    useShortcut({ id: `frame.${i}`, combo: `alt+${i}`, labelKey: 'shortcuts.frameN', labelParams: { n: i }, inInputs: true, enabled: i <= frames.length, run: () => setFrame(frames[i - 1]!) });
  }

  const shell = (
    <AppShell header={{ height: 52 }} navbar={{ width: 196, breakpoint: 0 }} padding={0}>
      <AppShell.Header px="md">
        <Group h="100%" justify="space-between" wrap="nowrap">
          <Brand />
          <Group gap="sm" wrap="nowrap">
            {frames.includes('agent_desk') && <RingingBadge frame={frame} onGo={() => setFrame('agent_desk')} />}
            {!connected && <Badge color="red" variant="filled" data-testid="connection-down">{t('shell.connection.down')}</Badge>}
            <DeskSyncIndicator onTakeBack={frames.includes('agent_desk') ? () => setFrame('agent_desk') : undefined} />
            {info && <Badge variant="outline" color="gray">{t(`shell.runtime.${info.runtime}`)}</Badge>}
            <Tooltip label={t('shell.theme')}>
              <ActionIcon variant="default" size="lg" onClick={toggleTheme} aria-label={t('shell.theme')}>{scheme === 'dark' ? '☀' : '☾'}</ActionIcon>
            </Tooltip>
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <Group gap={6} style={{ cursor: 'pointer' }} data-testid="user-menu">
                  <Box w={8} h={8} bg={connected ? 'teal.6' : 'red.6'} style={{ borderRadius: '50%' }}
                    aria-label={connected ? t('shell.connection.up') : t('shell.connection.down')} />
                  <Text fw={600} size="sm">{session.user.displayName}</Text>
                  {session.user.roles.map((r) => <Badge key={r} size="sm" variant="light">{t(`roles.${r}`)}</Badge>)}
                </Group>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>{session.user.username}</Menu.Label>
                <Menu.Item onClick={() => setChangingPassword(true)} data-testid="menu-change-password">{t('shell.changePassword')}</Menu.Item>
                <Menu.Item onClick={() => void logout()}>{t('shell.logout')}</Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        <Stack gap={4}>
          {frames.map((f, i) => (
            <NavLink key={f} active={f === frame} onClick={() => setFrame(f)} data-testid={`nav-${f}`}
              label={t(`frames.${f}`)} leftSection={<Text size="sm" w={16} ta="center" aria-hidden>{frameIcons[f]}</Text>}
              rightSection={<Text size="xs" c="dimmed">Alt+{i + 1}</Text>} />
          ))}
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main h="100vh" style={{ display: 'flex', flexDirection: 'column' }}>
        <ErrorBoundary resetKey={frame}>
          <Suspense fallback={<Loader m="xl" />}>
            <Current />
          </Suspense>
        </ErrorBoundary>
      </AppShell.Main>
      <Modal opened={changingPassword} onClose={() => setChangingPassword(false)} title={t('password.modalTitle')} centered>
        <ChangePasswordForm onCancel={() => setChangingPassword(false)} onDone={(s) => {
          setChangingPassword(false);
          sessionChanged(s);
          notifications.show({ color: 'teal', message: t('password.changed') });
        }} />
      </Modal>
    </AppShell>
  );
  // The phone lives above the frames: a call survives switching frames, and rings in any of them.
  return frames.includes('agent_desk') ? <PhoneProvider>{shell}</PhoneProvider> : shell;
}

/** While the phone rings and the desk is not on screen: who is calling, and a way to the desk. */
function RingingBadge({ frame, onGo }: { /** The frame on display. */ frame: Frame; /** Shows the agent desk. */ onGo(): void }) {
  const { t } = useTranslation();
  const { current } = usePhone();
  if (frame === 'agent_desk' || current?.state !== 'ringing') return null;
  return (
    <Button size="xs" color="red" onClick={onGo} data-testid="ringing-elsewhere">
      {t('shell.ringing', { number: current.remoteNumber })}
    </Button>
  );
}
