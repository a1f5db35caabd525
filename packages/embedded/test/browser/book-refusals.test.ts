import type { Page, Route } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeInBrowser, useBrowserSystem } from './browser-harness.js';
import {
  type Booker,
  button,
  field,
  fillForm,
  heading,
  holdsFocus,
  manageLink,
  MONDAY,
  openBookPage,
  PRIYA,
  problemAnswer,
  slot,
  until,
} from './booking-page.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describeInBrowser('the book page when the API refuses or does not answer', () => {
  const s = useBrowserSystem();

  /** A fresh page of a calendar (a new one unless given) on Monday 24 June, with the form for 12:30 filled by `booker`. */
  async function formFilled(booker: Booker = PRIYA, calendarId?: string) {
    const id = calendarId ?? (await s.h.bookable()).cal.id;
    const page = await s.page();
    await openBookPage(page, id, MONDAY);
    await slot(page, '12:30').click();
    await fillForm(page, booker);
    return {
      page,
      calendarId: id,
      events: async () => (await s.h.send('GET', `/api/calendar/calendars/${id}/events`)).body,
    };
  }

  /** Notes the Idempotency-Key of each booking the page sends, and lets `first` answer the first one. */
  async function keysOfBookings(page: Page, first: (route: Route) => Promise<void>) {
    const keys: string[] = [];
    await page.route('**/api/event/events', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      return keys.length === 1 ? first(route) : route.continue();
    });
    return keys;
  }

  it('when two invitees confirm the same time at once, then exactly one is booked, the other is told in an alert that has the focus and offered the times left, with the form kept', async () => {
    const bookers = [
      { name: 'Priya Raman', email: 'priya@example.com' },
      { name: 'Dev Kumar', email: 'dev@example.com' },
    ];
    const first = await formFilled(bookers[0]);
    const { events } = first;
    const pages = [first.page, (await formFilled(bookers[1], first.calendarId)).page];

    await Promise.all(pages.map((page) => button(page, 'Confirm').click()));

    const outcome = async (page: Page) => {
      const confirmed = heading(page, 'Booking confirmed');
      await confirmed.or(page.getByRole('alert')).first().waitFor();
      return (await confirmed.count()) > 0 ? 'confirmed' : 'alert';
    };
    const outcomes = await Promise.all(pages.map(outcome));
    expect([...outcomes].sort()).toEqual(['alert', 'confirmed']);
    const loser = pages[outcomes.indexOf('alert')]!;
    const winner = bookers[outcomes.indexOf('confirmed')]!;
    const refused = bookers[outcomes.indexOf('alert')]!;

    const alert = loser.getByRole('alert');
    expect(await alert.innerText()).toMatch(/taken|no longer/i);
    await until(async () => expect(await holdsFocus(alert)).toBe(true));
    await slot(loser, '13:00').waitFor();
    expect(await slot(loser, '12:30').count()).toBe(0);
    expect(await events()).toMatchObject([{ start_time: '2030-06-24T07:00:00.000Z', booked_by: winner.email }]);

    await slot(loser, '13:00').click();
    expect(await field(loser, 'Name').inputValue()).toBe(refused.name);
    expect(await field(loser, 'Email').inputValue()).toBe(refused.email);
    await button(loser, 'Confirm').click();
    await heading(loser, 'Booking confirmed').waitFor();
    expect((await events()).map((e: { booked_by: string }) => e.booked_by)).toEqual([winner.email, refused.email]);
  });

  it('when the API refuses the details, then an alert names the field, the field is marked invalid, and corrected details book', async () => {
    // The browser takes an address without a dot in its domain; the API does not.
    const { page, events } = await formFilled({ ...PRIYA, email: 'priya@localhost' });

    await button(page, 'Confirm').click();

    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/Email/);
    const email = field(page, 'Email');
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    const described = (await email.getAttribute('aria-describedby')) ?? '';
    const descriptions = await Promise.all(
      described.split(/\s+/).map((id) => page.locator(`[id="${id}"]`).innerText()),
    );
    expect(descriptions.join(' ')).toMatch(/\S/);
    expect(await field(page, 'Name').inputValue()).toBe(PRIYA.name);
    expect(await events()).toEqual([]);

    await email.fill('priya@example.com');
    await button(page, 'Confirm').click();
    await heading(page, 'Booking confirmed').waitFor();
    expect(await events()).toMatchObject([{ booked_by: 'priya@example.com' }]);
  });

  it('when the answer to Confirm is lost on the way, then an alert says so, and Confirm again books once with the same Idempotency-Key', async () => {
    const { page, events } = await formFilled();
    let disabledWhileSending = false;
    // The first request reaches the system and books; its answer never reaches the page.
    const keys = await keysOfBookings(page, async (route) => {
      disabledWhileSending = await button(page, 'Confirm').isDisabled();
      await route.fetch();
      await route.abort('connectionreset');
    });

    await button(page, 'Confirm').click();
    await page.getByRole('alert').waitFor();
    expect(await field(page, 'Name').inputValue()).toBe(PRIYA.name);
    await button(page, 'Confirm').click();

    await heading(page, 'Booking confirmed').waitFor();
    expect(disabledWhileSending).toBe(true);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(UUID_V4);
    expect(keys[1]).toBe(keys[0]);
    const booked = await events();
    expect(booked).toHaveLength(1);
    expect((await manageLink(page, 'Reschedule', s.origin)).eventId).toBe(booked[0].id);
  });

  it('when the gateway answers 503 to Confirm, then an alert says to try again, and Confirm again books once with the same Idempotency-Key', async () => {
    const { page, events } = await formFilled();
    // The first request never reaches the system: the gateway is too busy for it.
    const keys = await keysOfBookings(page, (route) => route.fulfill(problemAnswer(503, 'Service Unavailable', 5)));

    await button(page, 'Confirm').click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/try again in 5 seconds/i);
    expect(await field(page, 'Email').inputValue()).toBe(PRIYA.email);
    await button(page, 'Confirm').click();

    await heading(page, 'Booking confirmed').waitFor();
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(UUID_V4);
    expect(keys[1]).toBe(keys[0]);
    expect(await events()).toHaveLength(1);
  });
});
