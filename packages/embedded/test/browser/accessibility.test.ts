import { expect, it } from 'vitest';
import { describeInBrowser, useBrowserSystem } from './browser-harness.js';
import { button, day, field, fillForm, heading, MONDAY, openBookPage, PRIYA, slot } from './booking-page.js';
import { bookedThroughApi, NOT_VALID, openManagePage } from './manage-page.js';

describeInBrowser('what axe-core finds on the pages, in each of their states', () => {
  const s = useBrowserSystem();

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

  it('when axe-core checks the book page after a time was taken and after its details were refused, a link that is not valid and the not-found page, then it finds nothing serious or critical', async () => {
    const { cal } = await s.h.bookable();
    const page = await s.page();
    await openBookPage(page, cal.id, MONDAY);
    await slot(page, '13:00').click();
    await fillForm(page, PRIYA);
    expect((await s.h.book(cal.id, '2030-06-24T09:30:00+02:00', '2030-06-24T10:00:00+02:00')).status).toBe(201);
    await button(page, 'Confirm').click();
    await page
      .getByRole('alert')
      .filter({ hasText: /taken|no longer/i })
      .waitFor();
    expect(await s.accessibilityViolations(page)).toEqual([]);

    // The month asked again: the taken time is gone once it has arrived (a click on the list
    // before it did could land on a slot the reload then replaces).
    await slot(page, '13:00').waitFor({ state: 'detached' });
    await slot(page, '13:30').click();
    // The browser takes an address without a dot in its domain; the API answers 400.
    await field(page, 'Email').fill('priya@localhost');
    await button(page, 'Confirm').click();
    await page.getByRole('alert').filter({ hasText: /Email/ }).waitFor();
    expect(await field(page, 'Email').getAttribute('aria-invalid')).toBe('true');
    expect(await s.accessibilityViolations(page)).toEqual([]);

    const other = await s.page();
    await other.goto('/booking/0123456789abcdef01234567#token=not-a-token');
    await other.getByText(NOT_VALID).first().waitFor();
    expect(await s.accessibilityViolations(other)).toEqual([]);

    await other.goto('/book/0123456789abcdef01234567');
    await heading(other, 'Page not found').waitFor();
    expect(await s.accessibilityViolations(other)).toEqual([]);
  });

  it('when axe-core checks the manage page with a new time chosen, with the cancel question open and canceled, then it finds nothing serious or critical', async () => {
    const { event } = await bookedThroughApi(s);
    const page = await s.page();
    await openManagePage(page, event.id, event.cancel_token);
    await day(page, 'Monday', 24, 'June').click();
    await slot(page, '14:30').click();
    await page.getByText(/New time: .*14:30/).waitFor();
    expect(await s.accessibilityViolations(page)).toEqual([]);

    await button(page, 'Cancel booking').click();
    await page.getByText('Cancel this booking?').waitFor();
    await button(page, 'Keep it').waitFor();
    expect(await s.accessibilityViolations(page)).toEqual([]);

    await button(page, 'Yes, cancel it').click();
    await page.getByRole('status').filter({ hasText: 'This booking is canceled.' }).waitFor();
    expect(await s.accessibilityViolations(page)).toEqual([]);
  });
});
