import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { NINE, NINE_THIRTY } from '../harness.js';
import { describeInBrowser, useBrowserSystem } from './browser-harness.js';
import { button, day, heading, mainText, MONDAY, openBookPage, slot, until } from './booking-page.js';

const NOT_VALID = /This booking link is not valid/;

describeInBrowser('the manage page of a booking', () => {
  const s = useBrowserSystem();

  /** A calendar with one booking, Monday 24 June at 09:00 Berlin (12:30 in Kolkata), made through the API. */
  async function booked() {
    const { cal } = await s.h.bookable();
    const reply = await s.h.book(cal.id, NINE, NINE_THIRTY, {
      booked_by: 'ann.invitee@example.com',
      booker_name: 'Ann Invitee',
      guests: ['bob@example.com'],
      notes: 'Bring the slides',
    });
    expect(reply.status).toBe(201);
    const event = reply.body as { id: string; cancel_token: string };
    const bearer = { authorization: `Bearer ${event.cancel_token}` };
    return {
      cal,
      event,
      read: async () => (await s.h.send('GET', `/api/event/events/${event.id}`, undefined, bearer)).body,
    };
  }

  /** The booking's page opened by its link; ready once it shows its title. */
  async function openManagePage(page: Page, eventId: string, token: string) {
    await page.goto(`/booking/${eventId}#token=${encodeURIComponent(token)}`);
    await heading(page, 'Intro call').waitFor();
  }

  /** Whether the book page, loaded afresh in `page`, offers `time` on Monday 24 June (it waits for 13:00, never booked here, first). */
  async function offered(page: Page, calendarId: string, time: string) {
    await openBookPage(page, calendarId, MONDAY);
    await slot(page, '13:00').waitFor();
    return (await slot(page, time).count()) === 1;
  }

  it('when the invitee opens the link of a booking, then it shows the booking in their zone with who booked it, the guests and the notes', async () => {
    const { event } = await booked();
    const page = await s.page();

    await openManagePage(page, event.id, event.cancel_token);

    const text = await mainText(page);
    expect(text).toMatch(/\bConfirmed\b/);
    expect(text).toMatch(/24 June 2030.*12:30/);
    expect(text).toMatch(/Asia\/Kolkata/);
    expect(text).toMatch(/ann\.invitee@example\.com/);
    expect(text).toMatch(/bob@example\.com/);
    expect(text).toMatch(/Bring the slides/);
    expect(await page.getByLabel('Time zone', { exact: true }).inputValue()).toBe('Asia/Kolkata');
    await heading(page, 'Reschedule').waitFor();
    await button(page, 'Cancel booking').waitFor();
  });

  it('when the invitee picks another listed time and presses Reschedule, then the booking moves there and its old time can be booked again', async () => {
    const { cal, event, read } = await booked();
    const page = await s.page();
    await openManagePage(page, event.id, event.cancel_token);

    await day(page, 'Monday', 24, 'June').click();
    await heading(page, 'Monday 24 June').waitFor();
    await slot(page, '14:30').waitFor();
    expect(await slot(page, '12:30').count()).toBe(0);
    await slot(page, '14:30').click();
    expect(await mainText(page)).toMatch(/New time: .*14:30/);
    await button(page, 'Reschedule').click();

    const status = page.getByRole('status').filter({ hasText: /Rescheduled to/ });
    await status.waitFor();
    expect(await status.innerText()).toMatch(/14:30/);
    expect(await read()).toMatchObject({
      id: event.id,
      start_time: '2030-06-24T09:00:00.000Z',
      end_time: '2030-06-24T09:30:00.000Z',
      status: 'confirmed',
    });
    const fresh = await s.page();
    expect(await offered(fresh, cal.id, '12:30')).toBe(true);
    expect(await offered(fresh, cal.id, '14:30')).toBe(false);
  });

  it('when the new time is taken before Reschedule is pressed, then an alert says so, the times are fetched again and the booking keeps its time', async () => {
    const { cal, event, read } = await booked();
    const page = await s.page();
    await openManagePage(page, event.id, event.cancel_token);
    await day(page, 'Monday', 24, 'June').click();
    await heading(page, 'Monday 24 June').waitFor();
    await slot(page, '14:30').click();
    expect((await s.h.book(cal.id, '2030-06-24T11:00:00+02:00', '2030-06-24T11:30:00+02:00')).status).toBe(201);

    await button(page, 'Reschedule').click();

    await page.getByRole('alert').waitFor();
    await slot(page, '15:00').waitFor();
    expect(await slot(page, '14:30').count()).toBe(0);
    expect((await read()).start_time).toBe('2030-06-24T07:00:00.000Z');
  });

  it('when the invitee presses Cancel booking and confirms, then the booking is canceled, its time is offered again, and the page has nothing left to change', async () => {
    const { cal, event, read } = await booked();
    const page = await s.page();
    await openManagePage(page, event.id, event.cancel_token);

    await button(page, 'Cancel booking').click();
    await page.getByText('Cancel this booking?').waitFor();
    await button(page, 'Keep it').click();
    await until(async () => expect(await page.getByText('Cancel this booking?').count()).toBe(0));
    expect((await read()).status).toBe('confirmed');

    await button(page, 'Cancel booking').click();
    await button(page, 'Yes, cancel it').click();

    await page.getByRole('status').filter({ hasText: 'This booking is canceled.' }).waitFor();
    expect(await mainText(page)).toMatch(/\bCanceled\b/);
    expect(await button(page, 'Reschedule').count()).toBe(0);
    expect(await button(page, 'Cancel booking').count()).toBe(0);
    expect((await read()).status).toBe('canceled');
    expect(await offered(await s.page(), cal.id, '12:30')).toBe(true);
  });

  it('when a canceled booking is opened later, then it shows Canceled and offers neither Reschedule nor Cancel booking', async () => {
    const { event } = await booked();
    const canceled = await s.h.send('DELETE', `/api/event/events/${event.id}`, undefined, {
      authorization: `Bearer ${event.cancel_token}`,
    });
    expect(canceled.status).toBe(204);
    const page = await s.page();

    await openManagePage(page, event.id, event.cancel_token);

    await page
      .getByText(/\bCanceled\b/)
      .first()
      .waitFor();
    expect(await button(page, 'Reschedule').count()).toBe(0);
    expect(await button(page, 'Cancel booking').count()).toBe(0);
    expect(await heading(page, 'Reschedule').count()).toBe(0);
  });

  it('when the link’s token is wrong, another booking’s, or the booking unknown, then the page says the link is not valid', async () => {
    const { event } = await booked();
    const other = await booked();
    const page = await s.page();

    for (const [id, token] of [
      [event.id, 'not-the-token'],
      [event.id, other.event.cancel_token],
      ['0123456789abcdef01234567', event.cancel_token],
    ] as const) {
      // Through a blank page: the same path with another fragment would not load the page again.
      await page.goto('about:blank');
      await page.goto(`/booking/${id}#token=${token}`);
      await page.getByText(NOT_VALID).waitFor();
      expect(await button(page, 'Cancel booking').count()).toBe(0);
    }
  });

  it('when the link has no token, then the page asks for the link from the booking confirmation', async () => {
    const { event } = await booked();
    const page = await s.page();

    await page.goto(`/booking/${event.id}`);

    await page.getByText(/link from your booking confirmation/i).waitFor();
    expect(await button(page, 'Cancel booking').count()).toBe(0);
  });
});
