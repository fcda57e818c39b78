export { CallRecordings } from './CallRecordings';
export type { CallRecordingsProps } from './CallRecordings';
