import type { CitizensTable, TicketsTable } from '../store/schema';
import type { TicketHistoryEvent } from '../../shared/domain/ticket-events';
import { CHINA_OFFSET_MS as LOCAL_OFFSET, chinaDateCompact } from '../../shared/domain/china-time';
import { citizenAt, citizenId } from './citizens';
import { CITY } from './lexicon';
import { simulateLifecycle, type Urgency } from './lifecycle';
import { Rng, cumulative, hash32, isoUtc, pickWeighted, seededUuidv7 } from './prng';
import { generateReferenceData, leadDepartment, type CommunityModel, type LeafModel, type ReferenceData } from './reference';
import { addressOf, composeContent, composeTitle, makeTextCore, type AppealType, type Channel, type TextCore } from './text';

export interface GenerateTicketsOptions {
  seed: number;
  count: number;
  /** The "now" of the demo: tickets end here, lifecycles are cut here. ISO text or a Date. */
  referenceDate: string | Date;
  /** How far back tickets go. @default 730 */
  days?: number;
  /** Letters before the date in human ticket numbers. @default 'JC' */
  numberPrefix?: string;
  /** Offset into the citizen number space, to add a batch beside existing demo citizens. @default 0 */
  citizenBase?: number;
  /** Reference data to point at; @default generateReferenceData(seed) */
  reference?: ReferenceData;
}

