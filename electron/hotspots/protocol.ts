import type { Hotspot, HotspotInput } from './types';

export type ToHotspotWorker =
  | { type: 'add'; inputs: HotspotInput[] }
  | { type: 'remove'; ids: string[] }
  | { type: 'compute'; id: number; now: number };

export type FromHotspotWorker =
  | { type: 'result'; id: number; hotspots: Hotspot[]; ms: number; size: number; steps: Record<string, number>; gcMs: number }
  | { type: 'error'; id: number; message: string };

export interface HotspotWorkerInit {
  horizonDays: number;
  tzOffsetMinutes: number;
}
