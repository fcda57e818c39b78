export { Hotspots } from './Hotspots';
