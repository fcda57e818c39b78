import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeApi } from '../../test/fake-api';
import { MEDIA_LOST_AFTER_MS, WebRtcMedia } from './webrtc-media';

/** Just enough of RTCPeerConnection for the ICE watch: the test sets the ICE state and fires the event. */
class FakePeerConnection extends EventTarget {
  static last: FakePeerConnection | null = null;
  iceConnectionState: RTCIceConnectionState = 'new';
  iceGatheringState: RTCIceGatheringState = 'complete';
  localDescription = { sdp: 'v=0\r\n' };
  ontrack: unknown = null;
  constructor() { super(); FakePeerConnection.last = this; }
  addTrack() {}
  getTransceivers() { return []; }
  async setRemoteDescription() {}
  async createAnswer() { return {}; }
  async setLocalDescription() {}
  close() {}
  ice(state: RTCIceConnectionState) { this.iceConnectionState = state; this.dispatchEvent(new Event('iceconnectionstatechange')); }
}

describe('WebRtcMedia', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal('RTCPeerConnection', FakePeerConnection);
    vi.stubGlobal('Audio', class { autoplay = false; srcObject: unknown = null; play() { return Promise.resolve(); } });
    vi.stubGlobal('navigator', { mediaDevices: { getUserMedia: async () => ({ getAudioTracks: () => [], getTracks: () => [] }) } });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  async function callWithMedia() {
    const api = fakeApi({ 'media.reply': (() => ({ ok: true, value: null })) as never, 'media.lost': (() => ({ ok: true, value: null })) as never });
    const media = new WebRtcMedia(api);
    media.listen();
    api.emit('media.command', { id: 'm1', callId: 'c1', command: { op: 'createAnswer', sdp: 'v=0\r\n' } });
    await vi.waitFor(() => expect(api.calls.some((c) => c.name === 'media.reply')).toBe(true));
    return { api, pc: FakePeerConnection.last!, lost: () => api.calls.filter((c) => c.name === 'media.lost').map((c) => c.input) };
  }

  it('tells main when the far end stays unreachable, once', async () => {
    const { pc, lost } = await callWithMedia();
    pc.ice('connected');
    pc.ice('disconnected');
    await vi.advanceTimersByTimeAsync(MEDIA_LOST_AFTER_MS - 100);
    expect(lost()).toEqual([]);
    await vi.advanceTimersByTimeAsync(200);
    expect(lost()).toEqual([{ callId: 'c1', ice: 'disconnected' }]);
    pc.ice('failed');
    expect(lost()).toHaveLength(1);
  });

  it('says nothing about a hiccup that recovers, and tells at once when ICE failed', async () => {
    const { pc, lost } = await callWithMedia();
    pc.ice('connected');
    pc.ice('disconnected');
    await vi.advanceTimersByTimeAsync(1000);
    pc.ice('connected');
    await vi.advanceTimersByTimeAsync(MEDIA_LOST_AFTER_MS * 2);
    expect(lost()).toEqual([]);
    pc.ice('failed');
    expect(lost()).toEqual([{ callId: 'c1', ice: 'failed' }]);
  });
});
