export { SimilarTickets } from './SimilarTickets';
