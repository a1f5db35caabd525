import { describe, expect, it } from 'vitest';
import { AttemptKeys, randomKey } from '../src/app/attempt-keys.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const body = { start_time: '2030-06-24T09:00:00+02:00', end_time: '2030-06-24T09:30:00+02:00' };

describe('AttemptKeys', () => {
  it('gives version 4 UUIDs, a different one each time', () => {
    const keys = new Set(Array.from({ length: 200 }, randomKey));
    expect(keys.size).toBe(200);
    for (const key of keys) expect(key).toMatch(UUID_V4);
  });

  it.each([0, 429, 500, 502, 503, 504])('keeps the key of the same request after status %i', (status) => {
    const keys = new AttemptKeys();
    const first = keys.keyFor(body);
    keys.settled(status);
    expect(keys.keyFor({ ...body })).toBe(first);
    keys.settled(status);
    expect(keys.keyFor(body)).toBe(first);
  });

  it.each([200, 201, 204, 400, 401, 404, 409, 422])('starts a new attempt after status %i', (status) => {
    const keys = new AttemptKeys();
    const first = keys.keyFor(body);
    keys.settled(status);
    const next = keys.keyFor(body);
    expect(next).not.toBe(first);
    expect(next).toMatch(UUID_V4);
  });

  it('starts a new attempt for another slot or other details, even while the outcome is unknown', () => {
    const keys = new AttemptKeys();
    const first = keys.keyFor(body);
    keys.settled(503);
    const other = keys.keyFor({ ...body, start_time: '2030-06-24T10:00:00+02:00' });
    expect(other).not.toBe(first);
    keys.settled(0);
    expect(keys.keyFor({ ...body, start_time: '2030-06-24T10:00:00+02:00' })).toBe(other);
  });

  it('starts a new attempt after reset, for the same request too', () => {
    const keys = new AttemptKeys();
    const first = keys.keyFor(body);
    keys.settled(0);
    keys.reset();
    expect(keys.keyFor(body)).not.toBe(first);
  });
});
