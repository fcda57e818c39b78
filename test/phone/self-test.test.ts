/**
 * Issue 15, item 5: the pre-shift self-test, through the contract against a real Kamailio. The echo
 * number is not registered, so Kamailio sends it to its PSTN gateway: a sipp UAS that answers (the
 * PBX's echo service). Media is the null bridge (sipp carries no WebRTC): the echo step passes once
 * the echo answers; the audio check runs in the Chromium e2e (self-test.e2e.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhoneStatus, Result, SelfTestResult, SelfTestStep } from '../../shared/contract';
import type { AgentState } from '../../shared/domain/agent-state';
import type { Connection } from '../../electron/rpc/dispatcher';
import { KamailioHarness, TEST_AGENTS } from '../sip/kamailio';
import { freePort } from '../sip/ports';
import { describeRun, startUas } from '../sip/sipp';
import { createTestApp, type TestApp } from '../support/app';
import { loadDemoData } from '../../electron/demo';

const ECHO = '9196';

describe('pre-shift self-test against Kamailio', { timeout: 60_000 }, () => {
  let kamailio: KamailioHarness;
  let gatewayPort: number;
  let t: TestApp;
  const agent: Connection = { id: 'agent', session: null, send: () => {} };
  const admin: Connection = { id: 'admin', session: null, send: () => {} };
  const dispatch = async <T>(c: Connection, name: string, input: unknown) => (await t.app.dispatcher.dispatch(c, name, input)) as Result<T>;
  const ok = async <T>(c: Connection, name: string, input: unknown): Promise<T> => {
    const r = await dispatch<T>(c, name, input);
    if (!r.ok) throw new Error(`${name} failed: ${JSON.stringify(r.error)}`);
    return r.value;
  };
  const status = () => ok<PhoneStatus>(agent, 'phone.status', {});
  const audits = async () => t.app.store.db.selectFrom('audit_events').select(['action', 'data']).where('action', '=', 'phone.self_test').orderBy('at').execute();
  const callRecords = async () => t.app.store.db.selectFrom('call_records').select('remote_number').where('remote_number', '=', ECHO).execute();

  beforeAll(async () => {
    gatewayPort = await freePort();
    kamailio = await KamailioHarness.start({ gatewayPort });
    t = await createTestApp({ loadDemoData, demo: true, demoTickets: 50 });
    for (const [c, u] of [[agent, 'agent01'], [admin, 'admin']] as const) {
      t.app.dispatcher.attach(c);
      await ok(c, 'session.login', { username: u, password: 'Demo-12345' });
    }
    await ok(admin, 'sip.setAccount', {
      userId: agent.session!.user.id, wsUrl: kamailio.wsUrl, aor: `1001@${kamailio.domain}`, authUser: '1001', password: TEST_AGENTS['1001'], media: 'null',
    });
    const config = await ok<{ notReadyReasons: unknown; wrapUpCodes: unknown; acwSeconds: number }>(admin, 'phone.getConfig', {});
    const set = await ok<{ selfTestRequired: boolean; echoNumber: string | null }>(admin, 'phone.setConfig', {
      notReadyReasons: config.notReadyReasons, wrapUpCodes: config.wrapUpCodes, acwSeconds: config.acwSeconds, selfTestRequired: true, echoNumber: ECHO,
    });
    expect(set).toMatchObject({ selfTestRequired: true, echoNumber: ECHO });
    await ok(agent, 'phone.signIn', {});
    for (let i = 0; i < 100 && (await status()).registration.state !== 'registered'; i++) await new Promise((r) => setTimeout(r, 100));
  }, 60_000);

  afterAll(async () => {
    await t?.dispose();
    await kamailio?.stop();
  }, 30_000);

  it('the phone says a self-test is due, and 就绪 is refused until one passes', async () => {
    expect((await status()).selfTest).toEqual({ required: true, echo: true, passedAt: null });
    const r = await dispatch<AgentState>(agent, 'phone.setReady', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'self_test_required' } } });
    expect((await status()).agent.name).toBe('not_ready');
  });

  it('a failed step is recorded with its problem and still blocks 就绪', async () => {
    const result = await ok<SelfTestResult>(agent, 'phone.selfTestResult', {
      steps: [{ step: 'microphone', ok: true, level: 0.2 }, { step: 'speaker', ok: false, cause: 'speaker_not_heard' }],
    });
    expect(result.passed).toBe(false);
    const by = new Map(result.steps.map((s) => [s.step, s]));
    expect(by.get('speaker')).toEqual({ step: 'speaker', ok: false, cause: 'speaker_not_heard' });
    expect(by.get('registration')).toEqual({ step: 'registration', ok: true, cause: null });
    // The desk cannot claim the echo: main ran none yet.
    expect(by.get('echo')).toEqual({ step: 'echo', ok: false, cause: 'echo_not_run' });
    expect((await audits()).at(-1)).toMatchObject({ action: 'phone.self_test' });
    expect(JSON.parse((await audits()).at(-1)!.data!)).toMatchObject({ passed: false, steps: 'microphone:ok,speaker:speaker_not_heard,registration:ok,echo:echo_not_run' });
    expect(await dispatch(agent, 'phone.setReady', {})).toMatchObject({ ok: false, error: { details: { reason: 'self_test_required' } } });
  });

  it('the echo call fails when nothing answers the echo number, and says so', async () => {
    // No gateway listening: Kamailio cannot deliver the INVITE.
    const step = await ok<SelfTestStep>(agent, 'phone.selfTestEcho', {});
    expect(step).toMatchObject({ step: 'echo', ok: false });
    expect(['echo_not_answered', 'echo_no_answer']).toContain(step.cause);
    expect((await status()).agent.name).toBe('not_ready');
  });

  it('the echo call through the PBX is answered, changes no agent state and leaves no citizen call record', async () => {
    const echo = await startUas({ scenario: 'uas-answer', localPort: gatewayPort, pauseMs: 200, service: ECHO });
    const states: string[] = [];
    const seen: Connection = { id: 'watch', session: agent.session, send: (name, payload) => { if (name === 'phone.agent') states.push((payload as AgentState).name); } };
    t.app.dispatcher.attach(seen);
    const step = await ok<SelfTestStep>(agent, 'phone.selfTestEcho', {});
    expect(step).toEqual({ step: 'echo', ok: true, cause: null });
    const run = await echo.result;
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(run.messages).toMatch(/INVITE sip:9196@/);
    expect((await status()).agent.name).toBe('not_ready');
    expect(states).toEqual([]);
    expect(await callRecords()).toEqual([]);
  });

  it('a passed self-test lets the agent go 就绪, and is audited', async () => {
    const result = await ok<SelfTestResult>(agent, 'phone.selfTestResult', {
      steps: [{ step: 'microphone', ok: true, level: 0.2 }, { step: 'speaker', ok: true }],
    });
    expect(result).toMatchObject({ passed: true });
    expect(result.steps.every((s) => s.ok)).toBe(true);
    expect((await status()).selfTest.passedAt).toBe(result.at);
    expect(await ok<AgentState>(agent, 'phone.setReady', {})).toMatchObject({ name: 'ready' });
    expect(JSON.parse((await audits()).at(-1)!.data!)).toMatchObject({ passed: true });
  });

  it('the echo step runs only while 示忙 with no call', async () => {
    expect(await dispatch(agent, 'phone.selfTestEcho', {})).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'self_test_busy' } } });
  });

  it('signing the phone in again starts a new shift: the self-test is due again', async () => {
    await ok(agent, 'phone.signOut', {});
    await ok(agent, 'phone.signIn', {});
    expect((await status()).selfTest.passedAt).toBeNull();
    expect(await dispatch(agent, 'phone.setReady', {})).toMatchObject({ ok: false, error: { details: { reason: 'self_test_required' } } });
  });
});
