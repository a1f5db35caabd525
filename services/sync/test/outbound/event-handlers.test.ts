/**
 * The outbound half's message handlers: the events projection (newest version wins, whatever the
 * order) and the write-back jobs they record, never a call to a CalDAV server.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createEnvelope } from '@slotkeeper/contracts';
import { describe, expect, it, onTestFinished } from 'vitest';
import { canceled, CAL, eventData, eventId, OTHER_CAL, outbound, rescheduled, SOURCE } from './outbound-fixtures.js';

const MOVED_START = '2030-06-25T14:00:00.000Z';
const MOVED_END = '2030-06-25T15:00:00.000Z';

describe('events projection', () => {
  it('when the versions of an event arrive in any order, then the newest stands', async () => {
    const id = eventId();
    const sys = outbound();
    await sys.handlers.EventCanceled(canceled(id, 3, { start_time: MOVED_START, end_time: MOVED_END }));
    await sys.handlers.EventRescheduled(rescheduled(id, 2, MOVED_START, MOVED_END));
    await sys.handlers.EventBooked(eventData(id));

    const stored = await sys.store.findEvent(id);
    expect(stored).toMatchObject({
      id,
      calendarId: CAL,
      status: 'canceled',
      version: 3,
      start: new Date(MOVED_START),
      end: new Date(MOVED_END),
      title: 'Intro call',
      bookerName: 'Bea Booker',
      notes: 'About the roadmap, Q3; and Q4',
    });
  });

  it('when a booking, its reschedule and a repeat of the booking arrive, then the reschedule stands', async () => {
    const id = eventId();
    const sys = outbound();
    await sys.handlers.EventBooked(eventData(id));
    await sys.handlers.EventRescheduled(rescheduled(id, 2, MOVED_START, MOVED_END));
    await sys.handlers.EventBooked(eventData(id));
    expect(await sys.store.findEvent(id)).toMatchObject({
      version: 2,
      status: 'confirmed',
      start: new Date(MOVED_START),
    });
  });

  it("when a message's envelope is given, then its publication time is the copy's last change", async () => {
    const id = eventId();
    const sys = outbound();
    const message = createEnvelope('EventBooked', eventData(id), new Date('2030-06-20T07:00:05.000Z'));
    await sys.handlers.EventBooked(message.data, message);
    expect((await sys.store.findEvent(id))?.updatedAt).toEqual(new Date('2030-06-20T07:00:05.000Z'));
  });

  it('when no envelope is given, then the time of handling is', async () => {
    const id = eventId();
    const sys = outbound();
    await sys.handlers.EventBooked(eventData(id));
    expect((await sys.store.findEvent(id))?.updatedAt).toEqual(sys.clock.now());
  });
});

describe('write-back jobs recorded by the handlers', () => {
  const target = (calendarId = CAL, sourceId = SOURCE) => ({
    sourceId,
    calendarId,
    url: 'http://127.0.0.1:9/alice/work/',
    credentials: null,
  });

  it('when a calendar has write-back targets, then a booking records one pending job per target', async () => {
    const id = eventId();
    const sys = outbound();
    const second = '5050505050505050505050bb';
    sys.targets.targets = [target(), target(CAL, second), target(OTHER_CAL, '5050505050505050505050cc')];
    await sys.handlers.EventBooked(eventData(id));

    for (const sourceId of [SOURCE, second]) {
      expect(await sys.store.findWriteJob(sourceId, id)).toEqual({
        sourceId,
        calendarId: CAL,
        eventId: id,
        version: 1,
        state: 'pending',
        attempts: 0,
        nextAttemptAt: sys.clock.now(),
        lastError: null,
      });
    }
    expect(await sys.store.findWriteJob('5050505050505050505050cc', id)).toBeNull();
  });

  it("when a target's secrets cannot be opened, then its job is recorded all the same, and no secret is opened for any", async () => {
    const id = eventId();
    const sys = outbound();
    const readable = '5050505050505050505050bb';
    sys.targets.targets = [target(), target(CAL, readable)];
    // Its key left SECRET_KEYS (rotated in the wrong order on this instance): the job waits for it.
    sys.targets.unreadable.add(SOURCE);

    await sys.handlers.EventBooked(eventData(id));

    expect(await sys.store.findWriteJob(SOURCE, id)).toMatchObject({ state: 'pending', version: 1 });
    expect(await sys.store.findWriteJob(readable, id)).toMatchObject({ state: 'pending', version: 1 });
    expect(sys.targets.opened).toBe(0);
  });

  it('when a calendar has no target, then nothing is recorded but the projection', async () => {
    const id = eventId();
    const sys = outbound();
    await sys.handlers.EventBooked(eventData(id));
    expect(await sys.store.findWriteJob(SOURCE, id)).toBeNull();
    expect(await sys.store.findEvent(id)).not.toBeNull();
  });

  it('when a newer version arrives, then it replaces the pending job; an older one afterwards changes nothing', async () => {
    const id = eventId();
    const sys = outbound();
    sys.targets.targets = [target()];
    await sys.handlers.EventBooked(eventData(id));
    await sys.handlers.EventCanceled(canceled(id, 2));
    await sys.handlers.EventBooked(eventData(id));
    expect(await sys.store.findWriteJob(SOURCE, id)).toMatchObject({ version: 2, state: 'pending', attempts: 0 });
  });

  it('when the target is a server that never answers, then the handler still returns at once, without calling it', async () => {
    const connections: Socket[] = [];
    const silent: Server = createServer((socket) => void connections.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    onTestFinished(async () => {
      connections.forEach((socket) => socket.destroy());
      await new Promise((resolve) => silent.close(resolve));
    });
    const { port } = silent.address() as AddressInfo;
    const id = eventId();
    const sys = outbound();
    sys.targets.targets = [{ ...target(), url: `http://127.0.0.1:${port}/alice/work/` }];

    const started = performance.now();
    await sys.handlers.EventBooked(eventData(id));
    expect(performance.now() - started).toBeLessThan(200);
    expect(connections).toHaveLength(0);
    expect(await sys.store.findWriteJob(SOURCE, id)).toMatchObject({ state: 'pending' });
  });
});
