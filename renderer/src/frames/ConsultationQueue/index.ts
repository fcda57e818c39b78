export { ConsultationQueue } from './ConsultationQueue';
