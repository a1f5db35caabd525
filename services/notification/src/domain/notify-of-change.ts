import { notificationsFor, type Change } from './notification.js';
import type { BookingLinks, Notifier, NotifyContext, OwnerDirectory } from './ports.js';

export interface NotifyDeps {
  owners: OwnerDirectory;
  notifier: Notifier;
  /** The booking's page, and the booker's link to it with their token. */
  links: BookingLinks;
}

/**
 * Tells the booker, the guests and the calendar's owner of one change. The owner is looked up
 * before anything is sent: when that fails, the error reaches the bus, which delivers the
 * message again later, and no mail of it has gone out half-addressed.
 */
export async function notifyOfChange(change: Change, deps: NotifyDeps, context: NotifyContext): Promise<void> {
  const { event } = change;
  const owner = await deps.owners.ownerOf(event.calendarId, { requestId: context.requestId });
  if (!owner) {
    context.log.warn(
      { calendarId: event.calendarId, eventId: event.id },
      'the calendar or its owner no longer exists; telling the booker and guests only',
    );
  }
  const links = {
    page: deps.links.page(event.id),
    manage: change.tokenNonce ? deps.links.manage(event.id, change.tokenNonce) : null,
  };
  for (const notification of notificationsFor(change, owner, links)) {
    await deps.notifier.send(notification, context.log);
  }
}
