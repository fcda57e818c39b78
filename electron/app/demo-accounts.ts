import type { Role } from '../../shared/contract';

/**
 * Demo sign-ins, one per role, created only with generated demo data. The password is shown on
 * the login screen of a demo store, so it is deliberately not secret.
 */
export const DEMO_PASSWORD = 'Demo-12345';

export const demoAccounts: { username: string; displayName: string; roles: Role[]; departmentCode?: string }[] = [
  { username: 'agent01', displayName: '王晓燕', roles: ['agent'] },
  { username: 'agent02', displayName: '李明', roles: ['agent'] },
  { username: 'member01', displayName: '张建国委员', roles: ['cppcc_member'] },
  { username: 'expert01', displayName: '刘教授（九三学社）', roles: ['liaison_expert'] },
  { username: 'lead01', displayName: '陈班长', roles: ['shift_lead'] },
  { username: 'dept01', displayName: '市住建局联络员', roles: ['department'], departmentCode: 'JC-ZJJ' },
  { username: 'admin', displayName: '系统管理员', roles: ['admin'] },
];
