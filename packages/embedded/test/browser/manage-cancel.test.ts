import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeInBrowser, useBrowserSystem } from './browser-harness.js';
import { alertTexts, button, heading, mainText, until } from './booking-page.js';
import { bookedThroughApi, CANCELED_MEANWHILE, NOT_VALID, offered, openManagePage } from './manage-page.js';

describeInBrowser('canceling on the manage page, and links that open no booking', () => {
  const s = useBrowserSystem();

  /** Nothing left to change: neither Reschedule (section or button) nor Cancel booking. */
  async function expectNoActions(page: Page) {
    expect(await button(page, 'Reschedule').count()).toBe(0);
    expect(await heading(page, 'Reschedule').count()).toBe(0);
    expect(await button(page, 'Cancel booking').count()).toBe(0);
  }

  it('when the invitee presses Cancel booking and confirms, then the booking is canceled, its time is offered again, and the page has nothing left to change', async () => {
    const { cal, event, read } = await bookedThroughApi(s);
    const page = await s.page();
    await openManagePage(page, event.id, event.cancel_token);

    await button(page, 'Cancel booking').click();
    await page.getByText('Cancel this booking?').waitFor();
    await button(page, 'Keep it').click();
    await until(async () => expect(await page.getByText('Cancel this booking?').count()).toBe(0));
    expect((await read()).status).toBe('confirmed');

    await button(page, 'Cancel booking').click();
    await button(page, 'Yes, cancel it').click();

    await page.getByRole('status').filter({ hasText: 'This booking is canceled.' }).waitFor();
    expect(await mainText(page)).toMatch(/\bCanceled\b/);
    await expectNoActions(page);
    expect((await read()).status).toBe('canceled');
    expect(await offered(await s.page(), cal.id, '12:30')).toBe(true);
  });

  it('when the booking is canceled through the API with its token after the page loaded and the invitee then confirms Cancel booking, then an alert says it was canceled and the page shows it canceled', async () => {
    const { event, read } = await bookedThroughApi(s);
    const page = await s.page();
    await openManagePage(page, event.id, event.cancel_token);
    await button(page, 'Cancel booking').click();
    await button(page, 'Yes, cancel it').waitFor();
    const canceled = await s.h.send('DELETE', `/api/event/events/${event.id}`, undefined, {
      authorization: `Bearer ${event.cancel_token}`,
    });
    expect(canceled.status).toBe(204);

    await button(page, 'Yes, cancel it').click();

    await until(async () => expect(await alertTexts(page)).toEqual([CANCELED_MEANWHILE]));
    expect(await mainText(page)).toMatch(/\bCanceled\b/);
    await expectNoActions(page);
    expect((await read()).status).toBe('canceled');
  });

  it('when a canceled booking is opened later, then it shows Canceled and offers neither Reschedule nor Cancel booking', async () => {
    const { event } = await bookedThroughApi(s);
    const canceled = await s.h.send('DELETE', `/api/event/events/${event.id}`, undefined, {
      authorization: `Bearer ${event.cancel_token}`,
    });
    expect(canceled.status).toBe(204);
    const page = await s.page();

    await openManagePage(page, event.id, event.cancel_token);

    await page
      .getByText(/\bCanceled\b/)
      .first()
      .waitFor();
    await expectNoActions(page);
  });

  it('when the link’s token is wrong, another booking’s, or the booking unknown, then the page says the link is not valid', async () => {
    const { event } = await bookedThroughApi(s);
    const other = await bookedThroughApi(s);
    const page = await s.page();

    for (const [id, token] of [
      [event.id, 'not-the-token'],
      [event.id, other.event.cancel_token],
      ['0123456789abcdef01234567', event.cancel_token],
    ] as const) {
      // Through a blank page: the same path with another fragment would not load the page again.
      await page.goto('about:blank');
      await page.goto(`/booking/${id}#token=${token}`);
      await page.getByText(NOT_VALID).waitFor();
      expect(await button(page, 'Cancel booking').count()).toBe(0);
    }
  });

  it('when the link has no token, then the page asks for the link from the booking confirmation', async () => {
    const { event } = await bookedThroughApi(s);
    const page = await s.page();

    await page.goto(`/booking/${event.id}`);

    await page.getByText(/link from your booking confirmation/i).waitFor();
    expect(await button(page, 'Cancel booking').count()).toBe(0);
  });
});
