import { describe, expect, it } from 'vitest';
import { BridgeSessionDescriptionHandler } from './bridge-sdh';
import { NullMediaBridge } from './media-bridge';

/** A bridge that notes every answer it is asked to apply. */
function recordingBridge() {
  const bridge = new NullMediaBridge();
  const applied: string[] = [];
  const setRemote = bridge.setRemote.bind(bridge);
  bridge.setRemote = (sdp: string) => { applied.push(sdp); return setRemote(sdp); };
  return { bridge, applied };
}

describe('BridgeSessionDescriptionHandler: an offer whose media is gone', () => {
  it('takes the answer to a forgotten offer without applying it; the next offer/answer applies as usual', async () => {
    const { bridge, applied } = recordingBridge();
    const sdh = new BridgeSessionDescriptionHandler(bridge);
    await sdh.getDescription();
    expect(sdh.forgetPendingOffer()).toBe(true);
    await sdh.setDescription('answer to the old offer');
    expect(applied).toEqual([]);
    await sdh.getDescription();
    await sdh.setDescription('answer to the new offer');
    expect(applied).toEqual(['answer to the new offer']);
  });

  it('has nothing to forget without an offer waiting for its answer, and a remote offer is still answered', async () => {
    const { bridge } = recordingBridge();
    const sdh = new BridgeSessionDescriptionHandler(bridge);
    expect(sdh.forgetPendingOffer()).toBe(false);
    await sdh.setDescription('v=0\r\nm=audio 4000 RTP/AVP 0\r\na=sendrecv\r\n');
    expect(sdh.forgetPendingOffer()).toBe(false);
    expect((await sdh.getDescription()).body).toContain('m=audio');
    expect(bridge.remoteSdp).toContain('m=audio 4000');
  });

  it('a rolled-back offer leaves nothing forgotten behind', async () => {
    const { bridge, applied } = recordingBridge();
    const sdh = new BridgeSessionDescriptionHandler(bridge);
    await sdh.getDescription();
    sdh.forgetPendingOffer();
    await sdh.rollbackDescription();
    await sdh.getDescription();
    await sdh.setDescription('answer');
    expect(applied).toEqual(['answer']);
  });
});
