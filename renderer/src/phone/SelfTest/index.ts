export { SelfTest } from './SelfTest';
