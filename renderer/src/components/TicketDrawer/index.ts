export { TicketDrawer } from './TicketDrawer';
