import { describe, expect, it } from 'vitest';
import { notificationsFor, sequenceOf, type ChangeLinks } from '../src/domain/notification.js';
import { alice, introCall } from './support.js';

const url = 'https://slots.example/booking/111111111111111111111111';
const manage = `${url}#token=ct_111111111111111111111111_${'s'.repeat(43)}`;
/** The links of a change whose message carried the booker's token nonce, and of one that did not. */
const links: ChangeLinks = { page: url, manage };
const plain: ChangeLinks = { page: url, manage: null };
/** Who every change of `introCall` is told to, whatever the change. */
const everyone = ['ann@example.com', 'bob@example.com', 'cy@example.com'];
const organizer = { name: 'Alice Owner', email: 'alice@example.com' };
const toBooker = { audience: 'booker', to: ['ann@example.com'], organizer, attendees: everyone, url };
const toGuests = { audience: 'guests', to: ['bob@example.com', 'cy@example.com'], organizer, attendees: everyone, url };
const toOwner = { audience: 'owner', to: ['alice@example.com'], organizer, attendees: everyone, url };

describe('the mails of a change', () => {
  it('when an event is booked, then the booker, the guests and the owner each get their own mail, all with the owner as organizer', () => {
    const [booker, guests, owner, ...rest] = notificationsFor(
      { kind: 'booked', event: introCall, version: 1 },
      alice,
      links,
    );
    expect(rest).toEqual([]);
    expect(booker).toMatchObject({ ...toBooker, subject: 'Booked: Intro call', sequence: 0 });
    expect(guests).toMatchObject({ ...toGuests, subject: 'Booked: Intro call', sequence: 0 });
    expect(owner).toMatchObject({ ...toOwner, subject: 'Booked: Intro call (ann@example.com)', sequence: 0 });
  });

  it("when an event is booked, then only the booker's mail holds their link to reschedule or cancel, and the others link to the booking's page", () => {
    const [booker, guests, owner] = notificationsFor({ kind: 'booked', event: introCall, version: 1 }, alice, links);
    expect(booker!.text).toContain(`Reschedule or cancel: ${manage}`);
    expect(booker!.text).toContain('Monday, 24 June 2030, 07:00–07:30 (UTC)');
    expect(guests!.text).toContain(`The booking's page: ${url}`);
    expect(guests!.text).toContain('Only ann@example.com, who booked it, can reschedule or cancel it.');
    expect(owner!.text).toContain(`The booking's page: ${url}`);
    expect(owner!.text).toContain('Monday, 24 June 2030, 09:00–09:30 (Europe/Berlin)');
    for (const mail of [guests!, owner!]) {
      expect(mail.text).not.toContain('#token=');
      expect(mail.description).toBe(mail.text);
    }
  });

  it("when the booker's mail holds their link, then the invite's description does not (invites get forwarded)", () => {
    const [booker] = notificationsFor({ kind: 'booked', event: introCall, version: 1 }, alice, links);
    expect(booker!.description).not.toContain('#token=');
    expect(booker!.description).toContain(`The booking's page: ${url}`);
    expect(booker!.description).toContain('When: Monday, 24 June 2030, 07:00–07:30 (UTC)');
    expect(booker!.url).toBe(url);
  });

  it("when the message did not carry the token's nonce, then the booker's mail links to the page and points to their confirmation", () => {
    const [booker] = notificationsFor({ kind: 'booked', event: introCall, version: 1 }, alice, plain);
    expect(booker!.text).toContain(`The booking's page: ${url}`);
    expect(booker!.text).toContain('with the link from your booking confirmation');
    expect(booker!.text).not.toContain('#token=');
  });

  it("when an event is canceled, then no mail holds the booker's link: there is nothing left to reschedule or cancel", () => {
    const mails = notificationsFor({ kind: 'canceled', event: introCall, version: 2 }, alice, links);
    expect(mails.map((mail) => mail.audience)).toEqual(['booker', 'guests', 'owner']);
    for (const mail of mails) {
      expect(mail.text).toContain(`The booking's page: ${url}`);
      expect(mail.text).not.toContain('#token=');
      expect(mail.text).not.toContain('reschedule');
    }
  });

  it('names the booker when the event carries their name', () => {
    const event = { ...introCall, bookerName: 'Ann Lee' };
    const [booker] = notificationsFor({ kind: 'booked', event, version: 1 }, alice, links);
    expect(booker!.text).toContain('Booked by: Ann Lee <ann@example.com>');
  });

  it('when the owner is also a guest, then they get only the owner’s mail', () => {
    const event = { ...introCall, guests: ['alice@example.com', 'bob@example.com'] };
    const mails = notificationsFor({ kind: 'booked', event, version: 1 }, alice, links);
    expect(mails.map((mail) => mail.to)).toEqual([['ann@example.com'], ['bob@example.com'], ['alice@example.com']]);
    expect(mails[0]!.attendees).toEqual(['ann@example.com', 'alice@example.com', 'bob@example.com']);
  });

  it('when the booker is also listed as a guest, then they get only the booker’s mail', () => {
    const event = { ...introCall, guests: ['ann@example.com', 'bob@example.com'] };
    const mails = notificationsFor({ kind: 'booked', event, version: 1 }, alice, links);
    expect(mails.map((mail) => [mail.audience, mail.to])).toEqual([
      ['booker', ['ann@example.com']],
      ['guests', ['bob@example.com']],
      ['owner', ['alice@example.com']],
    ]);
  });

  it('when there are no guests, then only the booker and the owner are mailed', () => {
    const event = { ...introCall, guests: [] };
    const mails = notificationsFor({ kind: 'booked', event, version: 1 }, alice, links);
    expect(mails.map((mail) => mail.audience)).toEqual(['booker', 'owner']);
  });

  it('when the owner booked their own calendar alone, then only the owner’s mail goes out', () => {
    const event = { ...introCall, bookedBy: 'alice@example.com', guests: [] };
    expect(notificationsFor({ kind: 'booked', event, version: 1 }, alice, links).map((mail) => mail.audience)).toEqual([
      'owner',
    ]);
  });

  it('when the calendar’s owner is gone, then the booker and guests are still told, without an organizer', () => {
    const mails = notificationsFor({ kind: 'canceled', event: introCall, version: 2 }, null, links);
    expect(mails).toMatchObject([
      { audience: 'booker', organizer: null, subject: 'Canceled: Intro call' },
      { audience: 'guests', organizer: null, subject: 'Canceled: Intro call' },
    ]);
    expect(mails[0]!.text).not.toContain('confirmation');
  });

  it('SEQUENCE is the event’s version − 1: 0 for the booking, one higher for each reschedule and for the cancellation', () => {
    expect(sequenceOf({ kind: 'booked', event: introCall, version: 1 })).toBe(0);
    expect(sequenceOf({ kind: 'rescheduled', event: introCall, version: 2, previous: introCall })).toBe(1);
    expect(sequenceOf({ kind: 'rescheduled', event: introCall, version: 3, previous: introCall })).toBe(2);
    expect(sequenceOf({ kind: 'canceled', event: introCall, version: 4 })).toBe(3);
    expect(sequenceOf({ kind: 'canceled', event: introCall, version: 2 })).toBe(1);
  });
});

