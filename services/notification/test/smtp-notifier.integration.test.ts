import ICAL from 'ical.js';
import type { ParsedMail } from 'mailparser';
import { silentLogger } from '@slotkeeper/observability';
import { startMailCatcher, type CaughtMail, type MailCatcher } from '@slotkeeper/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mailboxOf, SmtpNotifier } from '../src/adapters/smtp/smtp-notifier.js';
import { notificationsFor } from '../src/domain/notification.js';
import { notifyOfChange, type NotifyDeps } from '../src/domain/notify-of-change.js';
import { alice, introCall, ScriptedOwners } from './support.js';

const event = introCall;
const page = `http://127.0.0.1:3000/booking/${event.id}`;

/** The invite's METHOD and VEVENT, read back with ical.js. */
function readInvite(mail: ParsedMail) {
  const part = mail.attachments.find((a) => a.contentType.startsWith('text/calendar'));
  if (!part) throw new Error('no text/calendar part');
  const calendar = new ICAL.Component(ICAL.parse(part.content.toString('utf8')));
  const vevent = calendar.getFirstSubcomponent('vevent')!;
  const time = (name: string) => (vevent.getFirstPropertyValue(name) as ICAL.Time).toJSDate().toISOString();
  const organizer = vevent.getFirstProperty('organizer')!;
  return {
    method: calendar.getFirstPropertyValue('method'),
    uid: vevent.getFirstPropertyValue('uid'),
    sequence: Number(vevent.getFirstPropertyValue('sequence')),
    status: vevent.getFirstPropertyValue('status'),
    start: time('dtstart'),
    end: time('dtend'),
    url: vevent.getFirstPropertyValue('url'),
    organizer: { cn: organizer.getParameter('cn'), value: String(organizer.getFirstValue()).toLowerCase() },
    attendees: vevent.getAllProperties('attendee').map((p) => ({
      value: String(p.getFirstValue()).toLowerCase(),
      partstat: p.getParameter('partstat'),
    })),
  };
}

const log = silentLogger();

describe('SMTP notifications with an iCalendar invite', () => {
  let catcher: MailCatcher;
  let notifier: SmtpNotifier;
  let deps: NotifyDeps;
  const mail = (messageId: string): CaughtMail => {
    const found = catcher.received.find((r) => r.mail.messageId === messageId);
    if (!found) throw new Error(`no mail ${messageId}; got ${catcher.received.map((r) => r.mail.messageId).join(' ')}`);
    return found;
  };

  beforeAll(async () => {
    catcher = await startMailCatcher();
  });
  afterEach(() => {
    notifier?.close();
    catcher.received.length = 0;
  });
  afterAll(async () => {
    await catcher?.close();
  });
  const fresh = (owners = new ScriptedOwners(alice)) => {
    notifier = new SmtpNotifier(catcher.url, 'Slotkeeper <no-reply@slotkeeper.test>');
    deps = { owners, notifier, bookingPage: (id) => `http://127.0.0.1:3000/booking/${id}` };
  };

  it('when an event is booked, then the booker and guests get a METHOD:REQUEST invite organized by the owner, and the owner one of their own', async () => {
    fresh();
    await notifyOfChange({ kind: 'booked', event }, deps, { log });
    expect(catcher.received).toHaveLength(2);
    const attendees = mail(`<booked.${event.id}@slotkeeper>`);
    const owner = mail(`<booked.${event.id}.owner@slotkeeper>`);

    expect(attendees.to.sort()).toEqual(['ann@example.com', 'bob@example.com', 'cy@example.com']);
    expect(owner.to).toEqual(['alice@example.com']);
    expect(attendees.mail.subject).toBe('Booked: Intro call');
    expect(attendees.mail.text).toContain(page);
    expect(owner.mail.text).toContain(page);
    for (const { mail: m } of [attendees, owner]) {
      expect(readInvite(m)).toEqual({
        method: 'REQUEST',
        uid: event.id,
        sequence: 0,
        status: 'CONFIRMED',
        start: '2030-06-24T07:00:00.000Z',
        end: '2030-06-24T07:30:00.000Z',
        url: page,
        organizer: { cn: 'Alice Owner', value: 'mailto:alice@example.com' },
        attendees: [
          { value: 'mailto:ann@example.com', partstat: 'ACCEPTED' },
          { value: 'mailto:bob@example.com', partstat: 'NEEDS-ACTION' },
          { value: 'mailto:cy@example.com', partstat: 'NEEDS-ACTION' },
        ],
      });
    }
  });

  it('when it is canceled, then everyone gets METHOD:CANCEL, STATUS:CANCELLED, the same UID and a higher SEQUENCE', async () => {
    fresh();
    await notifyOfChange({ kind: 'booked', event }, deps, { log });
    await notifyOfChange({ kind: 'canceled', event }, deps, { log });
    const booked = readInvite(mail(`<booked.${event.id}@slotkeeper>`).mail);
    for (const id of [`<canceled.${event.id}@slotkeeper>`, `<canceled.${event.id}.owner@slotkeeper>`]) {
      const canceled = mail(id);
      expect(canceled.mail.subject).toMatch(/^Canceled: Intro call/);
      expect(readInvite(canceled.mail)).toMatchObject({
        method: 'CANCEL',
        status: 'CANCELLED',
        uid: booked.uid,
        organizer: booked.organizer,
      });
      expect(readInvite(canceled.mail).sequence).toBeGreaterThan(booked.sequence);
    }
  });

  it('when the owner lookup fails, then no mail goes out until a retry finds the owner, and then the owner is mailed too', async () => {
    fresh(new ScriptedOwners(alice, 1));
    await expect(notifyOfChange({ kind: 'booked', event }, deps, { log })).rejects.toThrow('503');
    expect(catcher.received).toEqual([]);
    await notifyOfChange({ kind: 'booked', event }, deps, { log });
    expect(catcher.received.flatMap((r) => r.to).sort()).toEqual([
      'alice@example.com',
      'ann@example.com',
      'bob@example.com',
      'cy@example.com',
    ]);
  });

  it('when a message is handled again in the same process, then mails the server already took are not sent twice', async () => {
    fresh();
    const [first] = notificationsFor({ kind: 'booked', event }, alice, page);
    await notifier.send(first!, log);
    await notifyOfChange({ kind: 'booked', event }, deps, { log });
    expect(catcher.received.map((r) => r.mail.messageId)).toEqual([
      `<booked.${event.id}@slotkeeper>`,
      `<booked.${event.id}.owner@slotkeeper>`,
    ]);
  });

  it('when the calendar is gone, then the invite names the sender as organizer', async () => {
    fresh(new ScriptedOwners(null));
    await notifyOfChange({ kind: 'canceled', event }, deps, { log });
    expect(catcher.received).toHaveLength(1);
    expect(readInvite(catcher.received[0]!.mail).organizer).toEqual({
      cn: 'Slotkeeper',
      value: 'mailto:no-reply@slotkeeper.test',
    });
  });
});

describe('the sender mailbox', () => {
  it('reads a display name and address, or a bare address', () => {
    expect(mailboxOf('Slotkeeper <no-reply@slotkeeper.local>')).toEqual({
      name: 'Slotkeeper',
      email: 'no-reply@slotkeeper.local',
    });
    expect(mailboxOf('"Slot Keeper" <a@b.example>')).toEqual({ name: 'Slot Keeper', email: 'a@b.example' });
    expect(mailboxOf('a@b.example')).toEqual({ name: 'a@b.example', email: 'a@b.example' });
  });
});
