import { useEffect, useState } from 'react';
import { Alert, Badge, Button, Group, Menu, Paper, Select, SimpleGrid, Stack, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { DutyTransferTarget, PhoneCall } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { usePhone } from '../PhoneProvider';
import { useShortcut } from '../../components/Shortcuts';
import { DeviceSettings } from '../DeviceSettings';
import { SelfTest } from '../SelfTest';

const regColor: Record<string, string> = { registered: 'teal', registering: 'blue', reconnecting: 'orange', failed: 'red', stopped: 'gray' };
/** Failure kinds main reports (RegistrationCause); anything else is explained generically. */
const CAUSES = new Set(['unreachable', 'timeout', 'lost', 'keepalive', 'certificate', 'auth', 'forbidden', 'not-found', 'unavailable', 'refused']);
const agentColor: Record<string, string> = { ready: 'teal', not_ready: 'orange', on_call: 'blue', after_call_work: 'violet', logged_out: 'gray' };

function useElapsed(sinceMs: number | null): string {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (sinceMs === null) return;
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [sinceMs]);
  if (sinceMs === null) return '';
  const s = Math.max(0, Math.floor((now - sinceMs) / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * Hands the caller to a CPPCC member or liaison expert on duty (attended transfer): calls them with
 * the ticket of this call attached, so their console opens it; the agent then completes or cancels.
 */
function DutyHandOver({ callId }: { callId: string }) {
  const { t } = useTranslation();
  const { api } = useApi();
  const { act } = usePhone();
  const [targets, setTargets] = useState<DutyTransferTarget[] | null>(null);
  const load = () => void api.request('phone.dutyTargets', {}).then((r) => setTargets(r.ok ? r.value : []));
  const available = (d: DutyTransferTarget) => d.extension !== null && d.registered && d.agent === 'ready';
  return (
    <Menu position="bottom-start" withinPortal onOpen={load} width={260}>
      <Menu.Target>
        <Button size="xs" color="grape" variant="light" data-testid="duty-handover">{t('phone.dutyHandOver')}</Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t('phone.dutyOnNow')}</Menu.Label>
        {targets === null && <Menu.Item disabled>{t('phone.loading')}</Menu.Item>}
        {targets?.length === 0 && <Menu.Item disabled>{t('phone.nobodyOnDuty')}</Menu.Item>}
        {targets?.map((d) => (
          <Menu.Item key={`${d.userId}-${d.desk}`} disabled={!available(d)} data-testid={`handover-${d.extension ?? d.userId}`}
            onClick={() => d.extension && void act('phone.startConsult', { callId, target: d.extension })}
            rightSection={<Text size="xs" c={available(d) ? 'teal' : 'dimmed'}>{d.extension === null ? t('phone.noPhone') : !d.registered ? t('phone.agent.logged_out') : t(`phone.agent.${d.agent}`)}</Text>}>
            {d.name} · {t(`consultation.desks.${d.desk}`)}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}

/** The seat's phone: registration, agent state, the call in hand and its controls, wrap-up. */
export function Softphone() {
  const { t } = useTranslation();
  const { status, current, consult, lastEndedCallId, busy, act, refresh } = usePhone();
  const [target, setTarget] = useState('');
  const [dial, setDial] = useState('');
  // The code picked for one call, until main confirms it; a new call starts with none.
  const [wrapUp, setWrapUp] = useState<{ callId: string; code: string } | null>(null);
  const [selfTestOpen, setSelfTestOpen] = useState(false);
  const agent = status?.agent;
  const callSince = useElapsed(agent?.name === 'on_call' ? Date.parse(agent.since) : null);

  const answer = () => { if (current?.state === 'ringing') void act('phone.answer', { callId: current.callId }); };
  const hangup = () => { if (current) void act(current.state === 'ringing' ? 'phone.reject' : 'phone.hangup', { callId: current.callId }); };
  const hold = () => { if (current?.state === 'active') void act('phone.hold', { callId: current.callId, held: !current.held }); };
  const mute = () => { if (current?.state === 'active') void act('phone.mute', { callId: current.callId, muted: !current.muted }); };
  useShortcut({ id: 'phone.answer', combo: 'f5', labelKey: 'phone.shortcutAnswer', inInputs: true, run: answer });
  useShortcut({ id: 'phone.hangup', combo: 'f6', labelKey: 'phone.shortcutHangup', inInputs: true, run: hangup });
  useShortcut({ id: 'phone.hold', combo: 'f7', labelKey: 'phone.shortcutHold', inInputs: true, run: hold });
  useShortcut({ id: 'phone.mute', combo: 'f8', labelKey: 'phone.shortcutMute', inInputs: true, run: mute });

  if (!status) return null;
  if (!status.configured) return <Text size="sm" c="dimmed">{t('agentDesk.phoneNotConfigured')}</Text>;
  const reg = status.registration;
  // The first 就绪 of a sign-in waits for a passed self-test where the admin requires one.
  const selfTestDue = status.selfTest.required && status.selfTest.passedAt === null;
  const setReady = () => (selfTestDue ? setSelfTestOpen(true) : void act('phone.setReady', {}));
  // Set by main while the phone cannot receive calls (see UNREGISTERED): not a break the agent chose.
  const wrapUpCallId = agent?.name === 'after_call_work' ? agent.callId ?? lastEndedCallId : null;
  const unregistered = agent?.name === 'not_ready' && agent.reason === 'unregistered';

  return (
    <Stack gap="sm" data-testid="softphone">
      <Group justify="space-between">
        <Group gap={4}><Title order={5}>{t('agentDesk.phoneTitle')}</Title><DeviceSettings /></Group>
        <Tooltip label={reg.reason ?? ''} disabled={!reg.reason}>
          <Badge color={regColor[reg.state]} variant="light" data-testid="registration">{t(`phone.registration.${reg.state}`)}</Badge>
        </Tooltip>
      </Group>
      {(reg.state === 'failed' || reg.state === 'reconnecting') && (
        <Paper withBorder p="xs" data-testid="registration-problem">
          <Text size="xs" fw={600} c={reg.state === 'failed' ? 'red' : 'orange'}>
            {t(`phone.regCause.${reg.cause && CAUSES.has(reg.cause) ? reg.cause : 'unknown'}.what`)}{reg.code ? `（${reg.code}）` : ''}
          </Text>
          <Text size="xs" c="dimmed">{t(`phone.regCause.${reg.cause && CAUSES.has(reg.cause) ? reg.cause : 'unknown'}.check`)}</Text>
          {reg.state === 'reconnecting' && <Text size="xs" c="dimmed">{t('phone.regRetrying')}</Text>}
        </Paper>
      )}

      {agent?.name === 'logged_out' ? (
        <Button onClick={() => void act('phone.signIn', {})} loading={busy} data-testid="phone-sign-in">{t('phone.signIn')}</Button>
      ) : agent && (
        <>
          <Group justify="space-between">
            {unregistered ? (
              <Badge size="lg" color="red" data-testid="agent-state">{t('phone.agent.unregistered')}</Badge>
            ) : (
              <Badge size="lg" color={agentColor[agent.name]} data-testid="agent-state">
                {t(`phone.agent.${agent.name}`)}{agent.name === 'not_ready' && agent.reason && agent.reason !== 'login' ? ` · ${status.notReadyReasons.find((r) => r.code === agent.reason)?.label ?? agent.reason}` : ''}
              </Badge>
            )}
            {agent.name === 'on_call' && <Text ff="monospace" size="sm">{callSince}</Text>}
          </Group>
          {agent.name === 'not_ready' && (status.selfTest.required || status.selfTest.echo) && (
            <Group gap="xs" justify="space-between" wrap="nowrap">
              {selfTestDue
                ? <Text size="xs" c="orange" data-testid="self-test-due">{t('phone.selfTest.required')}</Text>
                : <Text size="xs" c="dimmed">{status.selfTest.passedAt ? t('phone.selfTest.passedAt') : ''}</Text>}
              <Button size="compact-xs" variant={selfTestDue ? 'filled' : 'subtle'} color={selfTestDue ? 'orange' : 'gray'} onClick={() => setSelfTestOpen(true)} data-testid="self-test-open">{t('phone.selfTest.open')}</Button>
            </Group>
          )}
          {unregistered && <Text size="xs" c="red" data-testid="unregistered-hint">{t('phone.unregisteredHint')}</Text>}
          {(agent.name === 'not_ready' || agent.name === 'ready') && (
            <Group gap="xs" grow>
              <Button color="teal" variant={agent.name === 'ready' ? 'filled' : 'light'} onClick={setReady} data-testid="set-ready">{t('phone.ready')}</Button>
              <Select placeholder={t('phone.notReady')} data={status.notReadyReasons.map((r) => ({ value: r.code, label: r.label }))} value={null}
                onChange={(v) => v && void act('phone.setNotReady', { reason: v })} aria-label={t('phone.notReady')} data-testid="set-not-ready" />
            </Group>
          )}
        </>
      )}

      <SelfTest opened={selfTestOpen} onClose={() => { setSelfTestOpen(false); void refresh(); }} echo={status.selfTest.echo}
        onPassed={() => void act('phone.setReady', {})} />
      {current && <CallCard call={current} />}
      {current?.state === 'ringing' && (
        <Group grow>
          <Button color="teal" onClick={answer} loading={busy} data-testid="answer">{t('phone.answer')} (F5)</Button>
          <Button color="red" variant="light" onClick={hangup} data-testid="reject">{t('phone.reject')}</Button>
        </Group>
      )}
      {current?.state === 'active' && (
        <Stack gap="xs">
          <SimpleGrid cols={3} spacing="xs">
            <Button variant={current.held ? 'filled' : 'default'} color="yellow" onClick={hold} data-testid="hold">{current.held ? t('phone.resume') : t('phone.hold')}</Button>
            <Button variant={current.muted ? 'filled' : 'default'} color="gray" onClick={mute} data-testid="mute">{current.muted ? t('phone.unmute') : t('phone.mute')}</Button>
            <Button color="red" onClick={hangup} data-testid="hangup">{t('phone.hangup')}</Button>
          </SimpleGrid>
          <SimpleGrid cols={4} spacing={4}>
            {['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'].map((k) => (
              <Button key={k} size="compact-sm" variant="default" onClick={() => void act('phone.dtmf', { callId: current.callId, tones: k })}>{k}</Button>
            ))}
          </SimpleGrid>
          <TextInput size="xs" placeholder={t('phone.transferTarget')} value={target} onChange={(e) => setTarget(e.currentTarget.value)} aria-label={t('phone.transferTarget')} />
          {consult ? (
            <Group grow>
              <Button size="xs" disabled={consult.state !== 'active'} onClick={() => void act('phone.completeTransfer', { consultCallId: consult.callId })}>{t('phone.completeTransfer')}</Button>
              <Button size="xs" variant="default" onClick={() => void act('phone.cancelConsult', { consultCallId: consult.callId })}>{t('phone.cancelConsult')}</Button>
            </Group>
          ) : (
            <>
              <Group grow>
                <Button size="xs" variant="default" disabled={!target} onClick={() => void act('phone.blindTransfer', { callId: current.callId, target })}>{t('phone.blindTransfer')}</Button>
                <Button size="xs" variant="default" disabled={!target} onClick={() => void act('phone.startConsult', { callId: current.callId, target })}>{t('phone.consult')}</Button>
              </Group>
              <DutyHandOver callId={current.callId} />
            </>
          )}
          {consult && <Text size="xs" c="dimmed" data-testid="consult-status">{t('phone.consulting', { target: consult.remoteNumber })}{consult.ticketId ? ` · ${t('phone.withTicket')}` : ''}</Text>}
        </Stack>
      )}

      {agent?.name === 'after_call_work' && (
        <Paper withBorder p="sm" data-testid="wrap-up">
          <Stack gap="xs">
            <Text size="sm" fw={600}>{t('phone.wrapUpTitle')}</Text>
            <Select data={status.wrapUpCodes.map((r) => ({ value: r.code, label: r.label }))} allowDeselect={false}
              value={agent.wrapUpCode ?? (wrapUp && wrapUp.callId === wrapUpCallId ? wrapUp.code : null)}
              onChange={(v) => {
                if (!v || !wrapUpCallId) return;
                setWrapUp({ callId: wrapUpCallId, code: v });
                // Refused (e.g. the call changed meanwhile): show nothing picked rather than a code main does not have.
                void act('phone.wrapUp', { callId: wrapUpCallId, code: v }).then((r) => { if (r === null) setWrapUp(null); });
              }}
              placeholder={t('phone.wrapUpPick')} aria-label={t('phone.wrapUpPick')} data-testid="wrap-up-code" />
            <Button color="teal" disabled={!agent.wrapUpCode} onClick={() => void act('phone.setReady', {})} data-testid="wrap-up-ready">{t('phone.ready')}</Button>
          </Stack>
        </Paper>
      )}

      {agent && agent.name !== 'logged_out' && !current && (
        <Group gap="xs" wrap="nowrap">
          <TextInput size="xs" style={{ flex: 1 }} placeholder={t('phone.dialPlaceholder')} value={dial} onChange={(e) => setDial(e.currentTarget.value)} aria-label={t('phone.dialPlaceholder')} />
          <Button size="xs" disabled={!dial} onClick={() => void act('phone.dial', { number: dial })}>{t('phone.dial')}</Button>
        </Group>
      )}
      {agent && agent.name !== 'logged_out' && !current && (
        <Button size="xs" variant="subtle" color="gray" onClick={() => void act('phone.signOut', {})}>{t('phone.signOut')}</Button>
      )}
    </Stack>
  );
}

function useMediaStats(call: PhoneCall) {
  const { mediaStats } = usePhone();
  const [stats, setStats] = useState<{ sent: number; received: number; lost: number } | null>(null);
  useEffect(() => {
    if (call.state !== 'active') return;
    const id = setInterval(() => void mediaStats(call.callId).then(setStats), 1000);
    return () => clearInterval(id);
  }, [call.callId, call.state, mediaStats]);
  return stats;
}

function CallCard({ call }: { /** The call shown. */ call: PhoneCall }) {
  const { t } = useTranslation();
  const ringing = call.state === 'ringing';
  const stats = useMediaStats(call);
  const warnings = usePhone().audioWarnings[call.callId] ?? [];
  return (
    <Paper withBorder p="sm" bg={ringing ? 'var(--mantine-color-teal-light)' : undefined} data-testid="call-card">
      <Text size="xs" c="dimmed">{t(`phone.callState.${call.state}`)}{call.held ? ` · ${t('phone.held')}` : ''}{call.muted ? ` · ${t('phone.muted')}` : ''}</Text>
      {call.ticketId && <Badge color="grape" variant="light" size="sm" mt={2} data-testid="call-with-ticket">{t('phone.withTicketBadge')}</Badge>}
      <Text fw={700} fz={22} ff="monospace" data-testid="call-number">{call.remoteNumber}</Text>
      {call.remoteDisplayName && <Text size="sm">{call.remoteDisplayName}</Text>}
      {stats && (
        // Orange while nothing arrives: the count so far stays above 0 after the far end's audio stops.
        <Text size="xs" c={stats.received > 0 && !warnings.includes('no_inbound') ? 'teal' : 'orange'} data-testid="media-stats" data-received={stats.received} data-sent={stats.sent}>
          {t('phone.mediaStats', { sent: stats.sent, received: stats.received, lost: stats.lost })}
        </Text>
      )}
      {warnings.map((w) => (
        <Alert key={w} color="orange" variant="light" p="xs" mt={6} title={t(`phone.audioHealth.${w}.title`)} data-testid={`audio-warning-${w}`}>
          <Text size="xs">{t(`phone.audioHealth.${w}.hint`)}</Text>
        </Alert>
      ))}
    </Paper>
  );
}
