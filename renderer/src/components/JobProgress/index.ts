export { JobProgress, useJob } from './JobProgress';
