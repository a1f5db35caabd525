import { readFile } from 'node:fs/promises';
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
  manageLink,
  MONDAY,
  openBookPage,
  PRIYA,
  problemAnswer,
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

  /** A calendar nobody has booked yet. */
  const calendar = async (name = 'Intro calls') => (await s.h.bookable({ meeting_duration_minutes: 30, name })).cal;

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

  it('when the invitee picks a day and a time and confirms the form, then the confirmation shows it in their zone with links to change it, and the API has it', async () => {
    const cal = await calendar();
    const page = await s.page();
    await openBookPage(page, cal.id);

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
    const reschedule = await manageLink(page, 'Reschedule', s.origin);
    expect(await manageLink(page, 'Cancel', s.origin)).toEqual(reschedule);
    const event = await s.h.send('GET', `/api/event/events/${reschedule.eventId}`, undefined, {
      authorization: `Bearer ${reschedule.token}`,
    });
    expect(event.status).toBe(200);
    expect(event.body).toMatchObject({
      calendar_id: cal.id,
      title: 'Intro calls',
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
  });

  it('when the invitee downloads the .ics file of the confirmation, then it is an iCalendar event of the booking, in UTC, folded and escaped', async () => {
    // A name with characters an iCalendar file must escape, long enough to be folded.
    const name = 'Café chat, with notes; and a name long enough to fold in an iCalendar file';
    const cal = await calendar(name);
    const page = await s.page();
    await openBookPage(page, cal.id, MONDAY, name);
    await bookThroughPage(page, '12:30');

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
        `UID:${(await manageLink(page, 'Reschedule', s.origin)).eventId}`,
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

  it('when the times cannot be fetched, then an alert offers Try again, which lists them', async () => {
    const { cal } = await s.h.bookable();
    const page = await s.page();
    let refused = 0;
    await page.route('**/availability?*', (route) =>
      refused++ === 0 ? route.fulfill(problemAnswer(503, 'Service Unavailable')) : route.continue(),
    );

    await openBookPage(page, cal.id, MONDAY);

    await page.getByRole('alert').waitFor();
    expect(await slot(page, '12:30').count()).toBe(0);
    await button(page, 'Try again').click();
    await slot(page, '12:30').waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
  });
});
