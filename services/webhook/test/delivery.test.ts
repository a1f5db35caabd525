import { describe, expect, it } from 'vitest';
import { afterAttempt, deliveryId, newDelivery } from '../src/domain/delivery.js';
import { DEFAULT_WEBHOOK_RETRY_DELAYS_MS, nextAttemptAt, retryDelaysSchema } from '../src/domain/retry-schedule.js';
import { at, EVENT, id, T0, USER } from './fixtures.js';

const MESSAGE = '0b0e5b9a-8d4f-4c53-9a43-3f4f5c2b1e10';

describe('a delivery', () => {
  it('when one message is delivered to one webhook twice, then both share one id', () => {
    expect(deliveryId(MESSAGE, id(1))).toBe(deliveryId(MESSAGE, id(1)));
    expect(deliveryId(MESSAGE, id(1))).toBe(`msg_${id(1)}0b0e5b9a8d4f4c539a433f4f5c2b1e10`);
    expect(deliveryId(MESSAGE, id(2))).not.toBe(deliveryId(MESSAGE, id(1)));
  });

  it('when recorded, then it is pending, due at once and untried', () => {
    const fields = {
      webhookId: id(1),
      userId: USER,
      type: 'event.booked' as const,
      eventId: EVENT,
      messageId: MESSAGE,
    };
    expect(newDelivery({ ...fields, body: '{}' }, T0)).toEqual({
      ...fields,
      body: '{}',
      id: deliveryId(MESSAGE, id(1)),
      status: 'pending',
      attempts: 0,
      lastStatusCode: null,
      lastError: null,
      nextAttemptAt: T0,
      createdAt: T0,
    });
  });

  it('when an attempt gets a 2xx, then it is delivered and not tried again', () => {
    expect(afterAttempt({ attempts: 2 }, { ok: true, statusCode: 202 }, T0, [1_000])).toEqual({
      status: 'delivered',
      attempts: 3,
      lastStatusCode: 202,
      lastError: null,
      nextAttemptAt: null,
    });
  });

  it('when attempts fail, then each waits the next delay, and after the last it has failed', () => {
    const failure = { ok: false as const, statusCode: 500, error: 'the endpoint answered 500' };
    const delays = [1_000, 5_000];
    expect(afterAttempt({ attempts: 0 }, failure, T0, delays)).toMatchObject({
      status: 'pending',
      attempts: 1,
      nextAttemptAt: at(1),
    });
    expect(afterAttempt({ attempts: 1 }, failure, T0, delays)).toMatchObject({
      status: 'pending',
      attempts: 2,
      nextAttemptAt: at(5),
    });
    expect(afterAttempt({ attempts: 2 }, { ...failure, statusCode: null }, T0, delays)).toEqual({
      status: 'failed',
      attempts: 3,
      lastStatusCode: null,
      lastError: 'the endpoint answered 500',
      nextAttemptAt: null,
    });
  });
});

describe('the retry schedule', () => {
  it('when nothing is set, then it is 5 s, 5 min, 30 min, 2 h, 4 h, 7 h, 11 h: growing waits over a day', () => {
    expect(retryDelaysSchema.parse(undefined)).toBe(DEFAULT_WEBHOOK_RETRY_DELAYS_MS);
    expect(retryDelaysSchema.parse(' ')).toBe(DEFAULT_WEBHOOK_RETRY_DELAYS_MS);
    expect(retryDelaysSchema.parse('5s,5m,30m,2h,4h,7h,11h')).toEqual(DEFAULT_WEBHOOK_RETRY_DELAYS_MS);
    const total = DEFAULT_WEBHOOK_RETRY_DELAYS_MS.reduce((sum, d) => sum + d, 0);
    expect(total).toBe(24 * 3_600_000 + 35 * 60_000 + 5_000);
    const waits = DEFAULT_WEBHOOK_RETRY_DELAYS_MS;
    expect(waits.every((wait, i) => i === 0 || wait > waits[i - 1]!)).toBe(true);
    expect(nextAttemptAt(7, T0, DEFAULT_WEBHOOK_RETRY_DELAYS_MS)).toEqual(new Date(T0.getTime() + 11 * 3_600_000));
    expect(nextAttemptAt(8, T0, DEFAULT_WEBHOOK_RETRY_DELAYS_MS)).toBeNull();
  });

  it('when WEBHOOK_RETRY_DELAYS is set for tests, then its waits are read with their units', () => {
    expect(retryDelaysSchema.parse('100ms, 200ms,1s')).toEqual([100, 200, 1_000]);
  });

  it('when a wait has no unit, is zero, longer than a day or there are too many, then it is refused', () => {
    for (const bad of ['100', '0s', '25h', '1d', '5s,,5s', Array(21).fill('1s').join(',')])
      expect(retryDelaysSchema.safeParse(bad).success, bad).toBe(false);
  });
});
