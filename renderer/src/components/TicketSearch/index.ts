export { TicketSearch } from './TicketSearch';
export { requestTicketSearch, takeTicketSearchRequest, onTicketSearchRequest } from './searchRequest';
