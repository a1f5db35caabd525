import nodemailer, { type Transporter } from 'nodemailer';
import type { Notification, Notifier } from '../../domain/notification.js';
import { inviteFor } from './invite.js';

/** Sends each notification by SMTP (`SMTP_URL`, e.g. smtp://mailpit:1025) with its invite. */
export class SmtpNotifier implements Notifier {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport(smtpUrl);
  }

  async send(notification: Notification): Promise<void> {
    const invite = inviteFor(notification);
    await this.transport.sendMail({
      // One Message-ID per event and kind: SMTP cannot be exactly-once (a crash between the
      // server's acceptance and the broker ack resends), so a resent copy carries the same id
      // and mail clients show it once.
      messageId: notificationMessageId(notification),
      from: this.from,
      to: notification.to,
      subject: notification.subject,
      text: notification.text,
      icalEvent: { method: invite.method, filename: 'invite.ics', content: invite.content },
    });
  }

  close(): void {
    this.transport.close();
  }
}

export const notificationMessageId = ({ kind, event }: Notification): string => `<${kind}.${event.id}@slotkeeper>`;
