import { z } from 'zod';

/** What the notification service reads besides where to listen, the broker and the services. */
export const notificationConfig = z.object({
  SMTP_URL: z.url().optional(),
  MAIL_FROM: z.string().min(3).default('Slotkeeper <no-reply@slotkeeper.local>'),
  /** The gateway's public address: notification emails link to `/booking/{event_id}` on it. */
  PUBLIC_BASE_URL: z.url().default('http://127.0.0.1:3000'),
});
