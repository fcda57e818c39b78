import { app, BrowserWindow, dialog, safeStorage, session, shell } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createConsoleApp, type ConsoleApp } from './app/console-app';
import { loadDemoData, seedDemoKnowledge } from './demo';
import { safeStorageBox } from './phone/secret-box';
import { createFileLogger } from './log';
import { bindElectronIpc } from './rpc/electron-binding';
import type { RequestRouter } from './rpc/dispatcher';
import { readCenterConfig } from './desk/config';
import { openDesk } from './desk/forwarder';
import { CONTENT_SECURITY_POLICY } from './security';
import { storeFailureMessage } from './store/errors';
import { lockDataDir, secureDataDir, type DataDirLock } from './store/data-dir';
import { APP_VERSION } from './version';

const rendererIndex = join(import.meta.dirname, '../renderer/index.html');
const appUrlPrefix = pathToFileURL(join(import.meta.dirname, '../renderer')).href;
const isAppUrl = (url: string) => url.startsWith(appUrlPrefix);

/** The addon build/electron-native.mjs made for this Electron; unpacked from the asar when packaged. */
function nativeSqlite(): string | undefined {
  const file = join(import.meta.dirname, `../native/electron-${process.versions.electron}-${process.platform}-${process.arch}/better_sqlite3.node`)
    .replace('app.asar', 'app.asar.unpacked');
  return existsSync(file) ? file : undefined;
}

if (!app.requestSingleInstanceLock()) {
  // A second console on one seat would fight the first over the SIP registration and the store.
  app.quit();
} else {
  let mainWindow: BrowserWindow | null = null;
  let consoleApp: ConsoleApp | null = null;
  let dataDirLock: DataDirLock | null = null;

  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });

  // No page may open windows, navigate away, or attach webviews.
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (event, url) => { if (!isAppUrl(url)) event.preventDefault(); });
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (url.startsWith('https://')) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });

  app.whenReady().then(async () => {
    const dataDir = app.getPath('userData');
    // Everything this process creates is private to the user (store, WAL, logs, Chromium profile).
    if (process.platform !== 'win32') process.umask(0o077);
    try {
      secureDataDir(dataDir);
      dataDirLock = lockDataDir(dataDir);
    } catch (e) {
      dialog.showErrorBox('12345 热线坐席台', storeFailureMessage(e) ?? `启动失败：${(e as Error).message}`);
      app.exit(1);
      return;
    }
    const log = createFileLogger({ dir: join(dataDir, 'logs') });
    try {
      consoleApp = await createConsoleApp({
        dataDir, runtime: 'electron', version: APP_VERSION, log, demo: process.argv.includes('--demo'),
        sqliteNativeBinding: nativeSqlite(), loadDemoData, seedKnowledge: seedDemoKnowledge, secrets: safeStorageBox(safeStorage),
      });
    } catch (e) {
      const message = storeFailureMessage(e) ?? `启动失败：${(e as Error).message}`;
      log.error('startup failed', { error: (e as Error).message });
      dialog.showErrorBox('12345 热线坐席台', message);
      app.exit(1);
      return;
    }

    const ses = session.defaultSession;
    ses.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
    });
    // The softphone needs the microphone; nothing else is granted, and only to the app itself.
    ses.setPermissionRequestHandler((wc, permission, callback, details) => {
      const media = permission === 'media' && (details as { mediaTypes?: string[] }).mediaTypes?.every((t) => t === 'audio');
      callback(Boolean(media) && isAppUrl(wc.getURL()));
    });
    ses.setPermissionCheckHandler((wc, permission) => permission === 'media' && wc !== null && isAppUrl(wc.getURL()));

    // A desk of a center (center.json in the data folder): the contract goes there, the softphone stays here.
    let router: RequestRouter = consoleApp.dispatcher;
    try {
      const center = readCenterConfig(dataDir);
      if (center) {
        const local = consoleApp;
        const desk = openDesk(local.dispatcher, center, log, dataDir, (session, account) => local.phone.provisionFromCenter(session, account), local.recordings);
        router = desk.forwarder;
        // This seat's finished calls also go to the center (through the desk's outbox).
        local.phone.sendCallsTo(desk.forwarder.offline);
        app.once('will-quit', () => desk.close());
      }
    } catch (e) {
      dialog.showErrorBox('12345 热线坐席台', (e as Error).message);
      app.exit(1);
      return;
    }
    let mediaWindow: BrowserWindow | null = null;
    await bindElectronIpc(router, isAppUrl, undefined, {
      sessionOwner: (id) => (mediaWindow && id === mediaWindow.webContents.id && mainWindow ? mainWindow.webContents.id : undefined),
    });

    mainWindow = new BrowserWindow({
      width: 1440, height: 900, minWidth: 1100, minHeight: 700, show: false,
      title: '12345 热线坐席台',
      webPreferences: {
        preload: join(import.meta.dirname, 'preload.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        spellcheck: false,
      },
    });
    mainWindow.once('ready-to-show', () => mainWindow?.show());
    // Call audio lives in a hidden window of its own: reloading or crashing the UI does not drop
    // a call, and the agent's headset keeps working while the UI comes back.
    mediaWindow = new BrowserWindow({
      show: false,
      webPreferences: { preload: join(import.meta.dirname, 'preload.cjs'), contextIsolation: true, sandbox: true, nodeIntegration: false, backgroundThrottling: false },
    });
    mainWindow.on('closed', () => { mediaWindow?.destroy(); mediaWindow = null; mainWindow = null; });
    // A crashed renderer comes back by itself. The media window's new page claims the audio again
    // (media.attach) and main renegotiates each call with it, so a call survives the crash too.
    for (const [name, win] of [['media', mediaWindow], ['main', mainWindow]] as const) {
      win.webContents.on('render-process-gone', (_event, details) => {
        log.warn('a window\'s renderer is gone; reloading it', { window: name, reason: details.reason, exitCode: details.exitCode });
        if (details.reason !== 'clean-exit' && !win.isDestroyed()) win.webContents.reload();
      });
    }
    await Promise.all([mainWindow.loadFile(rendererIndex), mediaWindow.loadFile(rendererIndex, { hash: 'media' })]);
  }).catch((e: unknown) => {
    dialog.showErrorBox('12345 热线坐席台', `启动失败：${(e as Error).message}`);
    app.exit(1);
  });

  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', (event) => {
    if (consoleApp) {
      event.preventDefault();
      const closing = consoleApp;
      consoleApp = null;
      void closing.close().finally(() => { dataDirLock?.release(); app.quit(); });
    }
  });
}
