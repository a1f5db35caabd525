import type { Locator, Page } from 'playwright-core';
import { expect, vi } from 'vitest';

/**
 * The booking pages as an invitee sees them: every element found by its role and accessible name
 * (the names of the UI contract), never by CSS structure.
 */

/** Monday 24 June 2030, the day the tests book on; `bookable()` calendars are open 09–12 and 13–17 Berlin time. */
export const MONDAY = '2030-06-24';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The slot button that starts at `time` (`HH:MM`, 24-hour, in the page's zone). */
export const slot = (page: Page | Locator, time: string) =>
  page.getByRole('button', { name: new RegExp(`(^|\\D)${escape(time)}(\\D|$)`) });

/** A day button of the month grid ("Monday 24 June, 6 times"), whatever order the locale puts the words in. */
export const day = (page: Page | Locator, weekday: string, date: number, month: string) =>
  page.getByRole('button', {
    name: new RegExp(`^(?=.*\\b${weekday}\\b)(?=.*(^|\\D)${date}(\\D|$))(?=.*\\b${month}\\b)`),
  });

export const button = (page: Page | Locator, name: string) => page.getByRole('button', { name, exact: true });
export const field = (page: Page | Locator, label: string) => page.getByLabel(label, { exact: true });
export const heading = (page: Page | Locator, name: string) => page.getByRole('heading', { name, exact: true });

/** The book page of a calendar, opened on `date` (`?date=`) or on its own choice of month; ready once its name shows. */
export async function openBookPage(page: Page, calendarId: string, date?: string, calendarName = 'Intro calls') {
  const response = await page.goto(`/book/${calendarId}${date ? `?date=${date}` : ''}`);
  await heading(page, calendarName).waitFor();
  return response;
}

export interface Booker {
  name: string;
  email: string;
  guests?: string;
  notes?: string;
}

export const PRIYA: Booker = {
  name: 'Priya Raman',
  email: 'Priya.Raman@example.com',
  guests: 'bob@example.com, Cy@Example.com',
  notes: 'About the offer; numbers, please',
};

/** Fills the booking form's fields (the form must be open). */
export async function fillForm(page: Page, booker: Booker) {
  await field(page, 'Name').fill(booker.name);
  await field(page, 'Email').fill(booker.email);
  if (booker.guests !== undefined) await field(page, 'Guests').fill(booker.guests);
  if (booker.notes !== undefined) await field(page, 'Notes').fill(booker.notes);
}

/** Books the slot at `time` on the day the page shows, with `booker`; resolves when the confirmation shows. */
export async function bookThroughPage(page: Page, time: string, booker: Booker = PRIYA) {
  await slot(page, time).click();
  await fillForm(page, booker);
  await button(page, 'Confirm').click();
  await heading(page, 'Booking confirmed').waitFor();
}

/** Whether `locator`'s element has the page's focus. */
export const isFocused = (locator: Locator) =>
  locator.evaluate((element) => element === (globalThis as unknown as InPage).document.activeElement);

/** Whether the page's focus is on `locator`'s element or inside it. */
export const holdsFocus = (locator: Locator) =>
  locator.evaluate((element) => {
    const focused = (globalThis as unknown as InPage).document.activeElement;
    return element === focused || (element as unknown as InPageNode).contains(focused);
  });

/** The little of the page's globals the checks read (this package's types have no DOM). */
interface InPage {
  document: { activeElement: unknown };
}
interface InPageNode {
  contains(other: unknown): boolean;
}

/** Presses Tab (or Shift+Tab) until `target` has the focus; fails after `presses` presses. */
export async function tabTo(page: Page, target: Locator, { back = false, presses = 120 } = {}) {
  for (let pressed = 0; pressed < presses; pressed++) {
    if (await isFocused(target)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  if (!(await isFocused(target))) throw new Error(`${presses} presses of Tab never reached ${String(target)}`);
}

/** The widest the document is, in CSS pixels: more than the viewport means the page scrolls sideways. */
export const pageWidth = (page: Page) =>
  page.evaluate('Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)') as Promise<number>;

/** The text of the page's `<main>`, spaces collapsed. */
export const mainText = async (page: Page) => ((await page.getByRole('main').innerText()) ?? '').replace(/\s+/g, ' ');

/** The texts of the page's alerts (`role="alert"`), each trimmed. */
export const alertTexts = async (page: Page) =>
  (await page.getByRole('alert').allInnerTexts()).map((text) => text.trim());

/** Waits until `check` passes (for what a page shows after a request answers). */
export const until = (check: () => Promise<void> | void, timeout = 10_000) =>
  vi.waitFor(check, { timeout, interval: 50 });

/** An answer of the API's kind for `route.fulfill`: a problem document with `status` and a Retry-After. */
export const problemAnswer = (status: number, title: string, retryAfterSeconds = 5) => ({
  status,
  headers: { 'content-type': 'application/problem+json', 'retry-after': String(retryAfterSeconds) },
  body: JSON.stringify({ type: 'about:blank', title, status }),
});

/**
 * The reschedule or cancel link (`name`) of a confirmation: the booking's page on `origin` with
 * its token in the fragment; the booking's id and token, as read from it.
 */
export async function manageLink(page: Page, name: string, origin: string) {
  const href = await page.getByRole('link', { name, exact: true }).getAttribute('href');
  const url = new URL(href ?? '', origin);
  expect(url.origin).toBe(origin);
  const [, eventId] = url.pathname.match(/^\/booking\/([0-9a-f]{24})$/) ?? [];
  const [, token] = url.hash.match(/^#token=([^&]+)(&action=(reschedule|cancel))?$/) ?? [];
  expect(eventId, `${name} links to ${href}`).toBeDefined();
  expect(token, `${name} links to ${href}`).toBeDefined();
  return { eventId: eventId ?? '', token: decodeURIComponent(token ?? '') };
}
