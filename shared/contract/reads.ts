import type { RequestName } from './index';

/**
 * Requests that only read: answering one twice changes nothing, so when the store's connection
 * drops during one (a PostgreSQL restart, a network break) the dispatcher runs it once more instead
 * of reporting store_unavailable. Anything that writes (an audit row included) stays off this list:
 * whether its write committed before the drop is unknown, so it is reported, never repeated.
 */
export const readOnlyRequests: ReadonlySet<RequestName> = new Set<RequestName>([
  'app.info', 'session.current', 'settings.get', 'drafts.get', 'demo.status', 'stats.overview', 'stats.kpis', 'tickets.recent',
  'reference.get', 'tickets.get', 'tickets.search', 'tickets.similar', 'tickets.suggestCategory', 'tickets.work', 'calendar.list',
  'deadlines.get', 'users.list', 'audit.list', 'phone.dutyTargets', 'phone.getConfig', 'sip.getAccount', 'divisions.catalogue',
  'divisions.previewImport', 'jobs.get', 'jobs.list', 'knowledge.search', 'knowledge.get', 'scripts.list',
  'consultation.hardCandidates', 'consultation.forTicket', 'consultation.queue', 'consultation.get', 'consultation.monthly',
  'consultation.alerts', 'duty.roster', 'duty.now', 'duty.people', 'wallboard.seats', 'wallboard.calls',
  'wallboard.queues', 'wallboard.queue', 'wallboard.rates',
  'wallboard.charts', 'wallboard.alerts', 'wallboard.getAlertSettings',
  'hotspots.list',
]);
