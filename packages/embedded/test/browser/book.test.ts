import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeInBrowser, useBrowserSystem } from './browser-harness.js';
import {
  bookThroughPage,
  button,
  day,
  field,
  fillForm,
  heading,
  isFocused,
  mainText,
  MONDAY,
  openBookPage,
  PRIYA,
  slot,
  until,
} from './booking-page.js';

// Berlin 09:00 on Monday 24 June 2030 (summer time) is 07:00 UTC and 12:30 in Kolkata, the pages' default zone.
const NINE_BERLIN_UTC = '2030-06-24T07:00:00.000Z';

/** An iCalendar file's content lines: folded lines joined again (RFC 5545 §3.1). */
const unfold = (ics: string) =>
  ics
    .split('\r\n')
    .join('\n')
    .replace(/\n[ \t]/g, '')
    .split('\n');

describeInBrowser('the book page', () => {
  const s = useBrowserSystem();

  /** A calendar nobody has booked yet; its name has characters an iCalendar file must escape. */
  const calendar = async (name = 'Intro calls') => (await s.h.bookable({ meeting_duration_minutes: 30, name })).cal;

  /** The reschedule or cancel link of a confirmation: the booking's page with its token in the fragment. */
  async function manageLink(page: Page, name: string) {
    const href = await page.getByRole('link', { name, exact: true }).getAttribute('href');
    const url = new URL(href ?? '', s.origin);
    expect(url.origin).toBe(s.origin);
    const [, eventId] = url.pathname.match(/^\/booking\/([0-9a-f]{24})$/) ?? [];
    const [, token] = url.hash.match(/^#token=([^&]+)(&action=(reschedule|cancel))?$/) ?? [];
    expect(eventId, `${name} links to ${href}`).toBeDefined();
    expect(token, `${name} links to ${href}`).toBeDefined();
    return { eventId: eventId ?? '', token: decodeURIComponent(token ?? '') };
  }

  it('when an invitee opens a calendar’s link, then it shows the calendar, its owner, the meeting length and this month with its first day of times chosen', async () => {
    const cal = await calendar();
    const page = await s.page();

    await openBookPage(page, cal.id);

    expect(await mainText(page)).toMatch(/with Ann\b/);
    expect(await mainText(page)).toMatch(/\b30 min\b/);
    await heading(page, 'June 2030').waitFor();
    expect(await button(page, 'Previous month').isDisabled()).toBe(true);
    expect(await day(page, 'Monday', 3, 'June').getAttribute('aria-pressed')).toBe('true');
    expect(await day(page, 'Tuesday', 4, 'June').isDisabled()).toBe(true);
    await slot(page, '12:30').waitFor();
    expect((await slot(page, '12:30').textContent())?.trim()).toBe('12:30');

    await button(page, 'Next month').click();
    await heading(page, 'July 2030').waitFor();
    expect(await button(page, 'Previous month').isEnabled()).toBe(true);
  });

  it('when the invitee picks a day and a time and confirms the form, then the confirmation shows it in their zone with an .ics file and links to change it, and the API has it', async () => {
    const cal = await calendar('Café chat, with notes; and a name long enough to fold in an iCalendar file');
    const page = await s.page();
    await openBookPage(page, cal.id, undefined, cal.name as string);

    await day(page, 'Monday', 24, 'June').click();
    await heading(page, 'Monday 24 June').waitFor();
    await slot(page, '13:00').click();
    await button(page, 'Change time').click();
    await slot(page, '12:30').click();
    expect(await mainText(page)).toMatch(/24 June 2030.*12:30.*13:00.*Asia\/Kolkata/);
    await until(async () => expect(await isFocused(field(page, 'Name'))).toBe(true));
    expect(await field(page, 'Email').getAttribute('type')).toBe('email');
    await fillForm(page, PRIYA);
    await button(page, 'Confirm').click();

    const confirmed = heading(page, 'Booking confirmed');
    await confirmed.waitFor();
    await until(async () => expect(await isFocused(confirmed)).toBe(true));
    expect(await mainText(page)).toMatch(/24 June 2030.*12:30.*13:00.*Asia\/Kolkata/);

    const reschedule = await manageLink(page, 'Reschedule');
    const cancel = await manageLink(page, 'Cancel');
    expect(cancel).toEqual(reschedule);

    const event = await s.h.send('GET', `/api/event/events/${reschedule.eventId}`, undefined, {
      authorization: `Bearer ${reschedule.token}`,
    });
    expect(event.status).toBe(200);
    expect(event.body).toMatchObject({
      calendar_id: cal.id,
      title: cal.name,
      start_time: NINE_BERLIN_UTC,
      end_time: '2030-06-24T07:30:00.000Z',
      booked_by: 'priya.raman@example.com',
      booker_name: 'Priya Raman',
      guests: ['bob@example.com', 'cy@example.com'],
      notes: 'About the offer; numbers, please',
      status: 'confirmed',
    });
    const listed = await s.h.send('GET', `/api/calendar/calendars/${cal.id}/events`);
    expect(listed.body.map((e: { id: string }) => e.id)).toEqual([reschedule.eventId]);

    const ics = page.getByRole('link', { name: 'Download .ics', exact: true });
    expect(await ics.getAttribute('download')).not.toBeNull();
    expect(await ics.getAttribute('href')).toMatch(/^blob:/);
    const [download] = await Promise.all([page.waitForEvent('download'), ics.click()]);
    expect(download.suggestedFilename()).toMatch(/\.ics$/);
    const file = await readFile(await download.path(), 'utf8');
    expect(file.endsWith('\r\n')).toBe(true);
    expect(file.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of file.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    const lines = unfold(file);
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines).toEqual(
      expect.arrayContaining([
        'BEGIN:VEVENT',
        `UID:${reschedule.eventId}`,
        'DTSTART:20300624T070000Z',
        'DTEND:20300624T073000Z',
        'SEQUENCE:0',
        'SUMMARY:Café chat\\, with notes\\; and a name long enough to fold in an iCalendar file',
        'END:VEVENT',
        'END:VCALENDAR',
      ]),
    );
    expect(lines.some((line) => /^DTSTAMP:\d{8}T\d{6}Z$/.test(line))).toBe(true);
  });

  it('when a time has been booked, then a fresh page no longer offers it, and still offers the others', async () => {
    const cal = await calendar();
    const first = await s.page();
    await openBookPage(first, cal.id, MONDAY);
    await bookThroughPage(first, '12:30');

    const fresh = await s.page();
    await openBookPage(fresh, cal.id, MONDAY);
    await slot(fresh, '13:00').waitFor();
    expect(await slot(fresh, '12:30').count()).toBe(0);
    expect(await day(fresh, 'Monday', 24, 'June').getAttribute('aria-pressed')).toBe('true');
  });

  it('when two invitees confirm the same time at once, then exactly one is booked, the other is told in an alert and offered the times left, with the form kept', async () => {
    const cal = await calendar();
    const pages = [await s.page(), await s.page()];
    const bookers = [
      { name: 'Priya Raman', email: 'priya@example.com' },
      { name: 'Dev Kumar', email: 'dev@example.com' },
    ];
    for (const [i, page] of pages.entries()) {
      await openBookPage(page, cal.id, MONDAY);
      await slot(page, '12:30').click();
      await fillForm(page, bookers[i]!);
    }

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

    expect(await loser.getByRole('alert').innerText()).toMatch(/taken|no longer/i);
    await slot(loser, '13:00').waitFor();
    expect(await slot(loser, '12:30').count()).toBe(0);
    const events = await s.h.send('GET', `/api/calendar/calendars/${cal.id}/events`);
    expect(events.body).toHaveLength(1);
    expect(events.body[0]).toMatchObject({ start_time: NINE_BERLIN_UTC, booked_by: winner.email });

    await slot(loser, '13:00').click();
    expect(await field(loser, 'Name').inputValue()).toBe(refused.name);
    expect(await field(loser, 'Email').inputValue()).toBe(refused.email);
    await button(loser, 'Confirm').click();
    await heading(loser, 'Booking confirmed').waitFor();
    const after = await s.h.send('GET', `/api/calendar/calendars/${cal.id}/events`);
    expect(after.body.map((e: { booked_by: string }) => e.booked_by)).toEqual([winner.email, refused.email]);
  });

  it('when the API refuses the details, then an alert names the field, the field is marked invalid, and corrected details book', async () => {
    const cal = await calendar();
    const page = await s.page();
    await openBookPage(page, cal.id, MONDAY);
    await slot(page, '12:30').click();
    // The browser takes an address without a dot in its domain; the API does not.
    await fillForm(page, { ...PRIYA, email: 'priya@localhost' });

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
    expect((await s.h.send('GET', `/api/calendar/calendars/${cal.id}/events`)).body).toEqual([]);

    await email.fill('priya@example.com');
    await button(page, 'Confirm').click();
    await heading(page, 'Booking confirmed').waitFor();
    expect((await s.h.send('GET', `/api/calendar/calendars/${cal.id}/events`)).body).toMatchObject([
      { booked_by: 'priya@example.com' },
    ]);
  });

  it('when the answer to Confirm is lost on the way, then an alert says so, and Confirm again books once with the same Idempotency-Key', async () => {
    const cal = await calendar();
    const page = await s.page();
    await openBookPage(page, cal.id, MONDAY);
    await slot(page, '12:30').click();
    await fillForm(page, PRIYA);
    const keys: string[] = [];
    let disabledWhileSending = false;
    // The first request reaches the system and books; its answer never reaches the page.
    await page.route('**/api/event/events', async (route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (keys.length > 1) return route.continue();
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
    expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(keys[1]).toBe(keys[0]);
    const events = await s.h.send('GET', `/api/calendar/calendars/${cal.id}/events`);
    expect(events.body).toHaveLength(1);
    expect((await manageLink(page, 'Reschedule')).eventId).toBe(events.body[0].id);
  });

  it('when the times cannot be fetched, then an alert offers Try again, which lists them', async () => {
    const cal = await calendar();
    const page = await s.page();
    let refused = 0;
    await page.route('**/availability?*', (route) =>
      refused++ === 0
        ? route.fulfill({
            status: 503,
            headers: { 'content-type': 'application/problem+json', 'retry-after': '5' },
            body: JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503 }),
          })
        : route.continue(),
    );

    await openBookPage(page, cal.id, MONDAY);

    await page.getByRole('alert').waitFor();
    expect(await slot(page, '12:30').count()).toBe(0);
    await button(page, 'Try again').click();
    await slot(page, '12:30').waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
  });
});
