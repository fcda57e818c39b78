export { TicketSearch } from './TicketSearch';
