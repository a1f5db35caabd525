import ICAL from 'ical.js';
import type { ParsedMail } from 'mailparser';
import { cancelTokens, internalKeys } from '@slotkeeper/auth';
import { silentLogger } from '@slotkeeper/observability';
import { startMailCatcher, type CaughtMail, type MailCatcher } from '@slotkeeper/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bookingLinks } from '../src/adapters/booking-links.js';
import { mailboxOf, SmtpNotifier } from '../src/adapters/smtp/smtp-notifier.js';
import { notificationsFor } from '../src/domain/notification.js';
import { notifyOfChange, type NotifyDeps } from '../src/domain/notify-of-change.js';
import { alice, capturedLogger, introCall, ScriptedOwners } from './support.js';

const event = introCall;
const page = `http://127.0.0.1:3000/booking/${event.id}`;
const { cancelTokens: cancelTokenKey } = internalKeys('a secret the services share');
// The booker's token as the booking service issued it; its nonce is what the messages carry.
const issued = cancelTokens(cancelTokenKey).issue(event.id);
const booked = { kind: 'booked' as const, event, version: 1, tokenNonce: issued.stored.salt };
const canceled = { kind: 'canceled' as const, event, version: 2, tokenNonce: issued.stored.salt };

/** The invite's DESCRIPTION, read back with ical.js. */
function inviteDescription(mail: ParsedMail): string {
  const part = mail.attachments.find((a) => a.contentType.startsWith('text/calendar'))!;
  const calendar = new ICAL.Component(ICAL.parse(part.content.toString('utf8')));
  return String(calendar.getFirstSubcomponent('vevent')!.getFirstPropertyValue('description'));
}

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
    deps = { owners, notifier, links: bookingLinks('http://127.0.0.1:3000', cancelTokenKey) };
  };

  it('when an event is booked, then the booker, the guests and the owner each get a METHOD:REQUEST invite organized by the owner', async () => {
    fresh();
    await notifyOfChange(booked, deps, { log });
    expect(catcher.received).toHaveLength(3);
    const booker = mail(`<booked.${event.id}@slotkeeper>`);
    const guests = mail(`<booked.${event.id}.guests@slotkeeper>`);
    const owner = mail(`<booked.${event.id}.owner@slotkeeper>`);

    expect(booker.to).toEqual(['ann@example.com']);
    expect(guests.to.sort()).toEqual(['bob@example.com', 'cy@example.com']);
    expect(owner.to).toEqual(['alice@example.com']);
    expect(booker.mail.subject).toBe('Booked: Intro call');
    expect(guests.mail.subject).toBe('Booked: Intro call');
    expect(guests.mail.text).toContain(page);
    expect(owner.mail.text).toContain(page);
    for (const { mail: m } of [booker, guests, owner]) {
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

  it("when an event is booked, then only the booker's mail text holds their token link, and no invite does", async () => {
    fresh();
    await notifyOfChange(booked, deps, { log });
    const booker = mail(`<booked.${event.id}@slotkeeper>`);
    expect(booker.mail.text).toContain(`Reschedule or cancel: ${page}#token=${issued.token}`);
    for (const { mail: m } of catcher.received) {
      // Invites get forwarded: neither their URL nor their description carries the token.
      expect(readInvite(m).url).toBe(page);
      expect(inviteDescription(m)).toContain(`The booking's page: ${page}`);
      expect(inviteDescription(m)).not.toContain(issued.token);
    }
    for (const id of [`<booked.${event.id}.guests@slotkeeper>`, `<booked.${event.id}.owner@slotkeeper>`]) {
      expect(mail(id).mail.text).not.toContain(issued.token);
      expect(mail(id).mail.text).not.toContain('#token=');
    }
  });

  it('when mails with the booker’s link are sent, then the log lines say to whom, never the text or the token', async () => {
    fresh();
    const { logger, lines } = capturedLogger();
    await notifyOfChange(booked, deps, { log: logger });
    await notifyOfChange(booked, deps, { log: logger });
    // Three sent, then three already sent.
    expect(lines).toHaveLength(6);
    for (const line of lines.map((line) => JSON.stringify(line))) {
      expect(line).not.toContain(issued.token.slice(-43));
      expect(line).not.toContain('#token=');
    }
  });

  it('when it is canceled, then everyone gets METHOD:CANCEL, STATUS:CANCELLED, the same UID and a higher SEQUENCE', async () => {
    fresh();
    await notifyOfChange(booked, deps, { log });
    await notifyOfChange(canceled, deps, { log });
    const bookedInvite = readInvite(mail(`<booked.${event.id}@slotkeeper>`).mail);
    for (const audience of ['', '.guests', '.owner']) {
      const canceledMail = mail(`<canceled.${event.id}${audience}@slotkeeper>`);
      expect(canceledMail.mail.subject).toMatch(/^Canceled: Intro call/);
      expect(readInvite(canceledMail.mail)).toMatchObject({
        method: 'CANCEL',
        status: 'CANCELLED',
        uid: bookedInvite.uid,
        organizer: bookedInvite.organizer,
      });
      expect(readInvite(canceledMail.mail).sequence).toBe(1);
      // Nothing is left to reschedule or cancel: no mail of the cancellation holds the token.
      expect(canceledMail.mail.text).not.toContain('#token=');
    }
  });

  // The event moved twice: from Monday 07:00 UTC to Tuesday 12:00 UTC (version 2), then to Wednesday 08:00 UTC (3).
  const tuesday = { start: new Date('2030-06-25T12:00:00.000Z'), end: new Date('2030-06-25T12:30:00.000Z') };
  const wednesday = { start: new Date('2030-06-26T08:00:00.000Z'), end: new Date('2030-06-26T08:30:00.000Z') };
  const moves = [
    {
      kind: 'rescheduled' as const,
      event: { ...event, ...tuesday },
      version: 2,
      previous: event,
      tokenNonce: issued.stored.salt,
    },
    {
      kind: 'rescheduled' as const,
      event: { ...event, ...wednesday },
      version: 3,
      previous: tuesday,
      tokenNonce: issued.stored.salt,
    },
  ];

  it('when it is rescheduled, then each party gets a mail of the move and a METHOD:REQUEST invite of the new time, same UID, SEQUENCE version − 1', async () => {
    fresh();
    await notifyOfChange(booked, deps, { log });
    await notifyOfChange(moves[0]!, deps, { log });
    const bookedInvite = readInvite(mail(`<booked.${event.id}@slotkeeper>`).mail);
    const booker = mail(`<rescheduled.v2.${event.id}@slotkeeper>`);
    const guests = mail(`<rescheduled.v2.${event.id}.guests@slotkeeper>`);
    const owner = mail(`<rescheduled.v2.${event.id}.owner@slotkeeper>`);
    expect(catcher.received).toHaveLength(6);

    expect(booker.to).toEqual(['ann@example.com']);
    expect(guests.to.sort()).toEqual(['bob@example.com', 'cy@example.com']);
    expect(owner.to).toEqual(['alice@example.com']);
    expect(booker.mail.subject).toBe('Rescheduled: Intro call');
    expect(guests.mail.subject).toBe('Rescheduled: Intro call');
    expect(owner.mail.subject).toBe('Rescheduled: Intro call (ann@example.com)');
    for (const { mail: m } of [booker, guests]) {
      expect(m.text).toContain(
        'Now: Tuesday, 25 June 2030, 12:00–12:30 (UTC)\nWas: Monday, 24 June 2030, 07:00–07:30 (UTC)',
      );
    }
    expect(owner.mail.text).toContain(
      'Now: Tuesday, 25 June 2030, 14:00–14:30 (Europe/Berlin)\nWas: Monday, 24 June 2030, 09:00–09:30 (Europe/Berlin)',
    );
    expect(booker.mail.text).toContain(`Reschedule or cancel: ${page}#token=${issued.token}`);
    expect(guests.mail.text).not.toContain('#token=');
    for (const { mail: m } of [booker, guests, owner]) {
      expect(m.text).toContain(page);
      expect(readInvite(m)).toEqual({
        ...bookedInvite,
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
      `<rescheduled.v2.${event.id}.guests@slotkeeper>`,
      `<rescheduled.v2.${event.id}.owner@slotkeeper>`,
      `<rescheduled.v3.${event.id}@slotkeeper>`,
      `<rescheduled.v3.${event.id}.guests@slotkeeper>`,
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
    expect(catcher.received).toHaveLength(3);
    // Another instance (or this one after a restart) has no memory of what went out: the copy
    // carries the same Message-IDs and invite, so mail clients show it once and calendars keep one entry.
    const first = catcher.received.map((r) => ({ id: r.mail.messageId, invite: readInvite(r.mail) }));
    notifier.close();
    fresh();
    await notifyOfChange(moves[0]!, deps, { log });
    const again = catcher.received.slice(3).map((r) => ({ id: r.mail.messageId, invite: readInvite(r.mail) }));
    expect(again).toEqual(first);
  });

  it('when the owner lookup fails, then no mail goes out until a retry finds the owner, and then the owner is mailed too', async () => {
    fresh(new ScriptedOwners(alice, 1));
    await expect(notifyOfChange(booked, deps, { log })).rejects.toThrow('503');
    expect(catcher.received).toEqual([]);
    await notifyOfChange(booked, deps, { log });
    expect(catcher.received.flatMap((r) => r.to).sort()).toEqual([
      'alice@example.com',
      'ann@example.com',
      'bob@example.com',
      'cy@example.com',
    ]);
  });

  it('when a message is handled again in the same process, then mails the server already took are not sent twice', async () => {
    fresh();
    const [first] = notificationsFor(booked, alice, { page, manage: null });
    await notifier.send(first!, log);
    await notifyOfChange(booked, deps, { log });
    expect(catcher.received.map((r) => r.mail.messageId)).toEqual([
      `<booked.${event.id}@slotkeeper>`,
      `<booked.${event.id}.guests@slotkeeper>`,
      `<booked.${event.id}.owner@slotkeeper>`,
    ]);
  });

  it('when the calendar is gone, then the invite names the sender as organizer', async () => {
    fresh(new ScriptedOwners(null));
    await notifyOfChange(canceled, deps, { log });
    expect(catcher.received).toHaveLength(2);
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
