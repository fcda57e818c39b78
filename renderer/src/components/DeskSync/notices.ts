import { notifications } from '@mantine/notifications';

/**
 * The desk's own notices carry fixed ids: a second save or sync replaces the notice instead of
 * stacking another, and opening the outbox (which lists the same writes) clears them.
 */
export const deskNoticeIds = { queued: 'desk-queued', synced: 'desk-synced' } as const;

/** Shows the "saved on this machine" notice, replacing one still on screen. */
export function showQueuedNotice(title: string, message: string): void {
  notifications.hide(deskNoticeIds.queued);
  notifications.show({ id: deskNoticeIds.queued, color: 'orange', title, message, autoClose: 8000 });
}

export function hideDeskNotices(): void {
  for (const id of Object.values(deskNoticeIds)) notifications.hide(id);
}
