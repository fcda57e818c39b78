export { WorkList, watchedDeadline, type WorkTab } from './WorkList';
