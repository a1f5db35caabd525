import { describe, expect, it } from 'vitest';
import { notificationsFor, sequenceOf } from '../src/domain/notification.js';
import { alice, introCall } from './support.js';

const url = 'https://slots.example/booking/111111111111111111111111';
/** What every change's mail to the booker and guests of `introCall` says, whatever the change. */
const everyone = ['ann@example.com', 'bob@example.com', 'cy@example.com'];
const toAttendees = {
  audience: 'attendees',
  to: everyone,
  organizer: { name: 'Alice Owner', email: 'alice@example.com' },
  attendees: everyone,
  url,
};
const toOwner = { audience: 'owner', to: ['alice@example.com'] };

describe('the mails of a change', () => {
  it('when an event is booked, then the booker and guests get one mail and the owner another, all with the owner as organizer', () => {
    const [attendees, owner, ...rest] = notificationsFor({ kind: 'booked', event: introCall, version: 1 }, alice, url);
    expect(rest).toEqual([]);
    expect(attendees).toMatchObject({ ...toAttendees, subject: 'Booked: Intro call', sequence: 0 });
    expect(owner).toMatchObject({
      ...toOwner,
      subject: 'Booked: Intro call (ann@example.com)',
      organizer: toAttendees.organizer,
      sequence: 0,
    });
  });

  it("when an event is booked, then each mail links to the booking's page, the booker is told to use the confirmation's link, and the owner reads the time in their zone", () => {
    const [attendees, owner] = notificationsFor({ kind: 'booked', event: introCall, version: 1 }, alice, url);
    expect(attendees!.text).toContain(`The booking's page: ${url}`);
    expect(attendees!.text).toContain('with the link from their booking confirmation');
    expect(attendees!.text).toContain('Monday, 24 June 2030, 07:00–07:30 (UTC)');
    expect(owner!.text).toContain(`The booking's page: ${url}`);
    expect(owner!.text).toContain('Monday, 24 June 2030, 09:00–09:30 (Europe/Berlin)');
  });

  it('names the booker when the event carries their name', () => {
    const event = { ...introCall, bookerName: 'Ann Lee' };
    const [attendees] = notificationsFor({ kind: 'booked', event, version: 1 }, alice, url);
    expect(attendees!.text).toContain('Booked by: Ann Lee <ann@example.com>');
  });

  it('when the owner is also a guest, then they get only the owner’s mail', () => {
    const event = { ...introCall, guests: ['alice@example.com', 'bob@example.com'] };
    const mails = notificationsFor({ kind: 'booked', event, version: 1 }, alice, url);
    expect(mails.map((mail) => mail.to)).toEqual([['ann@example.com', 'bob@example.com'], ['alice@example.com']]);
    expect(mails[0]!.attendees).toEqual(['ann@example.com', 'alice@example.com', 'bob@example.com']);
  });

  it('when the owner booked their own calendar alone, then only the owner’s mail goes out', () => {
    const event = { ...introCall, bookedBy: 'alice@example.com', guests: [] };
    expect(notificationsFor({ kind: 'booked', event, version: 1 }, alice, url).map((mail) => mail.audience)).toEqual([
      'owner',
    ]);
  });

  it('when the calendar’s owner is gone, then the booker and guests are still told, without an organizer', () => {
    const mails = notificationsFor({ kind: 'canceled', event: introCall, version: 2 }, null, url);
    expect(mails).toMatchObject([{ audience: 'attendees', organizer: null, subject: 'Canceled: Intro call' }]);
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

  it('when an event is rescheduled, then the booker and guests get one mail and the owner another, at SEQUENCE version − 1', () => {
    const mails = notificationsFor(moved, alice, url);
    expect(mails).toMatchObject([
      { ...toAttendees, kind: 'rescheduled', subject: 'Rescheduled: Intro call', version: 3, sequence: 2 },
      {
        ...toOwner,
        kind: 'rescheduled',
        subject: 'Rescheduled: Intro call (ann@example.com)',
        version: 3,
        sequence: 2,
      },
    ]);
    expect(mails.map((mail) => mail.event.start)).toEqual([moved.event.start, moved.event.start]);
  });

  it('says what moved: the new and the old time, in UTC for the booker and guests and in the owner’s zone for the owner', () => {
    const [attendees, owner] = notificationsFor(moved, alice, url);
    expect(attendees!.text).toContain('Rescheduled: "Intro call" with Alice Owner.');
    expect(attendees!.text).toContain(
      'Now: Tuesday, 25 June 2030, 12:00–12:30 (UTC)\nWas: Monday, 24 June 2030, 07:00–07:30 (UTC)',
    );
    expect(attendees!.text).toContain('with the link from their booking confirmation');
    expect(attendees!.text).not.toContain('When:');
    expect(owner!.text).toContain('Rescheduled on your calendar: "Intro call".');
    expect(owner!.text).toContain(
      'Now: Tuesday, 25 June 2030, 14:00–14:30 (Europe/Berlin)\nWas: Monday, 24 June 2030, 09:00–09:30 (Europe/Berlin)',
    );
    expect(owner!.text).toContain(`The booking's page: ${url}`);
  });
});
