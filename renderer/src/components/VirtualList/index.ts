export { VirtualList, type VirtualColumn } from './VirtualList';
