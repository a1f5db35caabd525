import ICAL from 'ical.js';
import type { ParsedMail } from 'mailparser';
import { sampleEvent, startMailCatcher, type MailCatcher } from '@slotkeeper/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpNotifier } from '../src/adapters/smtp/smtp-notifier.js';
import { notificationFor } from '../src/domain/notification.js';

const event = sampleEvent;

/** The invite's VEVENT and its calendar's METHOD, read back with ical.js. */
function readInvite(mail: ParsedMail) {
  const part = mail.attachments.find((a) => a.contentType.startsWith('text/calendar'));
  if (!part) throw new Error('no text/calendar part');
  const calendar = new ICAL.Component(ICAL.parse(part.content.toString('utf8')));
  const vevent = calendar.getFirstSubcomponent('vevent')!;
  const time = (name: string) => (vevent.getFirstPropertyValue(name) as ICAL.Time).toJSDate().toISOString();
  return {
    method: calendar.getFirstPropertyValue('method'),
    uid: vevent.getFirstPropertyValue('uid'),
    sequence: Number(vevent.getFirstPropertyValue('sequence')),
    status: vevent.getFirstPropertyValue('status'),
    start: time('dtstart'),
    end: time('dtend'),
    attendees: vevent.getAllProperties('attendee').map((p) => String(p.getFirstValue()).toLowerCase()),
  };
}

describe('SMTP notifications with an iCalendar invite', () => {
  let catcher: MailCatcher;
  let notifier: SmtpNotifier;

  beforeAll(async () => {
    catcher = await startMailCatcher();
    notifier = new SmtpNotifier(catcher.url, 'Slotkeeper <no-reply@slotkeeper.test>');
  });

  afterAll(async () => {
    notifier?.close();
    await catcher?.close();
  });

  it('sends METHOD:REQUEST when booked and METHOD:CANCEL with the same UID and a higher SEQUENCE when canceled', async () => {
    await notifier.send(notificationFor('booked', event));
    await notifier.send(notificationFor('canceled', { ...event, status: 'canceled' }));
    expect(catcher.received).toHaveLength(2);
    const [booked, canceled] = catcher.received.map((r) => ({
      to: r.to,
      subject: r.mail.subject,
      invite: readInvite(r.mail),
    }));

    expect(booked!.to.sort()).toEqual(['ann@example.com', 'bob@example.com', 'cy@example.com']);
    expect(booked!.subject).toBe('Booked: Intro call');
    expect(catcher.received.map((r) => r.mail.messageId)).toEqual([
      `<booked.${event.id}@slotkeeper>`,
      `<canceled.${event.id}@slotkeeper>`,
    ]);
    expect(booked!.invite).toMatchObject({
      method: 'REQUEST',
      uid: '111111111111111111111111@slotkeeper',
      sequence: 0,
      status: 'CONFIRMED',
      start: '2030-06-24T07:00:00.000Z',
      end: '2030-06-24T07:30:00.000Z',
    });
    expect(booked!.invite.attendees).toEqual(['mailto:bob@example.com', 'mailto:cy@example.com']);

    expect(canceled!.subject).toBe('Canceled: Intro call');
    expect(canceled!.invite).toMatchObject({ method: 'CANCEL', uid: booked!.invite.uid, status: 'CANCELLED' });
    expect(canceled!.invite.sequence).toBeGreaterThan(booked!.invite.sequence);
  });
});
