import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { notifications } from '@mantine/notifications';
import { Button, Stack, Text } from '@mantine/core';
import type { AudioWarning } from '../../../shared/domain/audio-health';
import type { PhoneCall, PhoneStatus, RequestInput, RequestName, RequestOutput, ScreenPop } from '../../../shared/contract';
import { useApi } from '../state/api';
import { useSession } from '../state/session';
import { errorMessage, i18n } from '../i18n';
import { WebRtcMedia } from './webrtc-media';
import { recordCalls } from './call-recorder';
import { Ringtone } from './ringtone';
import { loadDevices } from './devices';

interface PhoneState {
  status: PhoneStatus | null;
  /** The call the agent is working on: ringing or active, consult legs excluded. */
  current: PhoneCall | null;
  consult: PhoneCall | null;
  pop: ScreenPop | null;
  /** The last call that ended, kept for wrap-up. */
  lastEndedCallId: string | null;
  busy: boolean;
  /** Each call's audio warnings now (phone.audioHealth from main); absent: none. */
  audioWarnings: Record<string, AudioWarning[]>;
  /** Audio packet counters of a call carried by this renderer (null for other media). */
  mediaStats(callId: string): Promise<{ sent: number; received: number; lost: number } | null>;
  act<N extends RequestName>(name: N, input: RequestInput<N>): Promise<RequestOutput<N> | null>;
  refresh(): Promise<void>;
}

const PhoneContext = createContext<PhoneState | null>(null);

/** A call the network dropped (the far end vanished): say so, and offer to call the citizen back in one click. */
function showDropped(api: ReturnType<typeof useApi>['api'], number: string) {
  const id = `dropped-${Date.now()}`;
  const callBack = async () => {
    notifications.hide(id);
    const r = await api.request('phone.dial', { number });
    if (!r.ok) notifications.show({ color: 'red', message: errorMessage(r.error) });
  };
  notifications.show({
    id, color: 'red', autoClose: false, title: i18n.t('phone.dropped.title'),
    message: (
      <Stack gap={6}>
        <Text size="sm">{i18n.t('phone.dropped.body', { number })}</Text>
        <Button size="xs" color="teal" onClick={() => void callBack()} data-testid="dropped-call-back">{i18n.t('phone.dropped.callBack', { number })}</Button>
      </Stack>
    ),
  });
}

