/**
 * Real data for the hotspot evaluation, read at run time from ../shared/data/real (never copied):
 * the unlabelled messages as the CLI reads them, and the 311 samples mapped to the engine's input
 * (complaint type → category, borough / neighbourhood → area, coordinates kept).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { parseMessageLine, parseTime } from '../../electron/hotspots/read-jsonl';
import type { HotspotInput } from '../../electron/hotspots/types';
import { REAL_DIR } from './real-messages';

export const UNLABELLED = resolve(REAL_DIR, 'messages-unlabelled.jsonl');
export const NYC = resolve(REAL_DIR, 'nyc311.jsonl');
export const SF = resolve(REAL_DIR, 'sf311.jsonl');
export const hotspotDataPresent = (): boolean => existsSync(UNLABELLED) && existsSync(NYC) && existsSync(SF);

const lines = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());

export function readUnlabelled(): HotspotInput[] {
  const out: HotspotInput[] = [];
  for (const l of lines(UNLABELLED)) {
    const r = parseMessageLine(l);
    if (r.ok) out.push(r.input);
  }
  return out;
}

interface Row311 {
  id: string;
  title?: string;
  text?: string;
  time?: string;
  category?: string;
  descriptor?: string;
  address?: string;
  borough?: string;
  neighborhood?: string | null;
  lat?: number | null;
  lon?: number | null;
}

export function read311(file: string): HotspotInput[] {
  const out: HotspotInput[] = [];
  for (const l of lines(file)) {
    const o = JSON.parse(l) as Row311;
    const time = parseTime(o.time);
    if (time === undefined) continue;
    const area = o.neighborhood ?? o.borough ?? '';
    out.push({
      id: o.id,
      // The complaint type is the title; the address is what names the place.
      title: `${o.title ?? ''} ${o.address && !/not associated/i.test(o.address) ? `@ ${o.address}` : ''}`.trim(),
      text: o.text ?? '',
      time,
      ...(o.category ? { category: o.category } : {}),
      ...(area ? { area } : {}),
      ...(typeof o.lat === 'number' && typeof o.lon === 'number' ? { lat: o.lat, lon: o.lon } : {}),
    });
  }
  return out;
}
