import { LRUCache } from 'lru-cache';
import nodemailer, { type Transporter } from 'nodemailer';
import { CHANGES, type Notification } from '../../domain/notification.js';
import type { Notifier, NotifyLog } from '../../domain/ports.js';
import { inviteFor, type Mailbox } from './invite.js';

/** Sends each notification by SMTP (`SMTP_URL`, e.g. smtp://mailpit:1025) with its invite. */
export class SmtpNotifier implements Notifier {
  private readonly transport: Transporter;
  private readonly sender: Mailbox;
  /** Message-IDs the server took: a retry of a half-sent message skips them in this process. */
  private readonly sent = new LRUCache<string, true>({ max: 10_000 });

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport(smtpUrl);
    this.sender = mailboxOf(from);
  }

  async send(notification: Notification, log: NotifyLog): Promise<void> {
    const messageId = notificationMessageId(notification);
    // `mailId`: the log's `messageId` is the bus message's. Never the text: the booker's holds
    // their cancel token.
    const summary = { kind: notification.kind, audience: notification.audience, eventId: notification.event.id };
    if (this.sent.has(messageId)) return log.info({ ...summary, mailId: messageId }, 'notification already sent');
    const invite = inviteFor(notification, this.sender);
    await this.transport.sendMail({
      // One Message-ID per mail of a change: SMTP cannot be exactly-once (a crash between the
      // server's acceptance and the broker ack resends), so a resent copy carries the same id
      // and mail clients show it once.
      messageId,
      from: this.from,
      to: notification.to,
      subject: notification.subject,
      text: notification.text,
      icalEvent: { method: invite.method, filename: 'invite.ics', content: invite.content },
    });
    this.sent.set(messageId, true);
    log.info({ ...summary, mailId: messageId, to: notification.to }, `notified ${notification.to.join(', ')}`);
  }

  close(): void {
    this.transport.close();
  }
}

/**
 * `<kind.eventId@slotkeeper>` for the booker, `<kind.eventId.guests@slotkeeper>` for the guests,
 * `<kind.eventId.owner@slotkeeper>` for the owner; a change that can happen again (a reschedule)
 * adds the version it brought (`<rescheduled.v3.eventId@slotkeeper>`): a redelivered message's
 * mails show once, and each reschedule's show.
 */
export const notificationMessageId = ({ kind, event, audience, version }: Notification): string =>
  `<${[kind, ...(CHANGES[kind].repeats ? [`v${version}`] : []), event.id, ...(audience === 'booker' ? [] : [audience])].join('.')}@slotkeeper>`;

/** The sender's name and address, from `MAIL_FROM` ("Slotkeeper <no-reply@…>" or a bare address). */
export function mailboxOf(from: string): Mailbox {
  const match = /^\s*"?([^"<]*?)"?\s*<([^<>\s]+)>\s*$/.exec(from);
  if (!match) return { name: from.trim(), email: from.trim() };
  const email = match[2]!;
  return { name: match[1] || email, email };
}
