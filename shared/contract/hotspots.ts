import { z } from 'zod';
import { event, request } from './define';

/** A ticket of a hotspot: what the list shows and opens. */
export interface HotspotTicketRef {
  id: string;
  number: string;
  title: string;
  /** ISO time of registration. */
  at: string;
  lat: number | null;
  lng: number | null;
}

/**
 * A hotspot (未诉先办) as shift leads see it: similar appeals in place and time, or a category ×
 * area surge, ranked by score (size + burst + growth: electron/hotspots/engine.ts scoreOf).
 */
export interface HotspotView {
  /** Stable while the hotspot keeps its anchor (hs-…). */
  id: string;
  kind: 'cluster' | 'surge';
  /** Generated from the hotspot's own tickets. */
  title: string;
  score: number;
  /** Distinct citizens (a re-post or the same caller counts once). */
  people: number;
  ticketCount: number;
  /** Burst or growth above the alert threshold. */
  alert: boolean;
  /** Evidence of the densest window / the latest window against the background (log-likelihood ratios). */
  burst: number;
  growth: number;
  /** District ('' when the tickets carry none). */
  area: string;
  /** Category name ('' when none). */
  category: string;
  terms: string[];
  first: string | null;
  last: string | null;
  timeline: { day: string; count: number }[];
  center: { lat: number; lng: number } | null;
  /** Its tickets, newest first, at most 500. */
  tickets: HotspotTicketRef[];
}

export interface HotspotList {
  /** When the list was computed (ISO); null before the first computation finished. */
  computedAt: string | null;
  /** Tickets of the horizon the worker holds. */
  ticketsConsidered: number;
  horizonDays: number;
  hotspots: HotspotView[];
}

/** Sent once per hotspot change: a new hotspot above the alert threshold, or one with more people. */
export interface HotspotAlert {
  change: 'new' | 'growing';
  hotspot: HotspotView;
  /** People before this change (0 when new). */
  previousPeople: number;
}

export const hotspotRequests = {
  /** The ranked hotspots of the last computation (the worker recomputes as tickets arrive). */
  'hotspots.list': request<HotspotList>()(z.object({}).strict(), ['shift_lead', 'admin'], 'tickets'),
};

export const hotspotEvents = {
  /** A hotspot appeared or grew; audience: shift leads and admins. */
  'hotspot.alert': event<HotspotAlert>(),
};
