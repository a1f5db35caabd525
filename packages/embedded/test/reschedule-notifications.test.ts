import { SmtpNotifier } from '@slotkeeper/notification-service';
import { startMailCatcher, type MailCatcher } from '@slotkeeper/testing';
import { bearer, expectStatus } from '@slotkeeper/testing/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, notifyingSystem } from './harness.js';

/** Reschedule notifications through the embedded system, sent by SMTP to an in-process mail catcher. */

/** The invite's lines that say which entry, which revision and when (ical-generator writes UTC instants). */
function inviteOf(mail: MailCatcher['received'][number]['mail']) {
  const part = mail.attachments.find((a) => a.contentType.startsWith('text/calendar'));
  if (!part) throw new Error('no text/calendar part');
  const lines = part.content.toString('utf8').split(/\r?\n/);
  const value = (name: string) => lines.find((line) => line.startsWith(`${name}:`))?.slice(name.length + 1);
  return {
    method: value('METHOD'),
    uid: value('UID'),
    sequence: value('SEQUENCE'),
    start: value('DTSTART'),
    end: value('DTEND'),
  };
}

describe('reschedule notifications in the embedded system', () => {
  let catcher: MailCatcher;
  beforeAll(async () => {
    catcher = await startMailCatcher();
  });
  afterAll(async () => {
    await catcher?.close();
  });

  it('when the booker moves an event twice, then the booker, the guest and the owner each get a mail of each move with the invite at the new time and a rising SEQUENCE', async () => {
    const notifier = new SmtpNotifier(catcher.url, 'Slotkeeper <no-reply@slotkeeper.test>');
    const { gateway, api, annBooking } = await notifyingSystem(notifier);
    // Monday 3 June 2030, 09:00 in Berlin (07:00 UTC); then 10:00, then 14:00.
    const event = await api.book(annBooking);
    const reschedule = (start_time: string, end_time: string) =>
      expectStatus(
        api.client.POST('/api/event/events/{event_id}/reschedule', {
          params: { path: { event_id: event.id } },
          headers: bearer(event.cancel_token),
          body: { start_time, end_time },
        }),
        200,
      );
    await reschedule('2030-06-03T10:00:00+02:00', '2030-06-03T10:30:00+02:00');
    await reschedule('2030-06-03T14:00:00+02:00', '2030-06-03T14:30:00+02:00');
    await eventually(() => expect(catcher.received).toHaveLength(9));
    await gateway.close();
    notifier.close();

    const byId = new Map(catcher.received.map((r) => [r.mail.messageId, r]));
    expect([...byId.keys()].sort()).toEqual(
      [
        `<booked.${event.id}@slotkeeper>`,
        `<booked.${event.id}.guests@slotkeeper>`,
        `<booked.${event.id}.owner@slotkeeper>`,
        `<rescheduled.v2.${event.id}@slotkeeper>`,
        `<rescheduled.v2.${event.id}.guests@slotkeeper>`,
        `<rescheduled.v2.${event.id}.owner@slotkeeper>`,
        `<rescheduled.v3.${event.id}@slotkeeper>`,
        `<rescheduled.v3.${event.id}.guests@slotkeeper>`,
        `<rescheduled.v3.${event.id}.owner@slotkeeper>`,
      ].sort(),
    );
    const moves = [
      {
        version: 2,
        sequence: '1',
        start: '20300603T080000Z',
        end: '20300603T083000Z',
        now: '10:00–10:30',
        was: '09:00–09:30',
      },
      {
        version: 3,
        sequence: '2',
        start: '20300603T120000Z',
        end: '20300603T123000Z',
        now: '14:00–14:30',
        was: '10:00–10:30',
      },
    ];
    const page = `https://slots.example/booking/${event.id}`;
    for (const move of moves) {
      const booker = byId.get(`<rescheduled.v${move.version}.${event.id}@slotkeeper>`)!;
      const guests = byId.get(`<rescheduled.v${move.version}.${event.id}.guests@slotkeeper>`)!;
      const ownerMail = byId.get(`<rescheduled.v${move.version}.${event.id}.owner@slotkeeper>`)!;
      expect(booker.to).toEqual(['ann@example.com']);
      expect(guests.to).toEqual(['bob@example.com']);
      expect(ownerMail.to).toEqual(['alice@example.com']);
      expect(booker.mail.subject).toBe('Rescheduled: Intro call');
      expect(guests.mail.subject).toBe('Rescheduled: Intro call');
      expect(ownerMail.mail.text).toContain(
        `Now: Monday, 3 June 2030, ${move.now} (Europe/Berlin)\nWas: Monday, 3 June 2030, ${move.was} (Europe/Berlin)`,
      );
      // The booker's mail brings them back with their token; the guest's and the owner's without.
      expect(booker.mail.text).toContain(`Reschedule or cancel: ${page}#token=${event.cancel_token}`);
      for (const { mail } of [guests, ownerMail]) {
        expect(mail.text).toContain(`The booking's page: ${page}`);
        expect(mail.text).not.toContain('#token=');
      }
      for (const { mail } of [booker, guests, ownerMail]) {
        expect(inviteOf(mail)).toEqual({
          method: 'REQUEST',
          uid: event.id,
          sequence: move.sequence,
          start: move.start,
          end: move.end,
        });
      }
    }
    expect(inviteOf(byId.get(`<booked.${event.id}@slotkeeper>`)!.mail).sequence).toBe('0');
    // Invites get forwarded: none carries the token, the booker's included (lines unfolded).
    for (const { mail } of catcher.received) {
      const invite = mail.attachments.find((a) => a.contentType.startsWith('text/calendar'))!;
      expect(invite.content.toString('utf8').replace(/\r?\n[ \t]/g, '')).not.toContain(event.cancel_token);
    }
  });
});
