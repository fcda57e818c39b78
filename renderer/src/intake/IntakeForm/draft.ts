import type { TicketCreateInput } from '../../../../shared/contract';
import type { AppealType, TicketChannel, Urgency } from '../../../../shared/domain/appeal';
import { formatCoordinates, parseCoordinates } from '../../../../shared/domain/geo';

/** The intake form's draft slot when no call is on (walk-ins, web, letters, and tickets taken back from the desk's outbox). */
export const MANUAL_INTAKE_DRAFT = 'intake.manual';

export interface IntakeDraft {
  channel: TicketChannel;
  name: string;
  phone: string;
  confidential: boolean;
  appealType: AppealType | null;
  categoryId: string | null;
  urgency: Urgency;
  title: string;
  content: string;
  districtCode: string | null;
  streetCode: string | null;
  communityCode: string | null;
  address: string;
  /** As typed ("116.397,39.909" or "39.909 116.397"); parsed on save. Missing in drafts from before it existed. */
  coordinates?: string;
  answer: string;
  /** The knowledge article the answer came from, recorded with a direct resolution. */
  articleId: string | null;
  /** An open ticket about the same problem: the new one is merged under it (并单) when saved. */
  mergeInto: string | null;
  /** An answered or closed ticket the new one repeats (重复来电 / 重办). Missing in older drafts. */
  repeatOf?: string | null;
  /**
   * The call a ticket taken back from the desk's outbox came in on, so that the corrected ticket
   * stays linked to it; the form's live call wins. Missing in drafts typed in the form.
   */
  callId?: string | null;
}

export type IntakeMode = 'register' | 'resolve' | 'escalate';

export function emptyIntake(phone = '', channel: IntakeDraft['channel'] = 'phone'): IntakeDraft {
  return { channel, name: '', phone, confidential: false, appealType: null, categoryId: null, urgency: 'normal', title: '', content: '',
    districtCode: null, streetCode: null, communityCode: null, address: '', coordinates: '', answer: '', articleId: null, mergeInto: null, repeatOf: null };
}

/** Whether a saved form holds anything the agent typed (the call's own number and the defaults do not count). */
export function intakeHasContent(d: IntakeDraft, callerNumber?: string): boolean {
  const typed = [d.name, d.title, d.content, d.address, d.coordinates ?? '', d.answer].some((x) => x.trim() !== '');
  const phone = d.phone.trim() !== '' && d.phone.trim() !== (callerNumber ?? '').trim();
  return typed || phone || d.appealType !== null || d.categoryId !== null || d.districtCode !== null || d.mergeInto !== null || Boolean(d.repeatOf);
}

/** The typed coordinates for the request (validateIntake has already refused a bad pair). */
function coordinatesOf(d: IntakeDraft): { lat: number; lng: number } | undefined {
  const c = d.coordinates?.trim() ? parseCoordinates(d.coordinates) : null;
  return c?.ok ? { lat: c.lat, lng: c.lng } : undefined;
}

/** What saving the form sends; the draft has passed validateIntake (appeal type and category are set). */
export function createInputOf(d: IntakeDraft, mode: IntakeMode, link: { draftKey: string; callId?: string }): TicketCreateInput {
  return {
    draftKey: link.draftKey, callId: link.callId ?? d.callId ?? undefined, channel: d.channel,
    citizen: { name: d.name.trim() || undefined, phone: d.phone.trim() || undefined, confidential: d.confidential },
    appealType: d.appealType!, categoryId: d.categoryId!, urgency: d.urgency, title: d.title, content: d.content,
    districtCode: d.districtCode ?? undefined, streetCode: d.streetCode ?? undefined, communityCode: d.communityCode ?? undefined,
    address: d.address.trim() || undefined,
    coordinates: coordinatesOf(d),
    resolveDirectly: mode === 'resolve' ? { summary: d.answer, articleId: d.articleId ?? undefined } : undefined,
    repeatOf: d.repeatOf ?? undefined,
  };
}

/**
 * The form as it was when a write now waiting in (or refused from) the desk's outbox was saved,
 * so that the agent can correct it and save again. A merge (并单) is a step after the save and is
 * not part of the write: the agent picks it again if still wanted.
 */
export function draftOfInput(input: TicketCreateInput): IntakeDraft {
  return {
    channel: input.channel, name: input.citizen.name ?? '', phone: input.citizen.phone ?? '', confidential: input.citizen.confidential,
    appealType: input.appealType, categoryId: input.categoryId, urgency: input.urgency ?? 'normal', title: input.title, content: input.content,
    districtCode: input.districtCode ?? null, streetCode: input.streetCode ?? null, communityCode: input.communityCode ?? null,
    address: input.address ?? '', coordinates: input.coordinates ? formatCoordinates(input.coordinates) : '',
    answer: input.resolveDirectly?.summary ?? '', articleId: input.resolveDirectly?.articleId ?? null,
    mergeInto: null, repeatOf: input.repeatOf ?? null, callId: input.callId ?? null,
  };
}
