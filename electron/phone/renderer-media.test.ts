import { describe, expect, it } from 'vitest';
import { RendererMediaRelay, type MediaCommand } from './renderer-media';

describe('renderer media relay', () => {
  it('sends each SDP operation to the renderer and returns its answer', async () => {
    const sent: MediaCommand[] = [];
    const relay = new RendererMediaRelay((cmd) => { sent.push(cmd); return true; });
    const bridge = relay.bridgeFor('call-1');
    const answer = bridge.createAnswer('v=0 offer');
    expect(sent[0]).toMatchObject({ callId: 'call-1', command: { op: 'createAnswer', sdp: 'v=0 offer' } });
    relay.reply({ id: sent[0]!.id, ok: true, sdp: 'v=0 answer' });
    await expect(answer).resolves.toBe('v=0 answer');
  });

  it('fails the operation when no renderer owns the audio, or it does not answer in time', async () => {
    const none = new RendererMediaRelay(() => false);
    await expect(none.bridgeFor('c').createOffer()).rejects.toThrow(/no renderer/);
    const silent = new RendererMediaRelay(() => true, 50);
    await expect(silent.bridgeFor('c').createOffer()).rejects.toThrow(/did not answer/);
  });

  it('passes a renderer error on and ignores replies nobody asked for', async () => {
    const sent: MediaCommand[] = [];
    const relay = new RendererMediaRelay((cmd) => { sent.push(cmd); return true; });
    const p = relay.bridgeFor('c').setRemote('bad sdp');
    relay.reply({ id: sent[0]!.id, ok: false, error: 'Failed to parse SessionDescription' });
    await expect(p).rejects.toThrow(/parse/);
    expect(relay.reply({ id: 'made-up', ok: true })).toBe(false);
  });

  it('hands a call to a renderer with its hold and mute, and says whether it had to make new media', async () => {
    const sent: MediaCommand[] = [];
    const relay = new RendererMediaRelay((cmd) => { sent.push(cmd); return true; });
    const bridge = relay.bridgeFor('c');
    const reloaded = bridge.adopt!({ held: true, muted: false });
    expect(sent[0]).toMatchObject({ callId: 'c', command: { op: 'adopt', held: true, muted: false } });
    relay.reply({ id: sent[0]!.id, ok: true, fresh: true });
    await expect(reloaded).resolves.toBe(true);
    const same = bridge.adopt!({ held: false, muted: false });
    relay.reply({ id: sent[1]!.id, ok: true });
    await expect(same).resolves.toBe(false);
  });
});
