import type { MediaDevicesChoice } from './webrtc-media';

const KEY = 'hotline.audioDevices';

/**
 * The headset and speaker this seat uses. Kept per machine (localStorage), not per user: the
 * devices belong to the desk, and the hidden media window of the desktop app reads the same copy.
 */
export function loadDevices(): MediaDevicesChoice {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '{}') as MediaDevicesChoice;
  } catch {
    return {};
  }
}

export function saveDevices(d: MediaDevicesChoice): void {
  localStorage.setItem(KEY, JSON.stringify(d));
}
