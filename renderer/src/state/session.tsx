import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { AppInfo, Frame, SessionInfo, SignedIn, UserSettings } from '../../../shared/contract';
import { useApi } from './api';
import { errorMessage, i18n } from '../i18n';

interface SessionState {
  info: AppInfo | null;
  session: SessionInfo | null;
  settings: UserSettings | null;
  frame: Frame | null;
  /** Why the user is on the login screen again (session ended, expired, revoked); null after a fresh start. */
  notice: string | null;
  setFrame(f: Frame): void;
  /** After sign-in (or first-admin setup): keeps the token for this tab and opens the console. */
  signedIn(s: SignedIn | SessionInfo): Promise<void>;
  /** After the user changed their password: the refreshed session. */
  sessionChanged(s: SessionInfo): void;
  logout(): Promise<void>;
  refreshInfo(): Promise<void>;
  updateSettings(patch: Partial<UserSettings>): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

/**
 * The session token lives in sessionStorage: it survives a reload of this tab (or Electron window)
 * and nothing else: another tab, a closed browser or another user of the machine never see it.
 */
const TOKEN_KEY = 'hotline.session';
const token = {
  get: (): string | null => { try { return sessionStorage.getItem(TOKEN_KEY); } catch { return null; } },
  set: (v: string) => { try { sessionStorage.setItem(TOKEN_KEY, v); } catch { /* storage off: the session lasts until reload */ } },
  clear: () => { try { sessionStorage.removeItem(TOKEN_KEY); } catch { /* nothing kept */ } },
};

export function SessionProvider({ children }: { /** The app below the session gate. */ children: ReactNode }) {
  const { api, connected } = useApi();
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [settings, setSettings] = useState<UserSettings | null>(null);
  const [frame, setFrameState] = useState<Frame | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const frameRef = useRef<Frame | null>(null);
  frameRef.current = frame;

  const refreshInfo = useCallback(async () => {
    const r = await api.request('app.info', {});
    if (r.ok) setInfo(r.value);
  }, [api]);

  const signedIn = useCallback(async (s: SignedIn | SessionInfo) => {
    const { token: newToken, ...rest } = s as SignedIn;
    if (newToken) token.set(newToken);
    const plain: SessionInfo = rest;
    const st = await api.request('settings.get', {});
    const userSettings = st.ok ? st.value : { theme: 'light' as const, lastFrame: null, intakeChannel: null };
    setSettings(userSettings);
    setFrameState(userSettings.lastFrame && plain.frames.includes(userSettings.lastFrame) ? userSettings.lastFrame : plain.frames[0] ?? null);
    setNotice(null);
    setSession(plain);
  }, [api]);

  const sessionChanged = useCallback((s: SessionInfo) => {
    setSession(s);
    if (!frameRef.current || !s.frames.includes(frameRef.current)) setFrameState(s.frames[0] ?? null);
  }, []);

  const signedOut = useCallback((message: string | null) => {
    token.clear();
    setSession(null);
    setFrameState(null);
    setNotice(message);
  }, []);

  // On start and after every reconnect, ask main who we are; a new connection (page reload,
  // restarted service) resumes the session this tab signed in with.
  useEffect(() => {
    if (!connected) return;
    void (async () => {
      await refreshInfo();
      const r = await api.request('session.current', {});
      if (!r.ok) return;
      if (r.value) { await signedIn(r.value); return; }
      const saved = token.get();
      if (!saved) { setSession(null); return; }
      const resumed = await api.request('session.resume', { token: saved });
      if (resumed.ok) await signedIn(resumed.value);
      else if (resumed.error.code !== 'disconnected') signedOut(errorMessage(resumed.error));
    })();
  }, [api, connected, refreshInfo, signedIn, signedOut]);

  useEffect(() => api.on('session.ended', (p) => signedOut(i18n.t(`sessionEnded.${p.reason}`))), [api, signedOut]);
  useEffect(() => api.on('session.changed', (s) => sessionChanged(s)), [api, sessionChanged]);

  const value: SessionState = {
    info, session, settings, frame, notice,
    setFrame: (f) => {
      setFrameState(f);
      void api.request('settings.update', { lastFrame: f });
    },
    signedIn,
    sessionChanged,
    logout: async () => {
      await api.request('session.logout', {});
      signedOut(null);
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

/** The session where there may be none (hooks also used in tests rendered without a provider). */
export function useMaybeSession(): SessionState | null {
  return useContext(SessionContext);
}
