import { expect, it } from 'vitest';
import { describeInBrowser, useBrowserSystem } from './browser-harness.js';
import { day, field, heading, MONDAY, openBookPage, slot } from './booking-page.js';

describeInBrowser('the invitee’s time zone', () => {
  const s = useBrowserSystem();

  it('when an invitee in Kolkata opens a Berlin calendar, then its Monday 09:00 summer slot shows as 12:30 in their detected zone, and as 09:00 once they choose Berlin', async () => {
    const { cal } = await s.h.bookable();
    const page = await s.page({ timezoneId: 'Asia/Kolkata', locale: 'en-GB' });

    await openBookPage(page, cal.id, MONDAY);

    const zone = field(page, 'Time zone');
    expect(await zone.inputValue()).toBe('Asia/Kolkata');
    await slot(page, '12:30').waitFor();
    expect(await slot(page, '09:00').count()).toBe(0);

    await zone.selectOption('Europe/Berlin');
    await day(page, 'Monday', 24, 'June').click();

    await heading(page, 'Monday 24 June').waitFor();
    await slot(page, '09:00').waitFor();
    expect(await slot(page, '12:30').count()).toBe(0);
    expect(await zone.inputValue()).toBe('Europe/Berlin');
  });

  it('when an invitee in New York opens it, then the same slot shows as 03:00 on Monday 24 June in their zone', async () => {
    const { cal } = await s.h.bookable();
    const page = await s.page({ timezoneId: 'America/New_York', locale: 'en-US' });

    await openBookPage(page, cal.id, MONDAY);

    expect(await field(page, 'Time zone').inputValue()).toBe('America/New_York');
    expect(await day(page, 'Monday', 24, 'June').getAttribute('aria-pressed')).toBe('true');
    await slot(page, '03:00').waitFor();
    expect((await slot(page, '03:00').textContent())?.trim()).toBe('03:00');
    expect(await slot(page, '09:00').count()).toBe(1);
    expect(await slot(page, '12:30').count()).toBe(0);
  });
});
