import { describe, expect, it } from 'vitest';
import {
  callerInList, callerOnTicket, callerVisibilityOf, itemCallerVisibility, seesCallerName, seesFullPhone, type CallerVisibility,
} from './caller-privacy';

const PHONE = '13812345678';
const MASKED = '138****5678';
const ticket = (confidential: boolean) => ({ phone: PHONE, callerName: '张三', confidential });

describe('who may see a caller', () => {
  it('takes the widest of a reader\'s roles', () => {
    expect(callerVisibilityOf(['agent'])).toBe('all');
    expect(callerVisibilityOf(['shift_lead'])).toBe('all');
    expect(callerVisibilityOf(['cppcc_member'])).toBe('non_confidential');
    expect(callerVisibilityOf(['liaison_expert'])).toBe('non_confidential');
    expect(callerVisibilityOf(['department'])).toBe('none');
    expect(callerVisibilityOf(['admin'])).toBe('none');
    expect(callerVisibilityOf([])).toBe('none');
    expect(callerVisibilityOf(['admin', 'agent'])).toBe('all');
    expect(callerVisibilityOf(['department', 'liaison_expert'])).toBe('non_confidential');
  });

  it('shows full numbers and names by visibility and confidentiality', () => {
    const table = (['all', 'non_confidential', 'none'] as CallerVisibility[]).map((v) => [v, seesFullPhone(v, false), seesFullPhone(v, true), seesCallerName(v, false), seesCallerName(v, true)]);
    expect(table).toEqual([
      ['all', true, true, true, true],
      ['non_confidential', true, false, true, false],
      ['none', false, false, true, false],
    ]);
  });

  it('on a ticket: masked for departments, no trace of a confidential caller for them, a masked trace for case staff', () => {
    expect(callerOnTicket('all', ticket(true))).toEqual({ callerName: '张三', phone: PHONE });
    expect(callerOnTicket('non_confidential', ticket(false))).toEqual({ callerName: '张三', phone: PHONE });
    expect(callerOnTicket('non_confidential', ticket(true))).toEqual({ callerName: null, phone: MASKED });
    expect(callerOnTicket('none', ticket(false))).toEqual({ callerName: '张三', phone: MASKED });
    expect(callerOnTicket('none', ticket(true))).toEqual({ callerName: null, phone: null });
    expect(callerOnTicket('all', { phone: null, callerName: null, confidential: false })).toEqual({ callerName: null, phone: null });
  });

  it('in a list: always masked, and empty for a confidential caller outside intake', () => {
    expect(callerInList('all', ticket(false))).toBe(MASKED);
    expect(callerInList('all', ticket(true))).toBe(MASKED);
    expect(callerInList('non_confidential', ticket(true))).toBe('');
    expect(callerInList('none', ticket(false))).toBe(MASKED);
    expect(callerInList('none', ticket(true))).toBe('');
    expect(callerInList('all', { phone: null, confidential: false })).toBe('');
  });

  it('on a consultation item: full numbers for its claimer and shift leads only, never confidential ones', () => {
    expect(itemCallerVisibility({ userId: 'u1', roles: ['cppcc_member'] }, 'u1')).toBe('non_confidential');
    expect(itemCallerVisibility({ userId: 'u2', roles: ['cppcc_member'] }, 'u1')).toBe('none');
    expect(itemCallerVisibility({ userId: 'u3', roles: ['shift_lead'] }, null)).toBe('non_confidential');
    expect(itemCallerVisibility({ userId: 'u4', roles: ['agent'] }, null)).toBe('none');
    expect(seesFullPhone(itemCallerVisibility({ userId: 'u3', roles: ['shift_lead'] }, null), true)).toBe(false);
  });
});