describe('the mails of a reschedule', () => {
  // Moved from Monday 07:00 UTC (09:00 in Berlin) to Tuesday 12:00 UTC (14:00 in Berlin), its second move.
  const moved = {
    kind: 'rescheduled' as const,
    event: { ...introCall, start: new Date('2030-06-25T12:00:00.000Z'), end: new Date('2030-06-25T12:30:00.000Z') },
    version: 3,
    previous: { start: introCall.start, end: introCall.end },
  };

  it('when an event is rescheduled, then the booker, the guests and the owner each get a mail, at SEQUENCE version − 1', () => {
    const mails = notificationsFor(moved, alice, links);
    const rescheduled = { kind: 'rescheduled', version: 3, sequence: 2 };
    expect(mails).toMatchObject([
      { ...toBooker, ...rescheduled, subject: 'Rescheduled: Intro call' },
      { ...toGuests, ...rescheduled, subject: 'Rescheduled: Intro call' },
      { ...toOwner, ...rescheduled, subject: 'Rescheduled: Intro call (ann@example.com)' },
    ]);
    expect(mails.map((mail) => mail.event.start)).toEqual([moved.event.start, moved.event.start, moved.event.start]);
  });

  it('says what moved: the new and the old time, in UTC for the booker and guests and in the owner’s zone for the owner', () => {
    const [booker, guests, owner] = notificationsFor(moved, alice, links);
    for (const mail of [booker!, guests!]) {
      expect(mail.text).toContain('Rescheduled: "Intro call" with Alice Owner.');
      expect(mail.text).toContain(
        'Now: Tuesday, 25 June 2030, 12:00–12:30 (UTC)\nWas: Monday, 24 June 2030, 07:00–07:30 (UTC)',
      );
      expect(mail.text).not.toContain('When:');
    }
    expect(booker!.text).toContain(`Reschedule or cancel: ${manage}`);
    expect(guests!.text).not.toContain('#token=');
    expect(owner!.text).toContain('Rescheduled on your calendar: "Intro call".');
    expect(owner!.text).toContain(
      'Now: Tuesday, 25 June 2030, 14:00–14:30 (Europe/Berlin)\nWas: Monday, 24 June 2030, 09:00–09:30 (Europe/Berlin)',
    );
    expect(owner!.text).toContain(`The booking's page: ${url}`);
  });
});
