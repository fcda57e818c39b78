import { useEffect, useState } from 'react';
import { useApi } from '../../state/api';
import { WebRtcMedia } from '../webrtc-media';
import { recordCalls } from '../call-recorder';

const ATTACH_RETRY_MS = 1000;

/**
 * The hidden media window's whole UI: it owns the calls' RTCPeerConnections. It offers itself as
 * the audio owner until main accepts (the user may not have signed in yet) and again after a
 * sign-out, so the window that plays audio never depends on the window that shows the phone.
 */
export function MediaHost() {
  const { api } = useApi();
  const [media] = useState(() => {
    const m = new WebRtcMedia(api);
    recordCalls(m, api);
    return m;
  });
  useEffect(() => {
    const off = media.listen();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const attach = async () => {
      const r = await api.request('media.attach', {});
      if (!r.ok) timer = setTimeout(() => void attach(), ATTACH_RETRY_MS);
    };
    void attach();
    const offEnded = api.on('session.ended', () => void attach());
    return () => { off(); offEnded(); if (timer) clearTimeout(timer); };
  }, [api, media]);
  return null;
}
