/**
 * Who a user can be. One list, owned by the contract (roles cross the process boundary); the
 * domain names it in its own vocabulary.
 */
export { roles as USER_ROLES, type Role as UserRole } from '../contract/roles';
