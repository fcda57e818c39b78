export { HardItems } from './HardItems';
