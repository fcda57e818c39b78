import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { contractVersion, deskLocalRequests, deskMainOnlyRequests, hello, requestNames, type Result } from '../../shared/contract';
import type { Connection, RequestRouter } from '../rpc/dispatcher';
import { silentLogger } from '../log';
import { CenterConfigError, CenterForwarder, centerSocketUrl, routeOf } from './forwarder';
import { DeskStore } from '../store/desk-store';
import type { Logger } from '../log';

/** A stand-in center: answers the hello with `contract`, and every request with who served it. */
async function fakeCenter(contract: string, given?: Server) {
  const server = given ?? createHttpServer();
  if (!server.listening) await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const wss = new WebSocketServer({ server });
  const seen: string[] = [];
  wss.on('connection', (ws: WebSocket) => {
    ws.on('message', (raw) => {
      const msg = JSON.parse(raw.toString()) as { hello?: { contract: string }; id?: number; name?: string };
      if (msg.hello) {
        ws.send(JSON.stringify(contract === contractVersion() ? hello(undefined, new Date()) : { hello: { contract, error: { code: 'contract_mismatch' } } }));
        return;
      }
      seen.push(String(msg.name));
      ws.send(JSON.stringify({ id: msg.id, result: { ok: true, value: { servedBy: 'center', name: msg.name } } }));
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    seen, port: () => port,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      if (!given) await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A stand-in for the desk's own dispatcher: records what it was asked. */
function fakeLocal() {
  const seen: string[] = [];
  const router: RequestRouter = {
    attach: () => undefined,
    detach: () => undefined,
    dispatch: (_c, name) => {
      seen.push(String(name));
      return Promise.resolve({ ok: true, value: { servedBy: 'desk', name } });
    },
  };
  return { router, seen };
}

const connection = (): Connection => ({ id: `c${Math.random()}`, session: null, send: () => undefined });

describe('the desk forwarder', () => {
  let center: Awaited<ReturnType<typeof fakeCenter>>;
  beforeAll(async () => { center = await fakeCenter(contractVersion()); });
  afterAll(async () => { await center.close(); });

  it('sends every request of the contract to exactly one place: the desk list here, the rest to the center', async () => {
    const local = fakeLocal();
    const fwd = new CenterForwarder(local.router, { url: `ws://127.0.0.1:${center.port()}/rpc` }, silentLogger);
    const c = connection();
    fwd.attach(c);
    for (const name of requestNames) {
      const r = (await fwd.dispatch(c, name, {})) as Result<{ servedBy: string; name: string }>;
      if (routeOf[name] === 'refused') expect(r, name).toEqual({ ok: false, error: { code: 'forbidden' } });
      else expect(r, name).toEqual({ ok: true, value: { servedBy: routeOf[name], name } });
    }
    expect(new Set(local.seen)).toEqual(new Set(deskLocalRequests));
    // A renderer's request for what only the desk's main process may ask (its user's SIP password) goes nowhere.
    expect([...center.seen, ...local.seen, ...deskMainOnlyRequests].sort()).toEqual([...requestNames].sort());
    fwd.close();
  });

  it('leaves an unknown name to the dispatcher\'s refusal, never to the center', async () => {
    const local = fakeLocal();
    const fwd = new CenterForwarder(local.router, { url: `ws://127.0.0.1:${center.port()}/rpc` }, silentLogger);
    const c = connection();
    fwd.attach(c);
    const before = center.seen.length;
    await fwd.dispatch(c, 'tickets.dropTable', {});
    expect(local.seen).toEqual(['tickets.dropTable']);
    expect(center.seen.length).toBe(before);
    fwd.close();
  });

  it('answers center_unreachable when nothing listens at the center\'s address', async () => {
    const gone = await fakeCenter(contractVersion());
    const port = gone.port();
    await gone.close();
    const fwd = new CenterForwarder(fakeLocal().router, { url: `ws://127.0.0.1:${port}/rpc`, connectTimeoutMs: 2000 }, silentLogger);
    const c = connection();
    fwd.attach(c);
    expect(await fwd.dispatch(c, 'tickets.recent', { limit: 1 })).toMatchObject({ ok: false, error: { code: 'center_unreachable' } });
    // The softphone still answers from the desk.
    expect(await fwd.dispatch(c, 'phone.status', {})).toMatchObject({ ok: true, value: { servedBy: 'desk' } });
    fwd.close();
  });

  it('measures how far the desk\'s clock is off the center\'s at the hello, and warns from a minute on', async () => {
    const skewOf = async (offsetMs: number) => {
      const warnings: string[] = [];
      const log: Logger = { ...silentLogger, warn: (msg: string) => { warnings.push(msg); } };
      const store = DeskStore.open(mkdtempSync(join(tmpdir(), 'hotline-desk-clock-')));
      const fwd = new CenterForwarder(fakeLocal().router, { url: `ws://127.0.0.1:${center.port()}/rpc`, clock: () => Date.now() + offsetMs }, log, store);
      const c = connection();
      fwd.attach(c);
      // A request through the center: the hello has been answered by then.
      expect(await fwd.dispatch(c, 'tickets.recent', { limit: 1 })).toMatchObject({ ok: true });
      const skew = fwd.offline!.status(null, null).clockSkewMs;
      fwd.close();
      store.close();
      return { skew, warned: warnings.some((w) => w.includes('clock')) };
    };
    const fast = await skewOf(5 * 60_000);
    expect(Math.abs(fast.skew! - 5 * 60_000)).toBeLessThan(2000);
    expect(fast.warned).toBe(true);
    const slow = await skewOf(-2 * 3_600_000);
    expect(Math.abs(slow.skew! + 2 * 3_600_000)).toBeLessThan(2000);
    // A right clock: what is left is the network's share, and nothing is said.
    const right = await skewOf(0);
    expect(Math.abs(right.skew!)).toBeLessThan(2000);
    expect(right.warned).toBe(false);
  });

  it('refuses to talk to a center of another contract version, with contract_mismatch', async () => {
    const other = await fakeCenter('c1-ffffffffffffff');
    const fwd = new CenterForwarder(fakeLocal().router, { url: `ws://127.0.0.1:${other.port()}/rpc` }, silentLogger);
    const c = connection();
    fwd.attach(c);
    expect(await fwd.dispatch(c, 'tickets.recent', { limit: 1 })).toMatchObject({ ok: false, error: { code: 'contract_mismatch' } });
    expect(other.seen).toEqual([]);
    fwd.close();
    await other.close();
  });
});

describe('a center over TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-tls-'));
  let server: ReturnType<typeof createHttpsServer>;
  let center: Awaited<ReturnType<typeof fakeCenter>>;
  beforeAll(async () => {
    // A self-signed certificate for 127.0.0.1, made for this run.
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    center = await fakeCenter(contractVersion(), server);
  });
  afterAll(async () => {
    await center.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('connects when the certificate chains to the configured CA, and not otherwise', async () => {
    const url = `wss://127.0.0.1:${center.port()}/rpc`;
    const trusted = new CenterForwarder(fakeLocal().router, { url, ca: readFileSync(join(dir, 'cert.pem')) }, silentLogger);
    const a = connection();
    trusted.attach(a);
    expect(await trusted.dispatch(a, 'tickets.recent', { limit: 1 })).toMatchObject({ ok: true, value: { servedBy: 'center' } });
    trusted.close();
    const untrusted = new CenterForwarder(fakeLocal().router, { url }, silentLogger);
    const b = connection();
    untrusted.attach(b);
    expect(await untrusted.dispatch(b, 'tickets.recent', { limit: 1 }))
      .toMatchObject({ ok: false, error: { code: 'center_unreachable', details: { reason: 'DEPTH_ZERO_SELF_SIGNED_CERT' } } });
    untrusted.close();
  });
});

describe('the center address', () => {
  it('turns the address host mode prints into the socket address, with its token', () => {
    expect(centerSocketUrl('http://127.0.0.1:5345/#token=abc')).toBe('ws://127.0.0.1:5345/rpc?token=abc');
    expect(centerSocketUrl('https://center.example:8443')).toBe('wss://center.example:8443/rpc');
    expect(centerSocketUrl('wss://center.example/rpc?token=t')).toBe('wss://center.example/rpc?token=t');
  });

  it('refuses plain ws to another machine and addresses that are not one, in Chinese', () => {
    expect(() => centerSocketUrl('ws://10.0.0.5:5345/rpc')).toThrow(CenterConfigError);
    expect(() => centerSocketUrl('ws://10.0.0.5:5345/rpc')).toThrow(/必须使用加密连接/);
    expect(() => centerSocketUrl('ftp://center.example')).toThrow(/wss:\/\//);
    expect(() => centerSocketUrl('not a url')).toThrow(/中心地址无效/);
  });
});
