import { messageSchemas } from '@slotkeeper/contracts';
import { describe, expect, it } from 'vitest';
import { SecretBox, secretKeysFromEnv } from '@slotkeeper/secret-box';
import { systemClock } from '@slotkeeper/time';
import { MemorySourceRepository } from '../src/adapters/memory/memory-source-repository.js';
import { newBusySource, urlContext } from '../src/domain/busy-source.js';
import { busyTimesChanged, busyWindow, syncSource, TOO_LONG, type SyncDeps } from '../src/domain/sync-source.js';
import { secretKeys } from './sync-system.js';

const DAY = 86_400_000;

describe('the busy window', () => {
  it('runs from the UTC day before today to windowDays after today, whole days', () => {
    const window = busyWindow(new Date('2030-06-15T17:45:00.000Z'), 365);
    expect(new Date(window.start).toISOString()).toBe('2030-06-14T00:00:00.000Z');
    expect(new Date(window.end).toISOString()).toBe('2031-06-16T00:00:00.000Z');
  });

  it('covers now − 1 day to now + windowDays whatever the time of day, and stays put within a day', () => {
    for (const at of ['2030-06-15T00:00:00.000Z', '2030-06-15T23:59:59.999Z']) {
      const now = Date.parse(at);
      const window = busyWindow(new Date(now), 30);
      expect(window.start).toBeLessThanOrEqual(now - DAY);
      expect(window.end).toBeGreaterThanOrEqual(now + 30 * DAY);
      expect(window).toEqual(busyWindow(new Date('2030-06-15T12:00:00.000Z'), 30));
    }
  });
});

describe('BusyTimesChanged', () => {
  it('carries the whole busy set as [start, end) pairs at its version, valid by the contract', () => {
    const window = busyWindow(new Date('2030-06-15T12:00:00.000Z'), 365);
    const busy = [{ start: window.start + DAY, end: window.start + DAY + 3_600_000 }];
    const source = { id: '111111111111111111111111', calendarId: 'cccccccccccccccccccccccc' };
    const message = busyTimesChanged(source, 3, window, busy, new Date('2030-06-15T12:00:00.000Z'));
    expect(message.type).toBe('BusyTimesChanged');
    expect(messageSchemas.BusyTimesChanged.parse(message.data)).toEqual({
      calendar_id: source.calendarId,
      source_id: source.id,
      version: 3,
      removed: false,
      window_start: '2030-06-14T00:00:00.000Z',
      window_end: '2031-06-16T00:00:00.000Z',
      busy: [[busy[0]!.start, busy[0]!.end]],
    });
  });
});

describe('a sync under its deadline', () => {
  it('when the reader does not answer by the deadline, then the sync records failing with the reason, under its lease', async () => {
    const sources = new MemorySourceRepository();
    const secrets = new SecretBox(secretKeysFromEnv(secretKeys()));
    const id = '111111111111111111111111';
    const now = new Date();
    const source = newBusySource({
      id,
      calendarId: 'cccccccccccccccccccccccc',
      userId: 'aaaaaaaaaaaaaaaaaaaaaaaa',
      kind: 'ics',
      sealedUrl: secrets.seal('https://example.com/a.ics', urlContext(id)),
      createdAt: now,
      ownerZone: 'UTC',
      lease: { token: 't1', until: new Date(now.getTime() + 60_000) },
    });
    await sources.create(source, 10);
    const deps: SyncDeps = {
      sources,
      // A reader that heeds no signal and never answers.
      reader: { read: () => new Promise(() => {}) },
      owners: {
        ownerOf: async (calendarId) => ({
          calendarId,
          userId: 'aaaaaaaaaaaaaaaaaaaaaaaa',
          timezone: 'UTC',
          name: 'Work',
        }),
      },
      secrets,
      outbox: { flush: async () => {} },
      writeJobs: { dropWriteJobs: async () => {} },
      clock: systemClock,
      settings: { intervalMs: 300_000, windowDays: 30 },
    };

    const outcome = await syncSource(source, 't1', deps, { deadline: new Date(now.getTime() + 50) });

    expect(outcome).toMatchObject({
      kind: 'synced',
      published: false,
      source: { status: 'failing', lastError: TOO_LONG },
    });
    expect(await sources.find(id)).toMatchObject({ status: 'failing', lastError: TOO_LONG, lease: null });
  });
});
