export { Softphone } from './Softphone';
