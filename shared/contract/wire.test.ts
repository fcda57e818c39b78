import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  contractVersion, contractVersionOf, deskLocalRequests, errorCodes, events, readServerFrame, requestNames, requests, sessionEffects,
} from '.';
import { request } from './define';

describe('the contract version', () => {
  it('is derived from the contract, the same on every call', () => {
    expect(contractVersion()).toMatch(/^c1-[0-9a-f]{14}$/);
    expect(contractVersionOf(requests, events, errorCodes)).toBe(contractVersion());
  });

  it('changes when a request, its input schema or access, an event or an error code changes', () => {
    const base = contractVersion();
    const widened = { ...requests, 'app.info': request<unknown>()(z.object({ verbose: z.boolean().optional() }).strict(), 'public') };
    const reaccessed = { ...requests, 'app.info': request<unknown>()(z.object({}).strict(), 'session') };
    const { 'app.info': _dropped, ...fewer } = requests;
    const variants = [
      contractVersionOf(widened, events, errorCodes),
      contractVersionOf(reaccessed, events, errorCodes),
      contractVersionOf(fewer, events, errorCodes),
      contractVersionOf(requests, { ...events, 'extra.event': {} }, errorCodes),
      contractVersionOf(requests, events, [...errorCodes, 'new_code']),
    ];
    for (const v of variants) expect(v).not.toBe(base);
    expect(new Set(variants).size).toBe(variants.length);
  });
});

describe('the frames', () => {
  it('reads the server frames and nothing else', () => {
    expect(readServerFrame('{"hello":{"contract":"c1-1"}}')).toEqual({ hello: { contract: 'c1-1' } });
    expect(readServerFrame('{"id":3,"result":{"ok":true,"value":[1]}}')).toEqual({ id: 3, result: { ok: true, value: [1] } });
    expect(readServerFrame('{"id":3,"result":{"ok":false,"error":{"code":"not_found"}}}')).toMatchObject({ result: { ok: false } });
    expect(readServerFrame('{"event":"ticket.changed","payload":{}}')).toEqual({ event: 'ticket.changed', payload: {} });
    for (const bad of ['nope', '[]', '{"id":3}', '{"id":3,"result":{"ok":false,"error":{"code":"made_up"}}}', '{"hello":{}}']) {
      expect(readServerFrame(bad), bad).toBeNull();
    }
  });
});

describe('what a desk serves itself', () => {
  it('names only the softphone, its media and its recordings, and every session effect names a request', () => {
    for (const n of deskLocalRequests) expect(n).toMatch(/^(phone|media|recording)\./);
    for (const n of Object.keys(sessionEffects)) expect(requestNames).toContain(n);
    // Screen-pop lookups, duty targets and phone configuration are the center's.
    for (const n of ['phone.screenPop', 'phone.dutyTargets', 'phone.getConfig', 'phone.setConfig']) expect(deskLocalRequests).not.toContain(n);
  });
});
