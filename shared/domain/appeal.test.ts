import { describe, expect, it } from 'vitest';
import { roles as contractRoles } from '../contract/roles';
import {
  APPEAL_TYPES, appealTypeSchema, isAppealType, isTicketChannel, isUrgency, TICKET_CHANNELS, ticketChannelSchema, URGENCY_LEVELS,
} from './appeal';
import { USER_ROLES } from './roles';

describe('catalogues', () => {
  it('lists the seven appeal types in the order forms show them', () => {
    expect(APPEAL_TYPES).toEqual(['consultation', 'help', 'complaint', 'report', 'suggestion', 'praise', 'other']);
    expect(URGENCY_LEVELS).toEqual(['normal', 'urgent', 'emergency']);
    expect(TICKET_CHANNELS).toEqual(['phone', 'web', 'walk_in', 'letter', 'outreach']);
  });

  it('narrows text read back from the store', () => {
    expect(isAppealType('complaint')).toBe(true);
    expect(isAppealType('投诉')).toBe(false);
    expect(isAppealType(3)).toBe(false);
    expect(isUrgency('emergency')).toBe(true);
    expect(isUrgency('high')).toBe(false);
    expect(isTicketChannel('walk_in')).toBe(true);
    expect(isTicketChannel('wechat')).toBe(false);
    expect(appealTypeSchema.safeParse('report').success).toBe(true);
    expect(ticketChannelSchema.safeParse('fax').success).toBe(false);
  });

  it('keeps the domain roles and the contract roles the same list', () => {
    expect([...USER_ROLES]).toEqual([...contractRoles]);
  });
});
