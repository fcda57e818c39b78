export { PasswordRules } from './PasswordRules';
