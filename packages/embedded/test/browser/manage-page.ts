import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { NINE, NINE_THIRTY } from '../harness.js';
import type { BrowserSystem } from './browser-harness.js';
import { heading, MONDAY, openBookPage, slot } from './booking-page.js';

/**
 * The manage page of a booking (`/booking/{id}#token=…`) as the invitee reaches it, with a
 * booking made through the API to show on it.
 */

/** What the page says when its link's token does not open the booking. */
export const NOT_VALID = /This booking link is not valid/;

/** What the page says when the booking was canceled elsewhere while it was open. */
export const CANCELED_MEANWHILE = 'This booking was canceled, so it can no longer be changed.';

/**
 * A calendar of 30-minute "Intro call" meetings with one booking, Monday 24 June at 09:00 Berlin
 * (12:30 in Kolkata), made through the API; `read` gets the booking as its token sees it.
 */
export async function bookedThroughApi(s: BrowserSystem) {
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
export async function openManagePage(page: Page, eventId: string, token: string) {
  await page.goto(`/booking/${eventId}#token=${encodeURIComponent(token)}`);
  await heading(page, 'Intro call').waitFor();
}

/** Whether the book page, loaded afresh in `page`, offers `time` on Monday 24 June (it waits for 13:00, never booked here, first). */
export async function offered(page: Page, calendarId: string, time: string) {
  await openBookPage(page, calendarId, MONDAY);
  await slot(page, '13:00').waitFor();
  return (await slot(page, time).count()) === 1;
}
