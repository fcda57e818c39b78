import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { requestNames, type RequestName, type Result } from '../../shared/contract';
import { bindElectronIpc } from '../../electron/rpc/electron-binding';
import { buildPreloadApi } from '../../electron/preload-api';
import { startHostServer, type HostServer } from '../../electron/host/server';
import { silentLogger } from '../../electron/log';
import { createTestApp, type TestApp } from '../support/app';

type Handler = (event: unknown, ...args: unknown[]) => Promise<unknown>;

/** A stand-in for Electron's ipcMain/ipcRenderer pair wired back to back, and one webContents. */
function fakeElectron(url = 'file:///opt/console/dist/renderer/index.html') {
  const handlers = new Map<string, Handler>();
  const sent: unknown[][] = [];
  const sender = { id: 1, isDestroyed: () => false, send: (...args: unknown[]) => sent.push(args), once: () => {} };
  const event = { sender, senderFrame: { parent: null, url } };
  const ipcMain = {
    handle: (channel: string, fn: Handler) => { handlers.set(channel, fn); },
    removeHandler: (channel: string) => { handlers.delete(channel); },
  };
  const ipcRenderer = {
    invoke: (channel: string, ...args: unknown[]) => handlers.get(channel)!(event, ...args),
    on: () => ipcRenderer,
    removeListener: () => ipcRenderer,
  };
  return { ipcMain, ipcRenderer, handlers, sent, event };
}

/** An input no entry of the contract accepts: every schema is a strict object. */
const BOGUS = { definitelyNotAField: 1 };

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t.dispose(); });

describe('Electron binding', () => {
  it('exposes exactly the contract requests through the preload', async () => {
    const fake = fakeElectron();
    await bindElectronIpc(t.app.dispatcher, (u) => u.startsWith('file:///opt/console/dist/renderer'), fake.ipcMain as never);
    const api = buildPreloadApi(fake.ipcRenderer as never);
    expect(Object.keys(api.requests).sort()).toEqual([...requestNames].sort());
    for (const name of requestNames) {
      const r = (await api.requests[name](BOGUS)) as Result<unknown>;
      expect(r, name).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    }
  });

  it('carries a whole login through preload, IPC and dispatcher', async () => {
    const fake = fakeElectron();
    await bindElectronIpc(t.app.dispatcher, () => true, fake.ipcMain as never);
    const api = buildPreloadApi(fake.ipcRenderer as never);
    expect(await api.requests['setup.createFirstAdmin']({ username: 'root', displayName: '管理员', password: 'Sup3r-secret' }))
      .toMatchObject({ ok: true, value: { user: { username: 'root', roles: ['admin'] }, frames: ['admin', 'wallboard', 'hotspots', 'outreach'] } });
    expect(await api.requests['users.list']({})).toMatchObject({ ok: true, value: [{ username: 'root' }] });
  });

  it('lets the hidden media window act for the user signed in to the main window, and nobody else', async () => {
    const handlers = new Map<string, Handler>();
    const ipcMain = { handle: (c: string, fn: Handler) => { handlers.set(c, fn); }, removeHandler: () => {} };
    const sender = (id: number) => ({ id, isDestroyed: () => false, send: () => {}, once: () => {} });
    const frame = { parent: null, url: 'file:///app/index.html' };
    const invoke = (id: number, name: string, input: unknown) => handlers.get('hotline:rpc')!({ sender: sender(id), senderFrame: frame }, name, input);
    await bindElectronIpc(t.app.dispatcher, () => true, ipcMain as never, { sessionOwner: (id) => (id === 20 ? 10 : undefined) });
    expect(await invoke(20, 'session.current', {})).toEqual({ ok: true, value: null });
    await invoke(10, 'session.login', { username: 'root', password: 'Sup3r-secret' });
    expect(await invoke(20, 'session.current', {})).toMatchObject({ ok: true, value: { user: { username: 'root' } } });
    expect(await invoke(30, 'session.current', {})).toEqual({ ok: true, value: null });
  });

  it('refuses requests from a frame that is not the app', async () => {
    const fake = fakeElectron('https://evil.example/');
    await bindElectronIpc(t.app.dispatcher, (u) => u.startsWith('file://'), fake.ipcMain as never);
    const r = await fake.ipcRenderer.invoke('hotline:rpc', 'app.info', {});
    expect(r).toEqual({ ok: false, error: { code: 'forbidden' } });
  });

  it('answers an unknown name with a typed error instead of throwing', async () => {
    const fake = fakeElectron();
    await bindElectronIpc(t.app.dispatcher, () => true, fake.ipcMain as never);
    expect(await fake.ipcRenderer.invoke('hotline:rpc', 'fs.readFile', { path: '/etc/passwd' })).toEqual({ ok: false, error: { code: 'unknown_request' } });
    expect(await fake.ipcRenderer.invoke('hotline:rpc', '__proto__', {})).toEqual({ ok: false, error: { code: 'unknown_request' } });
  });
});

