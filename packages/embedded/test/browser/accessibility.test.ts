import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { NINE, NINE_THIRTY } from '../harness.js';
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

/** Whether the focused element shows it has the focus (an outline or a ring), as a keyboard user needs. */
const focusShows = (page: Page) =>
  page.evaluate(
    '(() => { const style = getComputedStyle(document.activeElement); return (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none"; })()',
  ) as Promise<boolean>;

describeInBrowser('keyboard, small screens and assistive technology', () => {
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

  it('when the screen is 360 px wide, then the page never scrolls sideways, with times, with the form or confirmed, and booking works', async () => {
    const { cal } = await s.h.bookable({
      meeting_duration_minutes: 30,
      name: 'Introductory consultation for new clients',
    });
    const page = await s.page({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
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

  it('when axe-core checks the book page with its times, its form and its confirmation, then it finds nothing serious or critical', async () => {
    const { cal } = await s.h.bookable();
    const page = await s.page();
    await openBookPage(page, cal.id, MONDAY);
    await slot(page, '12:30').waitFor();
    expect(await s.accessibilityViolations(page)).toEqual([]);

    await slot(page, '12:30').click();
    await field(page, 'Name').waitFor();
    expect(await s.accessibilityViolations(page)).toEqual([]);

    await fillForm(page, PRIYA);
    await button(page, 'Confirm').click();
    await heading(page, 'Booking confirmed').waitFor();
    expect(await s.accessibilityViolations(page)).toEqual([]);
  });

  it('when axe-core checks the manage page, the page of a refused slot and the not-found page, then it finds nothing serious or critical', async () => {
    const { cal } = await s.h.bookable();
    const event = (await s.h.book(cal.id, NINE, NINE_THIRTY)).body as { id: string; cancel_token: string };
    const page = await s.page();
    await page.goto(`/booking/${event.id}#token=${event.cancel_token}`);
    await button(page, 'Cancel booking').waitFor();
    expect(await s.accessibilityViolations(page)).toEqual([]);

    const refused = await s.page();
    await openBookPage(refused, cal.id, MONDAY);
    await slot(refused, '13:00').click();
    await fillForm(refused, PRIYA);
    expect((await s.h.book(cal.id, '2030-06-24T09:30:00+02:00', '2030-06-24T10:00:00+02:00')).status).toBe(201);
    await button(refused, 'Confirm').click();
    await refused.getByRole('alert').waitFor();
    expect(await s.accessibilityViolations(refused)).toEqual([]);

    const missing = await s.page();
    await missing.goto('/book/0123456789abcdef01234567');
    await heading(missing, 'Page not found').waitFor();
    expect(await s.accessibilityViolations(missing)).toEqual([]);
  });
});
