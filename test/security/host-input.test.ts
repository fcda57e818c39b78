import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { HostStartError, startHostServer, type HostServer } from '../../electron/host/server';
import { silentLogger } from '../../electron/log';
import { requestNames, requests } from '../../shared/contract';
import { jsonSchemaOf, mutations, sample } from './contract-samples';
import { createTestApp, type TestApp } from '../support/app';

/**
 * Host mode faces whatever reaches 127.0.0.1 (and, in center mode, the network): no request, header
 * or frame may end the process, and every one of them gets an answer.
 */
let t: TestApp;
let host: HostServer;
beforeAll(async () => {
  t = await createTestApp();
  const rendererDir = mkdtempSync(join(tmpdir(), 'hotline-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(rendererDir, 'app.js'), 'console.log(1)');
  host = await startHostServer({ app: t.app, rendererDir, port: 0, log: silentLogger });
});
afterAll(async () => {
  await host.close();
  await t.dispose();
});

/** Sends raw bytes and returns whatever the server answers before it closes (or 2 s of quiet). */
function raw(request: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(host.port, '127.0.0.1');
    let answer = '';
    socket.setTimeout(2000, () => socket.destroy());
    socket.on('data', (d) => {
      answer += d.toString('latin1');
      if (answer.startsWith('HTTP/1.1 101')) socket.destroy();
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', (e) => (answer ? resolve(answer) : reject(e)));
    socket.write(request);
  });
}
const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
const get = (path: string, headers = '') => raw(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\n${headers}Connection: close\r\n\r\n`);

async function stillServes() {
  const res = await fetch(`http://127.0.0.1:${host.port}/`);
  expect(res.status).toBe(200);
  expect(await res.text()).toContain('<title>console</title>');
}

describe('host-mode HTTP server under malformed requests', () => {
  it('answers a malformed percent escape with 400 and keeps serving', async () => {
    for (const path of ['/%ff', '/%', '/%E4%B8', '/app.js%', '/%c0%af']) {
      expect(statusOf(await get(path)), path).toBe(400);
    }
    await stillServes();
    expect(statusOf(await get('/app.js'))).toBe(200);
  });

  it('refuses NUL bytes, huge URLs, foreign methods and unparsable request targets with a 4xx', async () => {
    expect(statusOf(await get('/%00/index.html'))).toBe(400);
    expect(statusOf(await get(`/${'a'.repeat(5000)}`))).toBe(400);
    expect(statusOf(await get(`/${'a'.repeat(100_000)}`))).toBeGreaterThanOrEqual(400);
    expect(statusOf(await raw(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`))).toBe(405);
    expect(statusOf(await get('http://[::1/'))).toBeGreaterThanOrEqual(400);
    expect(statusOf(await raw('GARBAGE\r\n\r\n'))).toBe(400);
    expect(statusOf(await raw(Buffer.from([0xff, 0xfe, 0x00, 0x0d, 0x0a, 0x0d, 0x0a])))).toBe(400);
    expect(statusOf(await raw(`GET / HTTP/1.1\r\nHost: \u00ff\u00fe\r\nX-Bad: \u0001\r\n\r\n`))).toBeGreaterThanOrEqual(400);
    await stillServes();
  });

  it('refuses bad WebSocket upgrades without dying: bad target, wrong Host, bad Origin, missing key', async () => {
    const upgrade = (target: string, headers: string) => raw(`GET ${target} HTTP/1.1\r\n${headers}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    const key = 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';
    const goodHost = `Host: 127.0.0.1:${host.port}\r\n`;
    expect(statusOf(await upgrade('http://[::1/rpc', goodHost + key))).toBeGreaterThanOrEqual(400);
    expect(statusOf(await upgrade(`/rpc?token=${host.token}`, `Host: evil.example:${host.port}\r\n` + key))).toBe(403);
    expect(statusOf(await upgrade(`/rpc?token=${host.token}`, goodHost + 'Origin: null\r\n' + key))).toBe(403);
    expect(statusOf(await upgrade(`/rpc?token=%ff${host.token}`, goodHost + key))).toBe(403);
    expect(statusOf(await upgrade(`/rpc?token=${host.token}`, goodHost))).toBe(400);
    expect(statusOf(await upgrade(`/rpc?token=${host.token}`, goodHost + 'Sec-WebSocket-Key: x\r\n'))).toBe(400);
    expect(statusOf(await upgrade(`/rpc?token=${host.token}`, goodHost + key))).toBe(101);
    await stillServes();
  });
});

describe('host-mode session token', () => {
  it('refuses to start with a guessable token given from outside', async () => {
    const rendererDir = mkdtempSync(join(tmpdir(), 'hotline-renderer-'));
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html>');
    for (const token of ['', 'abc', '12345678', 'a'.repeat(23), 'token with spaces and enough length']) {
      await expect(startHostServer({ app: t.app, rendererDir, port: 0, log: silentLogger, token }), JSON.stringify(token)).rejects.toBeInstanceOf(HostStartError);
    }
    const ok = await startHostServer({ app: t.app, rendererDir, port: 0, log: silentLogger, token: 'A'.repeat(32) });
    expect(ok.token).toBe('A'.repeat(32));
    await ok.close();
  });
});

describe('host-mode WebSocket under malformed frames', () => {
  const open = () => new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/rpc?token=${host.token}`);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
  /** Sends one frame and waits for the next reply frame. */
  const exchange = (ws: WebSocket, data: string | Buffer, binary = false) => new Promise<{ id: unknown; result: { ok: boolean; error?: { code: string; details?: { reason?: string } } } }>((resolve) => {
    ws.once('message', (m) => resolve(JSON.parse(m.toString()) as never));
    ws.send(data, { binary });
  });

  it('answers every malformed envelope with an error frame, echoing the id when it can be read', async () => {
    const ws = await open();
    expect(await exchange(ws, 'this is not json')).toEqual({ id: null, result: { ok: false, error: { code: 'invalid_input', details: { reason: 'not_json' } } } });
    expect(await exchange(ws, Buffer.from([0, 1, 2, 255]), true)).toMatchObject({ id: null, result: { error: { details: { reason: 'binary_frame' } } } });
    expect(await exchange(ws, '[1,2,3]')).toMatchObject({ id: null, result: { error: { details: { reason: 'not_an_object' } } } });
    expect(await exchange(ws, 'null')).toMatchObject({ id: null, result: { error: { details: { reason: 'not_an_object' } } } });
    expect(await exchange(ws, JSON.stringify({ name: 'app.info' }))).toMatchObject({ id: null, result: { error: { details: { reason: 'missing_id' } } } });
    expect(await exchange(ws, JSON.stringify({ id: 'abc', name: 'app.info' }))).toMatchObject({ id: 'abc', result: { error: { details: { reason: 'bad_id' } } } });
    expect(await exchange(ws, JSON.stringify({ id: { x: 1 }, name: 'app.info' }))).toMatchObject({ id: null, result: { error: { details: { reason: 'bad_id' } } } });
    expect(await exchange(ws, JSON.stringify({ id: 4 }))).toEqual({ id: 4, result: { ok: false, error: { code: 'unknown_request' } } });
    expect(await exchange(ws, JSON.stringify({ id: 5, name: { toString: 1 } }))).toEqual({ id: 5, result: { ok: false, error: { code: 'unknown_request' } } });
    expect(await exchange(ws, '{"id":6,"name":"session.login","input":{"__proto__":{"admin":true},"username":"a","password":"b"}}'))
      .toMatchObject({ id: 6, result: { ok: false, error: { code: 'invalid_input' } } });
    const deep = `{"id":7,"name":"drafts.save","input":{"key":"k","data":${'['.repeat(200_000)}${']'.repeat(200_000)}}}`;
    expect(await exchange(ws, deep)).toMatchObject({ id: 7, result: { ok: false, error: { code: 'invalid_input' } } });
    expect(await exchange(ws, JSON.stringify({ id: 8, name: 'app.info', input: {} }))).toMatchObject({ id: 8, result: { ok: true } });
    ws.close();
    await stillServes();
  });

  it('closes a socket that sends an oversized frame with the "message too big" code, and the server lives on', async () => {
    const ws = await open();
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => undefined);
    ws.send(Buffer.alloc(33 * 1024 * 1024, 0x20));
    expect(await closed).toBe(1009);
    const again = await open();
    expect(await exchange(again, JSON.stringify({ id: 1, name: 'app.info', input: {} }))).toMatchObject({ id: 1, result: { ok: true } });
    again.close();
  });

  it('answers every contract request over the wire, with and without a session, and a sample of malformed ones, never internal', async () => {
    const ws = await open();
    const replies = new Map<number, { ok: boolean; error?: { code: string } }>();
    ws.on('message', (m) => {
      const msg = JSON.parse(m.toString()) as { id?: number; result?: { ok: boolean; error?: { code: string } } };
      if (typeof msg.id === 'number' && msg.result) replies.set(msg.id, msg.result);
    });
    const ask = (id: number, name: string, input: unknown) => new Promise<{ ok: boolean; error?: { code: string } } | null>((resolve) => {
      let frame: string;
      try {
        frame = JSON.stringify({ id, name, input });
      } catch {
        resolve(null); // deeper than JSON.stringify goes: not something a peer can send as JSON either
        return;
      }
      const wait = () => (replies.has(id) ? resolve(replies.get(id)!) : setImmediate(wait));
      ws.send(frame);
      wait();
    });
    let id = 100;
    const sent: string[] = [];
    // The anonymous pass may have loaded the demo accounts (setup.loadDemoData is public); then sign in as their admin.
    const signIn = async () => {
      const first = await ask(id++, 'setup.createFirstAdmin', { username: 'wireadmin', displayName: '管理员', password: 'Sup3r-secret-1' });
      const r = first?.ok ? first : await ask(id++, 'session.login', { username: 'admin', password: 'Demo-12345' });
      expect(r).toMatchObject({ ok: true });
    };
    for (const signedIn of [false, true]) {
      if (signedIn) await signIn();
      for (const name of requestNames) {
        if (name === 'setup.createFirstAdmin' || name === 'session.logout') continue;
        const schema = jsonSchemaOf(requests[name].input);
        const base = sample(schema);
        const inputs = [base, ...mutations(schema, base).filter((_m, i) => i % 25 === 0).map((m) => m.input)];
        for (const input of inputs) {
          const r = await ask(id++, name, input);
          if (!r) continue;
          sent.push(name);
          expect(r.ok ? 'ok' : r.error?.code, `${name} ${signedIn ? 'signed in' : 'no session'}`).not.toBe('internal');
          if (!signedIn && requests[name].access !== 'public') expect(r.error?.code, name).toBeOneOf(['invalid_input', 'unauthenticated']);
        }
      }
    }
    expect(sent.length).toBeGreaterThan(requestNames.length * 2);
    ws.close();
  });
});
