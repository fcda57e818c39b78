import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { notifications } from '@mantine/notifications';
import type { AppInfo, Frame, SessionInfo, UserSettings } from '../../../shared/contract';
import { useApi } from './api';
import { i18n } from '../i18n';

interface SessionState {
  info: AppInfo | null;
  session: SessionInfo | null;
  settings: UserSettings | null;
  frame: Frame | null;
  setFrame(f: Frame): void;
  signedIn(s: SessionInfo): Promise<void>;
  logout(): Promise<void>;
  refreshInfo(): Promise<void>;
  updateSettings(patch: Partial<UserSettings>): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { /** The app below the session gate. */ children: ReactNode }) {
  const { api, connected } = useApi();
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [settings, setSettings] = useState<UserSettings | null>(null);
  const [frame, setFrameState] = useState<Frame | null>(null);

  const refreshInfo = useCallback(async () => {
    const r = await api.request('app.info', {});
    if (r.ok) setInfo(r.value);
  }, [api]);

  const signedIn = useCallback(async (s: SessionInfo) => {
    const st = await api.request('settings.get', {});
    const userSettings = st.ok ? st.value : { theme: 'light' as const, lastFrame: null, intakeChannel: null };
    setSettings(userSettings);
    setFrameState(userSettings.lastFrame && s.frames.includes(userSettings.lastFrame) ? userSettings.lastFrame : s.frames[0] ?? null);
    setSession(s);
  }, [api]);

  // On start and after every reconnect, ask main who we are: a restarted host has forgotten us.
  useEffect(() => {
    if (!connected) return;
    void (async () => {
      await refreshInfo();
      const r = await api.request('session.current', {});
      if (r.ok && r.value) await signedIn(r.value);
      else if (r.ok) setSession(null);
    })();
  }, [api, connected, refreshInfo, signedIn]);

  useEffect(() => api.on('session.ended', (p) => {
    setSession(null);
    notifications.show({ color: 'orange', message: i18n.t(`sessionEnded.${p.reason}`) });
  }), [api]);

  const value: SessionState = {
    info, session, settings, frame,
    setFrame: (f) => {
      setFrameState(f);
      void api.request('settings.update', { lastFrame: f });
    },
    signedIn,
    logout: async () => {
      await api.request('session.logout', {});
      setSession(null);
      setFrameState(null);
    },
    refreshInfo,
    updateSettings: async (patch) => {
      const r = await api.request('settings.update', patch);
      if (r.ok) setSettings(r.value);
    },
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}
