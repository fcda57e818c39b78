export { DeskSyncIndicator } from './DeskSync';
export { OutboxList } from './OutboxList';
export { useDeskSync } from './useDeskSync';
export { deskNoticeIds, hideDeskNotices, showQueuedNotice } from './notices';
