/**
 * `pnpm screenshots`: pictures of the invitee's pages for the docs and the README, taken in
 * Debian's Chromium from the embedded system. The system's clock and the browser's stand still
 * at the same moment, and the invitee's zone and language are fixed, so each run draws the same
 * pictures (on the same fonts): a changed picture is a changed page.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { buildEmbeddedSystem } from '@slotkeeper/embedded';
import { silentLogger } from '@slotkeeper/observability';
import { apiClient, apiSetup, booking, weekly, WEEKDAYS } from '@slotkeeper/testing/api';
import { ManualClock } from '@slotkeeper/time';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { launchChromium } from '@slotkeeper/testing/browser';

/** Monday 3 June 2030, 08:00 in Berlin: a month with most of its days still ahead. */
const NOW = '2030-06-03T06:00:00Z';
const OUT = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');
const DESKTOP = { width: 1280, height: 800 };
const MOBILE = { width: 360, height: 740 };
/** The invitee is in London, the owner in Berlin: the page lists the owner's hours in London time. */
const INVITEE: BrowserContextOptions = { timezoneId: 'Europe/London', locale: 'en-GB', colorScheme: 'light' };
const SLOT = /^\d\d:\d\d$/;

/** Ann Lee's "Intro call": 30 minutes, weekdays 09–12 and 13–17 in Berlin, a few times already taken. */
async function introCall(url: string): Promise<string> {
  const api = apiSetup(apiClient(url));
  const owner = await api.user({ name: 'Ann Lee', email: 'ann.lee@example.com', timezone: 'Europe/Berlin' });
  const hours = await api.schedule(owner, {
    name: 'Work hours',
    timezone: 'Europe/Berlin',
    time_slots: weekly(WEEKDAYS, ['09:00', '12:00'], ['13:00', '17:00']),
  });
  const calendar = await api.calendar(owner, [hours.id], {
    name: 'Intro call',
    meeting_duration_minutes: 30,
    min_notice_minutes: 120,
    booking_horizon_days: 60,
  });
  for (const [start, end] of [
    ['2030-06-03T11:00:00+02:00', '2030-06-03T11:30:00+02:00'],
    ['2030-06-03T14:30:00+02:00', '2030-06-03T15:00:00+02:00'],
    ['2030-06-04T09:00:00+02:00', '2030-06-04T09:30:00+02:00'],
  ] as const) {
    await api.book(booking(calendar.id, start, end, { title: 'Intro call', booked_by: 'earlier@example.com' }));
  }
  return calendar.id;
}

async function openPage(browser: Browser, clock: ManualClock, origin: string, viewport: typeof DESKTOP) {
  const context = await browser.newContext({ ...INVITEE, viewport, baseURL: origin, serviceWorkers: 'block' });
  context.setDefaultTimeout(10_000);
  await context.clock.setFixedTime(clock.now());
  return context.newPage();
}

/** Waits for the page to be still (no request under way, fonts ready) and draws it. */
async function picture(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  // A string: it runs in the page, whose DOM these scripts' types do not know.
  await page.evaluate('document.fonts.ready.then(() => true)');
  const path = join(OUT, name);
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  console.log(`wrote ${path}`);
}

const slotButtons = (page: Page) => page.getByRole('button', { name: SLOT });

const clock = new ManualClock(NOW);
const system = await buildEmbeddedSystem({ logger: silentLogger(), clock, rateLimitPerMinute: 1_000_000 });
const url = await system.gateway.listen({ host: '127.0.0.1', port: 0 });
const { origin } = new URL(url);
const browser = await launchChromium();
try {
  await mkdir(OUT, { recursive: true });
  const calendarId = await introCall(url);

  const page = await openPage(browser, clock, origin, DESKTOP);
  await page.goto(`/book/${calendarId}`);
  await slotButtons(page).first().waitFor();
  await picture(page, 'booking-page.png');

  await slotButtons(page).nth(2).click();
  await page.getByLabel('Name').fill('Sam Patel');
  await page.getByLabel('Email').fill('sam.patel@example.com');
  await page.getByLabel('Notes').fill('Looking forward to hearing about the project.');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.getByRole('heading', { name: 'Booking confirmed' }).waitFor();
  await picture(page, 'confirmation.png');

  await page.getByRole('link', { name: 'Reschedule' }).click();
  await page.getByRole('heading', { name: 'Reschedule' }).waitFor();
  await slotButtons(page).first().waitFor();
  await picture(page, 'manage-page.png');

  const phone = await openPage(browser, clock, origin, MOBILE);
  await phone.goto(`/book/${calendarId}`);
  await slotButtons(phone).first().waitFor();
  await picture(phone, 'booking-page-mobile.png');
} finally {
  await browser.close();
  await system.gateway.close();
}