/** Keeps the softphone's state in step with main's events, and owns the audio of the calls. */
export function PhoneProvider({ children }: { /** The desk that shows the phone. */ children: ReactNode }) {
  const { api } = useApi();
  const { info } = useSession();
  // In Electron a hidden media window owns the audio; in a browser this page does.
  const ownsAudio = info?.mediaHost !== 'window';
  const [status, setStatus] = useState<PhoneStatus | null>(null);
  const [pop, setPop] = useState<ScreenPop | null>(null);
  const [lastEndedCallId, setLastEnded] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [audioWarnings, setAudioWarnings] = useState<Record<string, AudioWarning[]>>({});
  const media = useMemo(() => {
    const m = new WebRtcMedia(api);
    recordCalls(m, api);
    return m;
  }, [api]);
  const [ring] = useState(() => new Ringtone());

  const refresh = useCallback(async () => {
    const r = await api.request('phone.status', {});
    if (r.ok) setStatus(r.value);
  }, [api]);

  useEffect(() => {
    void (async () => {
      const r = await api.request('phone.status', {});
      if (!r.ok) return;
      setStatus(r.value);
      // Opened (or reloaded, or back from a crash) while a citizen's call is up in main: their screen pop comes back with it.
      const call = r.value.calls.find((c) => !c.consultForCallId && c.direction === 'inbound' && c.state !== 'ended');
      if (!call) return;
      const p = await api.request('phone.screenPop', { callId: call.callId });
      if (p.ok) setPop((shown) => shown ?? p.value);
    })();
    if (ownsAudio) void api.request('media.attach', {});
    const offs = [
      media.listen(),
      api.on('phone.registration', (registration) => setStatus((s) => (s ? { ...s, registration } : s))),
      api.on('phone.agent', (agent) => setStatus((s) => (s ? { ...s, agent } : s))),
      api.on('phone.call', (call) => setStatus((s) => {
        if (!s) return s;
        const others = s.calls.filter((c) => c.callId !== call.callId);
        return { ...s, calls: call.state === 'ended' ? others : [...others, call] };
      })),
      api.on('phone.incoming', (inc) => {
        if (inc.rejected?.reason === 'rejected-media') {
          // Not the agent's doing and not theirs to fix: say what happened and who can fix it; it stays until read.
          notifications.show({
            color: 'red', autoClose: false, title: i18n.t('phone.mediaRefusedTitle'),
            message: i18n.t('phone.mediaRefused', { number: inc.remoteNumber, code: inc.rejected.code, problem: i18n.t(`phone.mediaProblem.${inc.rejected.mediaProblem ?? 'no-dtls'}`) }),
          });
          return;
        }
        if (inc.autoRejected) {
          notifications.show({ color: 'orange', message: i18n.t('phone.autoRejected', { number: inc.remoteNumber }) });
          return;
        }
        void api.request('phone.screenPop', { callId: inc.callId }).then((r) => { if (r.ok) setPop(r.value); });
      }),
      api.on('phone.hangupSignal', (h) => {
        // One notice per call, updated in place: pending until the BYE reaches the citizen's side.
        const id = `hangup-${h.callId}`;
        const shown = { id, title: i18n.t('phone.hangupSignal.title'), message: i18n.t(`phone.hangupSignal.${h.state}`) };
        if (h.state === 'pending') notifications.show({ ...shown, color: 'orange', loading: true, autoClose: false });
        else notifications.update({ ...shown, color: h.state === 'sent' ? 'teal' : 'red', loading: false, autoClose: h.state === 'sent' ? 5000 : false });
      }),
      api.on('phone.audioHealth', (h) => setAudioWarnings((w) => {
        const { [h.callId]: _gone, ...rest } = w;
        return h.warnings.length ? { ...rest, [h.callId]: h.warnings } : rest;
      })),
      api.on('phone.ended', (e) => {
        setAudioWarnings((w) => { const { [e.callId]: _gone, ...rest } = w; return rest; });
        setStatus((s) => (s ? { ...s, calls: s.calls.filter((c) => c.callId !== e.callId) } : s));
        if (!e.missed) setLastEnded(e.callId);
        if (e.endReason === 'connection-lost') showDropped(api, e.remoteNumber);
        if (e.missed && e.endReason !== 'rejected-media') notifications.show({ color: 'orange', message: i18n.t('phone.missed', { number: e.remoteNumber }) });
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [api, media, ownsAudio]);

  const calls = status?.calls ?? [];
  const current = calls.find((c) => !c.consultForCallId) ?? null;
  const consult = calls.find((c) => c.consultForCallId) ?? null;
  const ringing = current?.state === 'ringing';

  useEffect(() => {
    if (ringing) void ring.start(loadDevices().ringerId ?? loadDevices().speakerId);
    else ring.stop();
    return () => ring.stop();
  }, [ringing, ring]);

  const act = useCallback(async <N extends RequestName>(name: N, input: RequestInput<N>) => {
    setBusy(true);
    const r = await api.request(name, input);
    setBusy(false);
    if (!r.ok) {
      notifications.show({ color: 'red', message: errorMessage(r.error) });
      return null;
    }
    return r.value;
  }, [api]);

  const value: PhoneState = { status, current, consult, pop: pop && (!current || pop.callId === current.callId || current.state !== 'ringing') ? pop : null, lastEndedCallId, busy, audioWarnings, act, refresh, mediaStats: (callId) => media.stats(callId) };
  return <PhoneContext.Provider value={value}>{children}</PhoneContext.Provider>;
}

export function usePhone(): PhoneState {
  const ctx = useContext(PhoneContext);
  if (!ctx) throw new Error('usePhone outside PhoneProvider');
  return ctx;
}
