import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeInBrowser, useBrowserSystem } from './browser-harness.js';
import {
  button,
  day,
  field,
  fillForm,
  heading,
  isFocused,
  MONDAY,
  openBookPage,
  pageWidth,
  PRIYA,
  slot,
  tabTo,
  until,
} from './booking-page.js';
import { bookedThroughApi, openManagePage } from './manage-page.js';

/** Whether the focused element shows it has the focus (an outline or a ring), as a keyboard user needs. */
const focusShows = (page: Page) =>
  page.evaluate(
    '(() => { const style = getComputedStyle(document.activeElement); return (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none"; })()',
  ) as Promise<boolean>;

const SMALL_SCREEN = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };

describeInBrowser('the pages with only a keyboard, and on a small screen', () => {
  const s = useBrowserSystem();

  it('when an invitee uses only the keyboard, then they can choose a day and a time, fill the form and confirm', async () => {
    const { cal } = await s.h.bookable();
    const page = await s.page();
    await page.goto(`/book/${cal.id}?month=2030-06`);
    await heading(page, 'Intro calls').waitFor();

    const monday = day(page, 'Monday', 24, 'June');
    await tabTo(page, monday);
    expect(await focusShows(page)).toBe(true);
    await page.keyboard.press('Enter');
    await heading(page, 'Monday 24 June').waitFor();

    const time = slot(page, '12:30');
    await tabTo(page, time);
    expect(await focusShows(page)).toBe(true);
    await page.keyboard.press('Space');
    await until(async () => expect(await isFocused(field(page, 'Name'))).toBe(true));
    await page.keyboard.type('Priya Raman');
    await tabTo(page, field(page, 'Email'));
    await page.keyboard.type('priya@example.com');
    await tabTo(page, field(page, 'Guests'));
    await page.keyboard.type('bob@example.com');
    await tabTo(page, field(page, 'Notes'));
    await page.keyboard.type('Typed, never clicked');
    await tabTo(page, button(page, 'Confirm'));
    await page.keyboard.press('Enter');

    const confirmed = heading(page, 'Booking confirmed');
    await confirmed.waitFor();
    await until(async () => expect(await isFocused(confirmed)).toBe(true));
    const events = await s.h.send('GET', `/api/calendar/calendars/${cal.id}/events`);
    expect(events.body).toMatchObject([
      {
        start_time: '2030-06-24T07:00:00.000Z',
        booked_by: 'priya@example.com',
        booker_name: 'Priya Raman',
        guests: ['bob@example.com'],
        notes: 'Typed, never clicked',
      },
    ]);
  });

  it('when the invitee uses only the keyboard on the manage page, then they can move the booking to another time and then cancel it', async () => {
    const { event, read } = await bookedThroughApi(s);
    const page = await s.page();
    await openManagePage(page, event.id, event.cancel_token);

    await tabTo(page, day(page, 'Monday', 24, 'June'));
    await page.keyboard.press('Enter');
    await heading(page, 'Monday 24 June').waitFor();
    await tabTo(page, slot(page, '14:30'));
    await page.keyboard.press('Space');
    await page.getByText(/New time: .*14:30/).waitFor();
    await tabTo(page, button(page, 'Reschedule'));
    expect(await focusShows(page)).toBe(true);
    await page.keyboard.press('Enter');
    await page
      .getByRole('status')
      .filter({ hasText: /Rescheduled to .*14:30/ })
      .waitFor();
    expect(await read()).toMatchObject({ start_time: '2030-06-24T09:00:00.000Z', status: 'confirmed' });

    await tabTo(page, button(page, 'Cancel booking'), { back: true });
    expect(await focusShows(page)).toBe(true);
    await page.keyboard.press('Enter');
    await tabTo(page, button(page, 'Yes, cancel it'));
    expect(await focusShows(page)).toBe(true);
    await page.keyboard.press('Space');

    await page.getByRole('status').filter({ hasText: 'This booking is canceled.' }).waitFor();
    expect((await read()).status).toBe('canceled');
  });

  it('when the screen is 360 px wide, then the book page never scrolls sideways, with times, with the form or confirmed, and booking works', async () => {
    const { cal } = await s.h.bookable({
      meeting_duration_minutes: 30,
      name: 'Introductory consultation for new clients',
    });
    const page = await s.page(SMALL_SCREEN);
    await openBookPage(page, cal.id, MONDAY, 'Introductory consultation for new clients');
    await slot(page, '12:30').waitFor();
    expect(await pageWidth(page)).toBeLessThanOrEqual(360);

    await slot(page, '12:30').click();
    await field(page, 'Name').waitFor();
    expect(await pageWidth(page)).toBeLessThanOrEqual(360);

    await fillForm(page, PRIYA);
    await button(page, 'Confirm').click();
    await heading(page, 'Booking confirmed').waitFor();
    expect(await pageWidth(page)).toBeLessThanOrEqual(360);
    expect((await s.h.send('GET', `/api/calendar/calendars/${cal.id}/events`)).body).toHaveLength(1);
  });

  it('when the screen is 360 px wide, then the manage page never scrolls sideways, with its times, a new time chosen or the cancel question open', async () => {
    const { event } = await bookedThroughApi(s);
    const page = await s.page(SMALL_SCREEN);
    await openManagePage(page, event.id, event.cancel_token);
    await day(page, 'Monday', 24, 'June').click();
    await slot(page, '14:30').waitFor();
    expect(await pageWidth(page)).toBeLessThanOrEqual(360);

    await slot(page, '14:30').click();
    await button(page, 'Reschedule').waitFor();
    expect(await pageWidth(page)).toBeLessThanOrEqual(360);

    await button(page, 'Cancel booking').click();
    await button(page, 'Yes, cancel it').waitFor();
    expect(await pageWidth(page)).toBeLessThanOrEqual(360);
  });
});
