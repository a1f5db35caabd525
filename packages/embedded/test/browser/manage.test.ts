import { expect, it } from 'vitest';
import { describeInBrowser, useBrowserSystem } from './browser-harness.js';
import { alertTexts, button, day, heading, mainText, slot, until } from './booking-page.js';
import { bookedThroughApi, CANCELED_MEANWHILE, offered, openManagePage } from './manage-page.js';

describeInBrowser('the manage page of a booking, and rescheduling on it', () => {
  const s = useBrowserSystem();

  it('when the invitee opens the link of a booking, then it shows the booking in their zone with who booked it, the guests and the notes', async () => {
    const { event } = await bookedThroughApi(s);
    const page = await s.page();

    await openManagePage(page, event.id, event.cancel_token);

    const text = await mainText(page);
    expect(text).toMatch(/\bConfirmed\b/);
    expect(text).toMatch(/24 June 2030.*12:30/);
    expect(text).toMatch(/Asia\/Kolkata/);
    expect(text).toMatch(/ann\.invitee@example\.com/);
    expect(text).toMatch(/bob@example\.com/);
    expect(text).toMatch(/Bring the slides/);
    expect(await page.getByLabel('Time zone', { exact: true }).inputValue()).toBe('Asia/Kolkata');
    await heading(page, 'Reschedule').waitFor();
    await button(page, 'Cancel booking').waitFor();
  });

  it('when the invitee picks another listed time and presses Reschedule, then the booking moves there and its old time can be booked again', async () => {
    const { cal, event, read } = await bookedThroughApi(s);
    const page = await s.page();
    await openManagePage(page, event.id, event.cancel_token);

    await day(page, 'Monday', 24, 'June').click();
    await heading(page, 'Monday 24 June').waitFor();
    await slot(page, '14:30').waitFor();
    expect(await slot(page, '12:30').count()).toBe(0);
    await slot(page, '14:30').click();
    expect(await mainText(page)).toMatch(/New time: .*14:30/);
    await button(page, 'Reschedule').click();

    const status = page.getByRole('status').filter({ hasText: /Rescheduled to/ });
    await status.waitFor();
    expect(await status.innerText()).toMatch(/14:30/);
    expect(await read()).toMatchObject({
      id: event.id,
      start_time: '2030-06-24T09:00:00.000Z',
      end_time: '2030-06-24T09:30:00.000Z',
      status: 'confirmed',
    });
    const fresh = await s.page();
    expect(await offered(fresh, cal.id, '12:30')).toBe(true);
    expect(await offered(fresh, cal.id, '14:30')).toBe(false);
  });

  it('when the new time is taken before Reschedule is pressed, then an alert says so, the times are fetched again and the booking keeps its time', async () => {
    const { cal, event, read } = await bookedThroughApi(s);
    const page = await s.page();
    await openManagePage(page, event.id, event.cancel_token);
    await day(page, 'Monday', 24, 'June').click();
    await heading(page, 'Monday 24 June').waitFor();
    await slot(page, '14:30').click();
    expect((await s.h.book(cal.id, '2030-06-24T11:00:00+02:00', '2030-06-24T11:30:00+02:00')).status).toBe(201);

    await button(page, 'Reschedule').click();

    await page.getByRole('alert').waitFor();
    await slot(page, '15:00').waitFor();
    expect(await slot(page, '14:30').count()).toBe(0);
    expect((await read()).start_time).toBe('2030-06-24T07:00:00.000Z');
  });

  it('when the owner cancels the booking after its page loaded and the invitee then presses Reschedule, then an alert says it was canceled and the page shows it canceled with nothing left to change', async () => {
    const { event, read } = await bookedThroughApi(s);
    const page = await s.page();
    await openManagePage(page, event.id, event.cancel_token);
    await day(page, 'Monday', 24, 'June').click();
    await slot(page, '14:30').click();
    // The owner, with their own key, through the API.
    expect((await s.h.send('DELETE', `/api/event/events/${event.id}`)).status).toBe(204);

    await button(page, 'Reschedule').click();

    await until(async () => expect(await alertTexts(page)).toEqual([CANCELED_MEANWHILE]));
    expect(await mainText(page)).toMatch(/\bCanceled\b/);
    expect(await button(page, 'Reschedule').count()).toBe(0);
    expect(await button(page, 'Cancel booking').count()).toBe(0);
    expect(await heading(page, 'Reschedule').count()).toBe(0);
    expect(await read()).toMatchObject({ status: 'canceled', start_time: '2030-06-24T07:00:00.000Z' });
  });
});