describe('host-mode WebSocket binding', () => {
  let host: HostServer;
  beforeAll(async () => {
    const rendererDir = mkdtempSync(join(tmpdir(), 'hotline-renderer-'));
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
    host = await startHostServer({ app: t.app, rendererDir, port: 0, log: silentLogger });
  });
  afterAll(async () => { await host.close(); });

  const open = (token = host.token, origin?: string) => new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/rpc?token=${token}`, origin ? { origin } : {});
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  const call = (ws: WebSocket, id: number, name: string, input: unknown) => new Promise<Result<unknown>>((resolve) => {
    const onMsg = (raw: WebSocket.RawData) => {
      const msg = JSON.parse(raw.toString()) as { id: number; result: Result<unknown> };
      if (msg.id === id) { ws.off('message', onMsg); resolve(msg.result); }
    };
    ws.on('message', onMsg);
    ws.send(JSON.stringify({ id, name, input }));
  });

  it('serves every contract request and rejects invalid input with a typed error', async () => {
    const ws = await open();
    let id = 1;
    for (const name of requestNames) {
      expect(await call(ws, id++, name, BOGUS), name).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    }
    expect(await call(ws, id, 'app.info', {})).toMatchObject({ ok: true, value: { runtime: 'host' } });
    ws.close();
  });

  it('points at the wrong field when the input is wrong', async () => {
    const ws = await open();
    const r = await call(ws, 1, 'session.login' satisfies RequestName, { username: 'a', password: 42 });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: 'password' }] } });
    ws.close();
  });

  it('refuses a connection with a wrong token or from a foreign web page', async () => {
    await expect(open('wrong-token')).rejects.toThrow('HTTP 403');
    await expect(open(host.token, 'https://evil.example')).rejects.toThrow('HTTP 403');
    const ok = await open(host.token, `http://127.0.0.1:${host.port}`);
    ok.close();
  });

  it('keeps the connection after garbage and keeps sessions apart per connection', async () => {
    const a = await open();
    const b = await open();
    a.send('this is not json');
    a.send(JSON.stringify({ name: 'app.info' }));
    expect(await call(a, 7, 'session.login', { username: 'root', password: 'Sup3r-secret' })).toMatchObject({ ok: true });
    expect(await call(a, 8, 'users.list', {})).toMatchObject({ ok: true });
    expect(await call(b, 1, 'users.list', {})).toEqual({ ok: false, error: { code: 'unauthenticated' } });
    a.close();
    b.close();
  });

  it('serves the renderer with the strict CSP', async () => {
    const res = await fetch(`http://127.0.0.1:${host.port}/`);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).not.toContain('unsafe-eval');
    const traversal = await fetch(`http://127.0.0.1:${host.port}/..%2f..%2fetc%2fpasswd`);
    expect(await traversal.text()).not.toContain('root:');
  });
});
