import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import { useDraft } from './useDraft';
import { renderWithProviders } from '../../test/render';
import { fakeApi } from '../../test/fake-api';
import { emptyIntake, intakeHasContent, type IntakeDraft } from '../intake/IntakeForm/IntakeForm';

function Form({ draftKey }: { draftKey: string }) {
  const [d, , draft] = useDraft<IntakeDraft>(draftKey, emptyIntake('', 'phone'), { hasContent: (v) => intakeHasContent(v) });
  return (
    <div>
      <span data-testid="title">{d.title}</span>
      <span data-testid="channel">{d.channel}</span>
      {draft.restoredAt && <span data-testid="restored">{draft.restoredAt}</span>}
      {!draft.loading && <span data-testid="loaded" />}
    </div>
  );
}

describe('useDraft', () => {
  it('does not offer an empty saved form as a draft to restore', async () => {
    // What a form leaves behind after it was saved and emptied (an old default channel included).
    localStorage.setItem('hotline.draft.intake.manual', JSON.stringify({ value: emptyIntake('', 'walk_in'), savedAt: '2026-11-28T01:00:00.000Z' }));
    const api = fakeApi({ 'drafts.get': (() => ({ ok: true, value: { key: 'intake.manual', data: JSON.stringify(emptyIntake('', 'walk_in')), savedAt: '2026-11-28T02:00:00.000Z' } })) as never });
    renderWithProviders(<Form draftKey="intake.manual" />, api);
    await screen.findByTestId('loaded');
    expect(screen.queryByTestId('restored')).toBeNull();
    expect(screen.getByTestId('channel')).toHaveTextContent('phone');
  });

  it('restores a draft with content from main and says when it was saved', async () => {
    const saved = { ...emptyIntake('', 'phone'), title: '路灯不亮' };
    const api = fakeApi({ 'drafts.get': (() => ({ ok: true, value: { key: 'intake.manual', data: JSON.stringify(saved), savedAt: '2026-11-28T02:00:00.000Z' } })) as never });
    renderWithProviders(<Form draftKey="intake.manual" />, api);
    expect(await screen.findByTestId('restored')).toHaveTextContent('2026-11-28T02:00:00.000Z');
    expect(screen.getByTestId('title')).toHaveTextContent('路灯不亮');
  });
});

describe('intakeHasContent', () => {
  it('ignores defaults and the number the call brought, counts anything typed or picked', () => {
    expect(intakeHasContent(emptyIntake('13812345678', 'phone'), '13812345678')).toBe(false);
    expect(intakeHasContent({ ...emptyIntake(), appealType: 'complaint' })).toBe(true);
    expect(intakeHasContent({ ...emptyIntake(), content: '  ' })).toBe(false);
    expect(intakeHasContent({ ...emptyIntake(), phone: '13900000000' }, '13812345678')).toBe(true);
  });
});
