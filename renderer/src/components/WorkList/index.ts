export { WorkList } from './WorkList';
