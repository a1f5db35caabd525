/**
 * The booking pages on the stack: the gateway in front of separate services over the local
 * RabbitMQ serves them as the embedded system does, and an invitee in Debian's Chromium books,
 * then cancels through the manage page.
 */
import { randomUUID } from 'node:crypto';
import { brokerTarget } from '@slotkeeper/testing';
import { apiClient, apiSetup, weekly } from '@slotkeeper/testing/api';
import { launchChromium } from '@slotkeeper/testing/browser';
import { DateTime } from 'luxon';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../stack/launch.js';
import { deleteStackTopology, startTestStack } from './support.js';

const broker = await brokerTarget();
if ('reason' in broker) console.warn(`[skip] booking pages on the stack: ${broker.reason}`);
afterAll(async () => {
  if ('stop' in broker) await broker.stop();
});

describe.skipIf(!broker.url)('the booking pages on the stack (separate processes over RabbitMQ)', () => {
  const prefix = `e2e-pages-${randomUUID().slice(0, 8)}`;
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      startTestStack({ AMQP_URL: broker.url, AMQP_PREFIX: prefix }),
      launchChromium(),
    ]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await deleteStackTopology(broker.url!, prefix);
  }, 60_000);

  it('when an invitee books a Monday 09:00 on the page and cancels it on the manage page, then the API sees both', async () => {
    const api = apiSetup(apiClient(stack.gatewayUrl));
    const owner = await api.user({ name: 'Ann Lee', timezone: 'Europe/Berlin' });
    const hours = await api.schedule(owner, {
      timezone: 'Europe/Berlin',
      time_slots: weekly(['monday'], ['09:00', '12:00']),
    });
    const calendar = await api.calendar(owner, [hours.id], { name: 'Intro call', meeting_duration_minutes: 30 });
    // A Monday at least two days ahead: never in the past or inside a notice.
    const monday = DateTime.utc().plus({ days: 2 }).startOf('week').plus({ weeks: 1 }).toISODate()!;

    const unknown = await fetch(`${stack.gatewayUrl}/book/${'0'.repeat(24)}`);
    expect([unknown.status, unknown.headers.get('content-type')]).toEqual([404, 'text/html; charset=utf-8']);

    const context = await browser.newContext({ timezoneId: 'Europe/Berlin', locale: 'en-GB' });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      await page.goto(`${stack.gatewayUrl}/book/${calendar.id}?date=${monday}`);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Intro call');
      await page.getByRole('button', { name: '09:00' }).click();
      await page.getByLabel('Name').fill('Carol Diaz');
      await page.getByLabel('Email').fill('carol@example.com');
      await page.getByRole('button', { name: 'Confirm', exact: true }).click();
      await page.getByRole('heading', { name: 'Booking confirmed' }).waitFor();

      const [booked] = await api.events(calendar.id, owner.api_key);
      expect(booked).toMatchObject({
        start_time: DateTime.fromISO(`${monday}T09:00`, { zone: 'Europe/Berlin' }).toUTC().toISO(),
        booked_by: 'carol@example.com',
        booker_name: 'Carol Diaz',
      });

      await page.getByRole('link', { name: 'Cancel', exact: true }).click();
      await page.getByRole('button', { name: 'Cancel booking', exact: true }).click();
      await page.getByRole('button', { name: 'Yes, cancel it', exact: true }).click();
      await page.getByText('This booking is canceled.').waitFor();
      expect(await api.events(calendar.id, owner.api_key)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
