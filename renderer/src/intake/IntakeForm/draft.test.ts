import { describe, expect, it } from 'vitest';
import type { TicketCreateInput } from '../../../../shared/contract';
import { createInputOf, draftOfInput, emptyIntake, intakeHasContent } from './draft';

const input: TicketCreateInput = {
  draftKey: 'intake.manual', callId: 'call-7', channel: 'phone', citizen: { name: '李女士', phone: '02788886666', confidential: true },
  appealType: 'help', categoryId: 'cat-9', urgency: 'emergency', title: '家中老人走失', content: '老人早上出门后一直没有回家，请帮忙联系社区。',
  districtCode: '420102', streetCode: '420102001', communityCode: '420102001001', address: '中山大道 100 号',
  coordinates: { lat: 30.583333, lng: 114.283333 }, resolveDirectly: { summary: '已告知报警电话并联系社区', articleId: 'kb-3' }, repeatOf: '0190a0b0-0000-7000-8000-000000000001',
};

describe('a write taken back from the outbox into the intake form', () => {
  it('comes back as the form had it: saving it again sends the same appeal, on the same call', () => {
    const d = draftOfInput(input);
    expect(d.coordinates).toBe('114.283333, 30.583333');
    expect(intakeHasContent(d)).toBe(true);
    expect(createInputOf(d, 'resolve', { draftKey: 'intake.manual' })).toEqual(input);
    // A ticket registered without an answer comes back without one.
    const registered = { ...input, resolveDirectly: undefined };
    expect(createInputOf(draftOfInput(registered), 'register', { draftKey: 'intake.manual' })).toEqual(registered);
  });

  it('keeps the live call of the form over the one the write came from', () => {
    expect(createInputOf(draftOfInput(input), 'register', { draftKey: 'intake.call.c2', callId: 'c2' }).callId).toBe('c2');
    expect(createInputOf(emptyIntake(), 'register', { draftKey: 'intake.manual' }).callId).toBeUndefined();
  });
});
