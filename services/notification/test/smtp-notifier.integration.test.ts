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
    await notifyOfChange({ kind: 'booked', event, version: 1 }, deps, { log });
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
    await notifyOfChange({ kind: 'booked', event, version: 1 }, deps, { log });
    await notifyOfChange({ kind: 'canceled', event, version: 2 }, deps, { log });
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
      expect(readInvite(canceled.mail).sequence).toBe(1);
    }
  });

  // The event moved twice: from Monday 07:00 UTC to Tuesday 12:00 UTC (version 2), then to Wednesday 08:00 UTC (3).
  const tuesday = { start: new Date('2030-06-25T12:00:00.000Z'), end: new Date('2030-06-25T12:30:00.000Z') };
  const wednesday = { start: new Date('2030-06-26T08:00:00.000Z'), end: new Date('2030-06-26T08:30:00.000Z') };
  const moves = [
    { kind: 'rescheduled' as const, event: { ...event, ...tuesday }, version: 2, previous: event },
    { kind: 'rescheduled' as const, event: { ...event, ...wednesday }, version: 3, previous: tuesday },
  ];

  it('when it is rescheduled, then each party gets a mail of the move and a METHOD:REQUEST invite of the new time, same UID, SEQUENCE version − 1', async () => {
    fresh();
    await notifyOfChange({ kind: 'booked', event, version: 1 }, deps, { log });
    await notifyOfChange(moves[0]!, deps, { log });
    const booked = readInvite(mail(`<booked.${event.id}@slotkeeper>`).mail);
    const attendees = mail(`<rescheduled.v2.${event.id}@slotkeeper>`);
    const owner = mail(`<rescheduled.v2.${event.id}.owner@slotkeeper>`);
    expect(catcher.received).toHaveLength(4);

    expect(attendees.to.sort()).toEqual(['ann@example.com', 'bob@example.com', 'cy@example.com']);
    expect(owner.to).toEqual(['alice@example.com']);
    expect(attendees.mail.subject).toBe('Rescheduled: Intro call');
    expect(owner.mail.subject).toBe('Rescheduled: Intro call (ann@example.com)');
    expect(attendees.mail.text).toContain(
      'Now: Tuesday, 25 June 2030, 12:00–12:30 (UTC)\nWas: Monday, 24 June 2030, 07:00–07:30 (UTC)',
    );
    expect(owner.mail.text).toContain(
      'Now: Tuesday, 25 June 2030, 14:00–14:30 (Europe/Berlin)\nWas: Monday, 24 June 2030, 09:00–09:30 (Europe/Berlin)',
    );
    for (const { mail: m } of [attendees, owner]) {
      expect(m.text).toContain(page);
      expect(readInvite(m)).toEqual({
        ...booked,
        method: 'REQUEST',
        uid: event.id,
        sequence: 1,
        status: 'CONFIRMED',
        start: '2030-06-25T12:00:00.000Z',
        end: '2030-06-25T12:30:00.000Z',
      });
    }
  });

  it('when it is rescheduled again, then the new mails have Message-IDs of their own and a higher SEQUENCE', async () => {
    fresh();
    for (const move of moves) await notifyOfChange(move, deps, { log });
    expect(catcher.received.map((r) => r.mail.messageId)).toEqual([
      `<rescheduled.v2.${event.id}@slotkeeper>`,
      `<rescheduled.v2.${event.id}.owner@slotkeeper>`,
      `<rescheduled.v3.${event.id}@slotkeeper>`,
      `<rescheduled.v3.${event.id}.owner@slotkeeper>`,
    ]);
    const second = readInvite(mail(`<rescheduled.v3.${event.id}.owner@slotkeeper>`).mail);
    expect(second).toMatchObject({
      uid: event.id,
      sequence: 2,
      start: '2030-06-26T08:00:00.000Z',
      end: '2030-06-26T08:30:00.000Z',
    });
    expect(mail(`<rescheduled.v3.${event.id}@slotkeeper>`).mail.text).toContain(
      'Now: Wednesday, 26 June 2030, 08:00–08:30 (UTC)\nWas: Tuesday, 25 June 2030, 12:00–12:30 (UTC)',
    );
  });

  it('when a reschedule is delivered again, then the same process sends nothing, and another process resends it under the same Message-IDs', async () => {
    fresh();
    await notifyOfChange(moves[0]!, deps, { log });
    await notifyOfChange(moves[0]!, deps, { log });
    expect(catcher.received).toHaveLength(2);
    // Another instance (or this one after a restart) has no memory of what went out: the copy
    // carries the same Message-IDs and invite, so mail clients show it once and calendars keep one entry.
    const first = catcher.received.map((r) => ({ id: r.mail.messageId, invite: readInvite(r.mail) }));
    notifier.close();
    fresh();
    await notifyOfChange(moves[0]!, deps, { log });
    const again = catcher.received.slice(2).map((r) => ({ id: r.mail.messageId, invite: readInvite(r.mail) }));
    expect(again).toEqual(first);
  });

  it('when the owner lookup fails, then no mail goes out until a retry finds the owner, and then the owner is mailed too', async () => {
    fresh(new ScriptedOwners(alice, 1));
    await expect(notifyOfChange({ kind: 'booked', event, version: 1 }, deps, { log })).rejects.toThrow('503');
    expect(catcher.received).toEqual([]);
    await notifyOfChange({ kind: 'booked', event, version: 1 }, deps, { log });
    expect(catcher.received.flatMap((r) => r.to).sort()).toEqual([
      'alice@example.com',
      'ann@example.com',
      'bob@example.com',
      'cy@example.com',
    ]);
  });

  it('when a message is handled again in the same process, then mails the server already took are not sent twice', async () => {
    fresh();
    const [first] = notificationsFor({ kind: 'booked', event, version: 1 }, alice, page);
    await notifier.send(first!, log);
    await notifyOfChange({ kind: 'booked', event, version: 1 }, deps, { log });
    expect(catcher.received.map((r) => r.mail.messageId)).toEqual([
      `<booked.${event.id}@slotkeeper>`,
      `<booked.${event.id}.owner@slotkeeper>`,
    ]);
  });

  it('when the calendar is gone, then the invite names the sender as organizer', async () => {
    fresh(new ScriptedOwners(null));
    await notifyOfChange({ kind: 'canceled', event, version: 2 }, deps, { log });
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
