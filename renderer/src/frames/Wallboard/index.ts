export { Wallboard } from './Wallboard';
