/**
 * The owner's other calendars on the multi-process stack over the local RabbitMQ: the sync
 * service reads an iCalendar URL and a Radicale collection, its busy times reach the booking
 * service as messages (in force when the 201 answers), a change reaches it with the next sync,
 * bookings are written back to the collection and removed on cancel, the feed is served through
 * the gateway, and no process logs the source's password, the URL's secret path or the feed token.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brokerTarget } from '@slotkeeper/testing';
import { ALL_DAYS, apiClient, apiSetup, bearer, booking, weekly } from '@slotkeeper/testing/api';
import { describeWithRadicale, startRadicale, type Radicale } from '@slotkeeper/testing/radicale';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../stack/launch.js';
import { deleteStackTopology, eventually, startTestStack } from './support.js';

const broker = await brokerTarget();
if ('reason' in broker) console.warn(`[skip] busy sources on the stack: ${broker.reason}`);
afterAll(async () => {
  if ('stop' in broker) await broker.stop();
});

/** A day two weeks ahead, in UTC: inside the sync window and the calendar's hours. */
const DAY = DateTime.utc().plus({ days: 14 }).toISODate()!;
const at = (hour: number, minute = 0) =>
  DateTime.fromISO(`${DAY}T00:00:00Z`, { zone: 'utc' }).set({ hour, minute }).toISO({ suppressMilliseconds: false })!;
const SECRET_PATH = `private-${randomUUID()}`;

const meeting = (hour: number) =>
  [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Google Inc//Google Calendar 70.9054//EN',
    'BEGIN:VEVENT',
    'UID:standup@google.com',
    'DTSTAMP:20300101T000000Z',
    `DTSTART:${DAY.replaceAll('-', '')}T${String(hour).padStart(2, '0')}0000Z`,
    `DTEND:${DAY.replaceAll('-', '')}T${String(hour + 1).padStart(2, '0')}0000Z`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');

describe.skipIf(!broker.url)('on the multi-process stack', () => {
  describeWithRadicale('busy sources, write-back and the feed', () => {
    const prefix = `busy-${randomUUID().slice(0, 8)}`;
    const lines: string[] = [];
    let stack: Stack;
    let radicale: Radicale;
    let ics: Server;
    let content = meeting(10);

    beforeAll(async () => {
      radicale = await startRadicale();
      ics = createServer((_request, response) =>
        response.writeHead(200, { 'content-type': 'text/calendar' }).end(content),
      );
      await new Promise<void>((resolve) => ics.listen(0, '127.0.0.1', resolve));
      stack = await startTestStack(
        {
          AMQP_URL: broker.url!,
          AMQP_PREFIX: prefix,
          LOG_LEVEL: 'debug',
          ALLOW_PRIVATE_URLS: 'true',
          BUSY_SYNC_SECONDS: '1',
        },
        (service, line) => void lines.push(`${service}: ${line}`),
      );
    }, 120_000);

    afterAll(async () => {
      await stack?.stop();
      if (broker.url) await deleteStackTopology(broker.url, prefix);
      await radicale?.stop();
      ics?.closeAllConnections();
      await new Promise((resolve) => ics?.close(resolve));
    }, 60_000);

    it('when sources are connected, then their busy times block availability and bookings, and bookings are written back and fed', async () => {
      const client = apiClient(stack.gatewayUrl);
      const api = apiSetup(client);
      const owner = await api.user({ name: 'Owner', timezone: 'UTC' });
      const hours = await api.schedule(owner, {
        name: 'All day',
        timezone: 'UTC',
        time_slots: weekly(ALL_DAYS, ['00:00', '24:00']),
      });
      const { id: calendarId } = await api.calendar(owner, [hours.id], { name: 'Busy', meeting_duration_minutes: 30 });
      const path = { params: { path: { calendar_id: calendarId } }, headers: bearer(owner.api_key) };
      const icsUrl = `http://127.0.0.1:${(ics.address() as AddressInfo).port}/${SECRET_PATH}/basic.ics`;

      const added = await client.POST('/api/calendar/calendars/{calendar_id}/busy_sources', {
        ...path,
        body: { kind: 'ics', url: icsUrl },
      });
      expect(added.response.status, JSON.stringify(added.error)).toBe(201);
      expect(added.data).toMatchObject({ status: 'ok' });

      // In force when the 201 answered: the booking service already refuses the busy hour.
      const slots = async () => {
        const { data } = await client.GET('/api/calendar/calendars/{calendar_id}/availability', {
          params: { path: { calendar_id: calendarId }, query: { from: at(9), to: at(12) } },
        });
        return (data?.slots ?? []).map((slot) => slot.start_time);
      };
      expect(await slots()).toEqual([at(9), at(9, 30), at(11), at(11, 30)]);
      const refused = await api.tryBook(
        booking(calendarId, at(10), at(10, 30), { title: 'Over it', booked_by: 'ann@example.com' }),
      );
      expect(refused.response.status).toBe(409);

      // The outside meeting moves to 11:00: the next sync (every second here) frees 10:00.
      content = meeting(11);
      await eventually(async () => expect(await slots()).toEqual([at(9), at(9, 30), at(10), at(10, 30)]));

      // A CalDAV collection bookings are written back to.
      const collection = await radicale.collection('work');
      const caldav = await client.POST('/api/calendar/calendars/{calendar_id}/busy_sources', {
        ...path,
        body: {
          kind: 'caldav',
          url: collection,
          username: radicale.username,
          password: radicale.password,
          write_bookings: true,
        },
      });
      expect(caldav.response.status, JSON.stringify(caldav.error)).toBe(201);
      const booked = await api.book(
        booking(calendarId, at(9), at(9, 30), { title: 'Intro', booked_by: 'ann@example.com' }),
      );
      const basic = `Basic ${Buffer.from(`${radicale.username}:${radicale.password}`).toString('base64')}`;
      const copy = () => fetch(`${collection}${booked.id}.ics`, { headers: { authorization: basic } });
      await eventually(async () => expect(await (await copy()).text()).toContain(`UID:${booked.id}`));

      // The feed, through the gateway.
      const feed = await client.POST('/api/calendar/calendars/{calendar_id}/feed_token', path);
      expect(feed.response.status).toBe(201);
      const feedUrl = new URL(feed.data!.feed_url);
      expect(feedUrl.origin).toBe(stack.gatewayUrl);
      await eventually(async () => {
        const answer = await fetch(feedUrl);
        expect(answer.headers.get('content-type')).toContain('text/calendar');
        expect(await answer.text()).toContain(`UID:${booked.id}`);
      });

      const canceled = await client.DELETE('/api/event/events/{event_id}', {
        params: { path: { event_id: booked.id } },
        headers: bearer(owner.api_key),
      });
      expect(canceled.response.status).toBe(204);
      await eventually(async () => expect((await copy()).status).toBe(404));

      // Every process logged at debug level meanwhile: no secret of the sources or the feed.
      const token = feedUrl.searchParams.get('token')!;
      expect(lines.length).toBeGreaterThan(20);
      for (const line of lines) {
        expect(line).not.toContain(radicale.password);
        expect(line).not.toContain(SECRET_PATH);
        expect(line).not.toContain(token);
      }
    }, 60_000);
  });
});
