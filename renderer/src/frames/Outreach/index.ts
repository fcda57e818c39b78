export { Outreach } from './Outreach';
