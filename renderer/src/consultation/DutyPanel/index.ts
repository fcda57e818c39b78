export { DutyRoster, OnDutyNow } from './DutyPanel';
