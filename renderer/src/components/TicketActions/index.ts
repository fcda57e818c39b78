export { TicketActions } from './TicketActions';
