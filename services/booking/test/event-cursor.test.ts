import { ValidationError } from '@slotkeeper/errors';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, nextPageLink } from '../src/http/event-cursor.js';

const ID = '0123456789abcdef01234567';
const start = new Date('2030-06-24T10:00:00.000Z');

describe('the events list cursor', () => {
  it('when a cursor is made from an event, then it is URL-safe and reads back as that event', () => {
    const cursor = encodeCursor({ start, id: ID });
    expect(cursor).toMatch(/^[\w-]+$/);
    expect(decodeCursor(cursor)).toEqual({ start, id: ID });
  });

  it.each([
    ['not base64url of anything we made', 'abc'],
    ['another id shape', Buffer.from(`${start.toISOString()} xyz`).toString('base64url')],
    ['a date that is not ours', Buffer.from(`2030-06-24 ${ID}`).toString('base64url')],
    ['more parts', Buffer.from(`${start.toISOString()} ${ID} extra`).toString('base64url')],
    ['padding', `${encodeCursor({ start, id: ID })}==`],
  ])('when the cursor has %s, then it is a 400 naming the cursor', (_, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(ValidationError);
    try {
      decodeCursor(cursor);
    } catch (error) {
      expect((error as ValidationError).errors.map((e) => e.path)).toEqual(['querystring.cursor']);
    }
  });

  it('when the next page is linked, then the path and query are kept and the cursor replaced', () => {
    expect(nextPageLink(`/api/calendar/calendars/${ID}/events?status=all&cursor=old&limit=2`, 'new')).toBe(
      `</api/calendar/calendars/${ID}/events?status=all&cursor=new&limit=2>; rel="next"`,
    );
    expect(nextPageLink(`/api/calendar/calendars/${ID}/events/`, 'c')).toBe(
      `</api/calendar/calendars/${ID}/events/?cursor=c>; rel="next"`,
    );
  });
});
