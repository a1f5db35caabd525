import { describe, expect, it } from 'vitest';
import { notificationsFor, sequenceOf } from '../src/domain/notification.js';
import { alice, introCall } from './support.js';

const url = 'https://slots.example/booking/111111111111111111111111';

describe('the mails of a change', () => {
  it('when an event is booked, then the booker and guests get one mail and the owner another, all with the owner as organizer', () => {
    const [attendees, owner, ...rest] = notificationsFor({ kind: 'booked', event: introCall }, alice, url);
    expect(rest).toEqual([]);
    expect(attendees).toMatchObject({
      audience: 'attendees',
      to: ['ann@example.com', 'bob@example.com', 'cy@example.com'],
      subject: 'Booked: Intro call',
      organizer: { name: 'Alice Owner', email: 'alice@example.com' },
      attendees: ['ann@example.com', 'bob@example.com', 'cy@example.com'],
      sequence: 0,
      url,
    });
    expect(owner).toMatchObject({
      audience: 'owner',
      to: ['alice@example.com'],
      subject: 'Booked: Intro call (ann@example.com)',
      organizer: { name: 'Alice Owner', email: 'alice@example.com' },
      sequence: 0,
    });
  });

  it("when an event is booked, then each mail links to the booking's page, the booker is told to use the confirmation's link, and the owner reads the time in their zone", () => {
    const [attendees, owner] = notificationsFor({ kind: 'booked', event: introCall }, alice, url);
    expect(attendees!.text).toContain(`The booking's page: ${url}`);
    expect(attendees!.text).toContain('with the link from their booking confirmation');
    expect(attendees!.text).toContain('Monday, 24 June 2030, 07:00–07:30 (UTC)');
    expect(owner!.text).toContain(`The booking's page: ${url}`);
    expect(owner!.text).toContain('Monday, 24 June 2030, 09:00–09:30 (Europe/Berlin)');
  });

  it('names the booker when the event carries their name', () => {
    const event = { ...introCall, bookerName: 'Ann Lee' };
    const [attendees] = notificationsFor({ kind: 'booked', event }, alice, url);
    expect(attendees!.text).toContain('Booked by: Ann Lee <ann@example.com>');
  });

  it('when the owner is also a guest, then they get only the owner’s mail', () => {
    const event = { ...introCall, guests: ['alice@example.com', 'bob@example.com'] };
    const mails = notificationsFor({ kind: 'booked', event }, alice, url);
    expect(mails.map((mail) => mail.to)).toEqual([['ann@example.com', 'bob@example.com'], ['alice@example.com']]);
    expect(mails[0]!.attendees).toEqual(['ann@example.com', 'alice@example.com', 'bob@example.com']);
  });

  it('when the owner booked their own calendar alone, then only the owner’s mail goes out', () => {
    const event = { ...introCall, bookedBy: 'alice@example.com', guests: [] };
    expect(notificationsFor({ kind: 'booked', event }, alice, url).map((mail) => mail.audience)).toEqual(['owner']);
  });

  it('when the calendar’s owner is gone, then the booker and guests are still told, without an organizer', () => {
    const mails = notificationsFor({ kind: 'canceled', event: introCall }, null, url);
    expect(mails).toMatchObject([{ audience: 'attendees', organizer: null, subject: 'Canceled: Intro call' }]);
    expect(mails[0]!.text).not.toContain('confirmation');
  });

  it('SEQUENCE is 0 for the booking and higher for a cancellation', () => {
    expect(sequenceOf({ kind: 'booked', event: introCall })).toBe(0);
    expect(sequenceOf({ kind: 'canceled', event: introCall })).toBe(1);
  });
});
