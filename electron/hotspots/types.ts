/** One message or ticket as the hotspot engine sees it. Only id, title, text and time are required. */
export interface HotspotInput {
  id: string;
  title: string;
  text: string;
  /** Epoch milliseconds, or null when the source has no time. */
  time: number | null;
  /** Appeal category (a taxonomy label), when known: feeds the background rate and the title. */
  category?: string;
  /** Administrative area (district / street), when known. */
  area?: string;
  lat?: number;
  lon?: number;
  /** A stable id of the person (citizen id, masked phone hash), when known. */
  citizen?: string;
}

export interface TimelinePoint {
  /** Day as YYYY-MM-DD in the engine's time zone. */
  day: string;
  count: number;
}

export interface Hotspot {
  /** Stable across recomputes while the hotspot keeps its anchor terms: hs-<hash>. */
  id: string;
  /** 'cluster' = messages about one entity + complaint; 'surge' = a category × area cell above its baseline. */
  kind: 'cluster' | 'surge';
  title: string;
  score: number;
  /** Member ticket ids, oldest first. */
  ids: string[];
  /** Key terms, most characteristic first. */
  terms: string[];
  area: string;
  category: string;
  first: number | null;
  last: number | null;
  /** Distinct people: re-posts of the same text and the same citizen count once. */
  people: number;
  /** Expectation-based Poisson log-likelihood ratio of the densest window against the background. */
  burst: number;
  /** The same ratio for the most recent window ("now" = latest time seen): how much it is growing. */
  growth: number;
  /** True when the burst or growth passes the alert threshold: worth a shift lead's attention. */
  alert: boolean;
  timeline: TimelinePoint[];
  /** Mean coordinates of members that carry coordinates. */
  center: { lat: number; lon: number } | null;
}

/**
 * Engine parameters. The defaults were chosen by test/eval/hotspots-tune.ts on held-out halves of
 * generated and real data (see that file), not set by hand per data set.
 */
export interface HotspotParams {
  /** Shortest mined phrase, in tokens (a CJK character or a Latin word is one token). */
  minTokens: number;
  /** Longest mined phrase, in tokens. */
  maxTokens: number;
  /** Characters of the text used for mining (names appear early; the rest is narrative). */
  maxChars: number;
  /** A phrase must occur in at least this many documents to be a term. */
  minDf: number;
  /** …and in at most this share of documents (above it, it is boilerplate). */
  maxDfShare: number;
  /** An n-gram whose one-token extension keeps this share of its documents is not closed (a fragment). */
  closeRatio: number;
  /** Two documents are linked when their weighted term overlap reaches this. */
  linkThreshold: number;
  /** A cluster whose best term covers less than this share of its members is split. */
  coherence: number;
  /** Hotspots need at least this many distinct people. */
  minPeople: number;
  /** Scan window, in days. */
  windowDays: number;
  /** Score weights: see score() in score.ts. */
  burstWeight: number;
  growthWeight: number;
  /** Alert threshold on the burst / growth log-likelihood ratio. */
  alertLlr: number;
  /** Minutes east of UTC for day boundaries and weekdays (China: 480). */
  tzOffsetMinutes: number;
  /** Grid cell edge for coordinates, in degrees (≈ 250 m at 0.0025). */
  geoCell: number;
  /** Latest time considered "now" for growth; default: the latest input time. */
  now?: number;
}

export const DEFAULT_PARAMS: HotspotParams = {
  minTokens: 2,
  maxTokens: 10,
  maxChars: 60,
  minDf: 2,
  maxDfShare: 0.02,
  closeRatio: 0.9,
  linkThreshold: 0.2,
  coherence: 0.6,
  minPeople: 3,
  windowDays: 14,
  burstWeight: 2,
  growthWeight: 0.5,
  alertLlr: 12,
  tzOffsetMinutes: 480,
  geoCell: 0.0025,
};
