export { MediaHost } from './MediaHost';
