import type { Notification, Owner } from './notification.js';

/** Where a handler's lines go: the service's logger bound to the causing request's id. */
export interface NotifyLog {
  info(bindings: object, message: string): void;
  warn(bindings: object, message: string): void;
}

/** What one message's handling knows of the request that caused it. */
export interface NotifyContext {
  log: NotifyLog;
  /** Carried on to the services asked, so their lines for it share the id. */
  requestId?: string | undefined;
}

/** Where notifications go: SMTP, or a log line when no SMTP server is configured. */
export interface Notifier {
  send(notification: Notification, log: NotifyLog): Promise<void>;
}

/** Who owns a calendar. */
export interface OwnerDirectory {
  /**
   * The calendar's owner; null when the calendar or its owner does not exist (ids are never
   * reused, so that answer is final). Throws when it cannot tell, so the message is retried.
   */
  ownerOf(calendarId: string, context: Pick<NotifyContext, 'requestId'>): Promise<Owner | null>;
}

/** Where the mails link to, on the public base URL. */
export interface BookingLinks {
  /** The booking's page, without any credential. */
  page(eventId: string): string;
  /**
   * The booker's page of the booking, their cancel token (derived from the nonce the message
   * carries, with a key the domain never sees) in the URL's fragment.
   */
  manage(eventId: string, tokenNonce: string): string;
}