/** One generated ticket with everything that must be written with it, in foreign-key order. */
export interface TicketBundle {
  /** The caller, when this ticket is their first; null when they are already written (or there is none). */
  citizen: CitizensTable | null;
  ticket: TicketsTable;
  events: TicketHistoryEvent[];
  /** Hotspot (类案) id when the ticket belongs to a cluster of similar complaints; not stored. */
  cluster: number | null;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Calls per hour of the local day: morning and afternoon peaks, a lunch dip, quiet nights. */
export const HOURLY_WEIGHT = [0.8, 0.5, 0.3, 0.25, 0.25, 0.4, 1.0, 2.5, 5.5, 8.5, 9.0, 7.5, 4.5, 5.5, 8.0, 8.5, 7.5, 5.5, 4.0, 4.0, 3.8, 3.0, 2.0, 1.3];
/** Sunday first (Date#getUTCDay order): weekends carry about 60% of a weekday. */
const WEEKDAY_WEIGHT = [0.58, 1.12, 1.06, 1.03, 1.02, 0.98, 0.62];
/** Summer brings power, water and noise; winter heating. January first. */
const MONTH_WEIGHT = [1.0, 0.85, 0.95, 0.97, 1.0, 1.05, 1.18, 1.2, 1.05, 0.95, 0.97, 1.05];

const APPEALS: readonly (readonly [AppealType, number])[] = [
  ['complaint', 0.36], ['help', 0.28], ['consultation', 0.2], ['report', 0.06], ['suggestion', 0.05], ['praise', 0.02], ['other', 0.03],
];
const AFFINITY: Record<LeafModel['kind'], Record<AppealType, number>> = {
  p: { consultation: 6, help: 1, complaint: 0.4, report: 0.05, suggestion: 1, praise: 0.5, other: 1 },
  i: { consultation: 0.3, help: 1.5, complaint: 1.5, report: 0.15, suggestion: 1, praise: 1, other: 1 },
  r: { consultation: 0.2, help: 0.7, complaint: 1.5, report: 3, suggestion: 1, praise: 1, other: 1 },
};
const CHANNELS: readonly (readonly [Channel, number])[] = [['phone', 0.74], ['web', 0.15], ['walk_in', 0.03], ['letter', 0.02], ['outreach', 0.06]];

/** About one new hotspot per 250 tickets, each 5–40 near-identical complaints within 1–4 weeks. */
const CLUSTER_RATE = 1 / 250;
/** Share of calls from the small pool of frequent callers. */
const FREQUENT_SHARE = 0.13;

interface Cluster {
  id: number;
  core: TextCore;
  leadId: string;
  address: string;
  lat: number;
  lng: number;
  endDay: number;
  remaining: number;
  firstTicketId: string | null;
  firstFinishedMs: number;
  firstCaller: number;
}

function localDateKey(localMs: number): string {
  return chinaDateCompact(new Date(localMs - LOCAL_OFFSET));
}

/**
 * Streams `count` tickets in creation order, so a million never sit in memory. Citizens are
 * emitted with their first ticket, merged duplicates after their parent: writing bundles in order
 * satisfies every foreign key.
 */
export function* generateTickets(opts: GenerateTicketsOptions): Generator<TicketBundle> {
  const { seed, count } = opts;
  const ref = opts.reference ?? generateReferenceData(seed);
  const days = opts.days ?? 730;
  const prefix = opts.numberPrefix ?? CITY.numberPrefix;
  const base = opts.citizenBase ?? 0;
  const refMs = typeof opts.referenceDate === 'string' ? Date.parse(opts.referenceDate) : opts.referenceDate.getTime();
  if (!Number.isFinite(refMs)) throw new Error(`invalid referenceDate ${String(opts.referenceDate)}`);
  const rng = new Rng(seed, 0x71c);
  const { leaves, communities, communityCum } = ref.model;

  // Leaf choice depends on the appeal type; popularity varies by leaf.
  const popularity = leaves.map(() => 0.25 + 2 * rng.float() ** 2);
  const leafCum = new Map<AppealType, Float64Array>(APPEALS.map(([a]) =>
    [a, cumulative(leaves.map((l, i) => popularity[i]! * AFFINITY[l.kind][a]))]));
  const clusterLeafCum = cumulative(leaves.map((l, i) => (l.kind === 'p' ? 0 : popularity[i]!)));

  // Callers: a uniform crowd plus a Zipf-distributed handful who call again and again.
  const citizenCount = Math.max(20, Math.round(count * 0.8));
  const frequentCount = Math.max(3, Math.round(citizenCount * 0.015));
  const frequentCum = cumulative(Array.from({ length: frequentCount }, (_, k) => 1 / (k + 1) ** 0.7));
  const firstCall = new Float64Array(citizenCount);
  const pickCaller = () => (rng.chance(FREQUENT_SHARE) ? rng.weighted(frequentCum) : Math.floor(rng.float() * citizenCount));

  // Volume per local day: weekday × season × slow growth × noise; the last day only up to "now".
  const hourCum = cumulative(HOURLY_WEIGHT);
  const refLocal = refMs + LOCAL_OFFSET;
  const lastDayStart = Math.floor(refLocal / DAY) * DAY;
  const firstDayStart = lastDayStart - (days - 1) * DAY;
  const refSecondOfDay = Math.floor((refLocal - lastDayStart) / 1000);
  const dayWeight = new Float64Array(days);
  for (let d = 0; d < days; d++) {
    const date = new Date(firstDayStart + d * DAY);
    let w = WEEKDAY_WEIGHT[date.getUTCDay()]! * MONTH_WEIGHT[date.getUTCMonth()]! * (0.85 + 0.15 * d / days) * (0.88 + 0.24 * rng.float());
    if (d === days - 1) w *= secondsWeight(hourCum, refSecondOfDay) / hourCum[23]!;
    dayWeight[d] = w;
  }
  const dayCum = cumulative(Array.from(dayWeight));
  const total = dayCum[days - 1]!;

  const clusters: Cluster[] = [];
  let clusterAcc = 0;
  let clusterSeq = 0;
  let emitted = 0;

  for (let d = 0; d < days && emitted < count; d++) {
    const n = Math.round(count * dayCum[d]! / total) - Math.round(count * (d > 0 ? dayCum[d - 1]! : 0) / total);
    if (n <= 0) continue;
    const dayStart = firstDayStart + d * DAY;
    const limitSecond = d === days - 1 ? refSecondOfDay : 86_400;
    const msOfDay = new Float64Array(n);
    for (let i = 0; i < n; i++) msOfDay[i] = sampleSecond(rng, hourCum, limitSecond) * 1000 + Math.floor(rng.float() * 1000);
    msOfDay.sort();

    // Hotspots: start new ones, then give active ones today's share of slots.
    clusterAcc += n * CLUSTER_RATE * (0.5 + rng.float());
    while (clusterAcc >= 1) {
      clusterAcc -= 1;
      clusters.push(spawnCluster(rng, ref, clusterLeafCum, communities, communityCum, clusterSeq++, d, pickCaller()));
    }
    const assigned: (Cluster | null)[] = new Array<Cluster | null>(n).fill(null);
    let free = n;
    for (const c of clusters) {
      const daysLeft = Math.max(1, c.endDay - d + 1);
      let want = Math.floor(c.remaining / daysLeft + rng.float());
      if (c.firstTicketId === null) want = Math.max(want, 1);
      want = Math.min(want, c.remaining, Math.floor(free * 0.6) + (c.firstTicketId === null ? 1 : 0), free);
      for (let k = 0; k < want; k++) {
        let slot = Math.floor(rng.float() * n);
        while (assigned[slot] !== null) slot = (slot + 1) % n;
        assigned[slot] = c;
        free--;
        c.remaining--;
      }
    }
    for (let i = clusters.length - 1; i >= 0; i--) {
      const c = clusters[i]!;
      if (c.remaining <= 0 || c.endDay <= d) clusters.splice(i, 1);
    }

    const dateKey = localDateKey(dayStart);
    for (let i = 0; i < n && emitted < count; i++) {
      const createdMs = dayStart + msOfDay[i]! - LOCAL_OFFSET;
      const hour = Math.floor(msOfDay[i]! / HOUR);
      yield makeTicket(createdMs, hour, `${prefix}${dateKey}${String(i + 1).padStart(5, '0')}`, assigned[i]!);
      emitted++;
    }
  }

  function makeTicket(createdMs: number, hour: number, number: string, cluster: Cluster | null): TicketBundle {
    const id = seededUuidv7(createdMs, rng);
    let channel = pickWeighted(rng, CHANNELS);
    if (channel === 'walk_in' && (hour < 9 || hour >= 17)) channel = 'phone';
    let core: TextCore;
    let leadId: string;
    let address: string;
    let lat: number;
    let lng: number;
    let caller: number | null;
    let mergeInto: string | null = null;
    if (cluster) {
      core = cluster.core;
      leadId = cluster.leadId;
      address = cluster.address;
      lat = cluster.lat + (rng.float() - 0.5) * 0.0008;
      lng = cluster.lng + (rng.float() - 0.5) * 0.0008;
      if (cluster.firstTicketId === null) {
        cluster.firstTicketId = id;
        caller = cluster.firstCaller;
        if (channel === 'outreach') channel = 'phone';
      } else if (createdMs + 30 * 60_000 < cluster.firstFinishedMs && rng.chance(0.2)) {
        caller = cluster.firstCaller;
        mergeInto = cluster.firstTicketId;
        channel = 'phone';
      } else {
        caller = channel === 'outreach' ? null : pickCaller();
      }
    } else {
      const appeal = pickWeighted(rng, APPEALS);
      const leaf = leaves[rng.weighted(leafCum.get(appeal)!)]!;
      // Grid workers report problems they see, not policy questions, praise or suggestions.
      if (channel === 'outreach' && (leaf.kind === 'p' || !['complaint', 'help', 'report'].includes(appeal))) channel = 'phone';
      const community = communities[rng.weighted(communityCum)]!;
      const provisionalLead = leadDepartment(ref, leaf, community);
      core = makeTextCore(rng, leaf, appeal, community, ref.model.deptName.get(provisionalLead) ?? '');
      leadId = provisionalLead;
      address = addressOf(rng, core);
      lat = community.lat + (rng.float() - 0.5) * 0.004;
      lng = community.lng + (rng.float() - 0.5) * 0.004;
      caller = channel === 'outreach' ? null : pickCaller();
    }
    const c: CommunityModel = core.community;
    const appeal = core.appeal;

    let citizen: CitizensTable | null = null;
    let citizenRowId: string | null = null;
    let phone: string | null = null;
    let callerName: string | null = null;
    if (caller !== null) {
      const who = citizenAt(seed, base + caller);
      if (firstCall[caller] === 0) {
        firstCall[caller] = createdMs;
        citizenRowId = citizenId(seed, base + caller, createdMs);
        citizen = { id: citizenRowId, phone: who.phone, name: who.name, created_at: isoUtc(createdMs) };
      } else {
        citizenRowId = citizenId(seed, base + caller, firstCall[caller]!);
      }
      phone = who.phone;
      const r = rng.float();
      const polite = `${who.surname}${who.female ? '女士' : '先生'}`;
      callerName = who.name ? (r < 0.55 ? who.name : r < 0.95 ? polite : null) : (r < 0.5 ? polite : null);
    }

    const u = rng.float();
    const urgency: Urgency = u < 0.004 ? 'emergency' : u < 0.054 ? 'urgent' : 'normal';
    const confidential = rng.chance(appeal === 'report' ? 0.4 : appeal === 'complaint' ? 0.03 : 0.005) ? 1 : 0;
    const life = simulateLifecycle(rng, {
      ticketId: id, createdMs, referenceMs: refMs, appeal, urgency, leadDepartmentId: leadId,
      misrouteDepartmentId: leadId === c.streetDeptId ? c.districtDeptId : c.streetDeptId, mergeIntoId: mergeInto,
      mergeBeforeMs: cluster ? cluster.firstFinishedMs : 0,
    });
    if (cluster && cluster.firstTicketId === id) cluster.firstFinishedMs = life.finishedMs;
    const createdAt = isoUtc(createdMs);
    const ticket: TicketsTable = {
      id, number, created_at: createdAt, updated_at: isoUtc(life.updatedMs), channel, appeal_type: appeal,
      urgency, status: life.status, citizen_id: citizenRowId, phone, caller_name: callerName, confidential,
      category_id: core.leaf.id, title: composeTitle(rng, core), content: composeContent(rng, core, channel),
      district_code: c.districtCode, street_code: c.streetCode, community_code: c.code, address,
      lat: Math.round(lat * 1e6) / 1e6, lng: Math.round(lng * 1e6) / 1e6,
      lead_department_id: life.leadDepartmentId, sign_by: life.signBy, reply_by: life.replyBy, closed_at: life.closedAt,
      parent_id: mergeInto,
    };
    return { citizen, ticket, events: life.events, cluster: cluster ? cluster.id : null };
  }
}

function secondsWeight(hourCum: Float64Array, second: number): number {
  const h = Math.floor(second / 3600);
  if (h >= 24) return hourCum[23]!;
  const before = h > 0 ? hourCum[h - 1]! : 0;
  return before + (hourCum[h]! - before) * ((second % 3600) / 3600);
}

/** A second of the local day drawn from the hourly profile, below `limit` (the reference time on the last day). */
function sampleSecond(rng: Rng, hourCum: Float64Array, limit: number): number {
  const x = rng.float() * secondsWeight(hourCum, limit);
  let h = 0;
  while (h < 23 && hourCum[h]! <= x) h++;
  const before = h > 0 ? hourCum[h - 1]! : 0;
  const frac = (x - before) / (hourCum[h]! - before);
  return Math.min(limit - 1, Math.floor(h * 3600 + frac * 3600));
}

function spawnCluster(rng: Rng, ref: ReferenceData, leafCum: Float64Array, communities: CommunityModel[],
  communityCum: Float64Array, id: number, day: number, firstCaller: number): Cluster {
  const crng = rng.fork(hash32(id, 0xc1));
  const leaf = ref.model.leaves[crng.weighted(leafCum)]!;
  const community = communities[crng.weighted(communityCum)]!;
  const appeal = pickWeighted<AppealType>(crng, [['complaint', 0.6], ['help', 0.25], ['report', 0.15]]);
  const leadId = leadDepartment(ref, leaf, community);
  const core = makeTextCore(crng, leaf, appeal, community, ref.model.deptName.get(leadId) ?? '');
  const size = crng.chance(0.1) ? crng.int(20, 40) : crng.int(5, 15);
  return {
    id, core, leadId, address: addressOf(crng, core),
    lat: community.lat + (crng.float() - 0.5) * 0.003, lng: community.lng + (crng.float() - 0.5) * 0.003,
    endDay: day + crng.int(7, 28), remaining: size, firstTicketId: null, firstFinishedMs: 0, firstCaller,
  };
}
