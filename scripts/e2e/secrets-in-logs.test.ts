import { Writable } from 'node:stream';
import { buildEmbeddedSystem, type EmbeddedOptions } from '@slotkeeper/embedded';
import { createLogger } from '@slotkeeper/observability';
import { ALL_DAYS, apiClient, apiSetup, bearer, booking, weekly } from '@slotkeeper/testing/api';
import { startWebhookReceiver } from '@slotkeeper/testing/webhooks';
import { systemClock } from '@slotkeeper/time';
import { describe, expect, it, vi } from 'vitest';
import { runDemo } from '../demo/demo-flow.js';

const SECRET = /\b(sk|ct)_[0-9a-f]{24}_[\w-]{43}/;
const SIGNED_IDENTITY = /v1\.[\w-]+\.[\w-]{43}/;

type Notifier = NonNullable<EmbeddedOptions['notifier']>;
type Notification = Parameters<Notifier['send']>[0];

/** The embedded system logging every level into `lines`, with the notifier given (the log notifier by default). */
async function loggedSystem(lines: string[], notifier?: Notifier, options: Partial<EmbeddedOptions> = {}) {
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      callback();
    },
  });
  return buildEmbeddedSystem({
    logger: createLogger({ level: 'trace', destination: sink }),
    ...(notifier && { notifier }),
    ...options,
  });
}

describe('secrets in logs', () => {
  it('when the whole demo flow runs with every log level on, then no api key, cancel token or signed identity is logged', async () => {
    const lines: string[] = [];
    const system = await loggedSystem(lines);
    const url = await system.gateway.listen({ port: 0, host: '127.0.0.1' });
    const report = await runDemo(url);
    const { alice, carolsCancelToken } = report.credentials;
    // Refused credentials are logged as refusals, never with the credential itself.
    const eventId = report.steps.find((s) => s.step === 'book Alice 16:00 Berlin')!.result;
    const client = apiClient(url);
    const event = { params: { path: { event_id: eventId } } };
    for (const authorization of [`Bearer ${alice}x`, `Basic ${alice}`, `Bearer ${carolsCancelToken}`]) {
      await client.GET('/api/event/events/{event_id}', { ...event, headers: { authorization } });
    }
    await client.DELETE('/api/event/events/{event_id}', { ...event, headers: bearer(carolsCancelToken) });
    await system.gateway.close();

    expect(lines.length).toBeGreaterThan(50);
    expect(lines.some((line) => line.includes(eventId))).toBe(true);
    for (const line of lines) {
      expect(line).not.toMatch(SECRET);
      expect(line).not.toMatch(SIGNED_IDENTITY);
      expect(line).not.toContain(alice.slice(-43));
      expect(line).not.toContain(carolsCancelToken.slice(-43));
      expect(line.toLowerCase()).not.toContain('bearer');
      // The booker's mails link to their booking with the token in the fragment.
      expect(line).not.toContain('#token=');
    }
  });

  it("when the booker's mails carry their link with the cancel token, then neither the link nor the token reaches a log line", async () => {
    const lines: string[] = [];
    const sent: Notification[] = [];
    // Keeps the mails instead of logging them: the test reads the token they carry.
    const system = await loggedSystem(lines, { send: async (notification) => void sent.push(notification) });
    const url = await system.gateway.listen({ port: 0, host: '127.0.0.1' });
    const report = await runDemo(url);
    await system.gateway.close();

    const carolsToken = report.credentials.carolsCancelToken;
    const eventId = report.steps.find((s) => s.step === 'book Alice 16:00 Berlin')!.result;
    const carols = sent.find((n) => n.kind === 'booked' && n.audience === 'booker' && n.event.id === eventId);
    expect(carols?.text).toContain(`#token=${carolsToken}`);
    expect(lines.some((line) => line.includes(eventId))).toBe(true);
    for (const line of lines) {
      expect(line).not.toMatch(SECRET);
      expect(line).not.toContain(carolsToken.slice(-43));
      expect(line).not.toContain('#token=');
    }
  });

  it("when a webhook is created and its deliveries fail and succeed, then neither its secret nor a request's or answer's body reaches a log line", async () => {
    const lines: string[] = [];
    const receiverSays = 'receiver-answer-body-7f3a';
    const receiver = await startWebhookReceiver((n) => (n === 1 ? { status: 500, body: receiverSays } : 204));
    const system = await loggedSystem(lines, undefined, {
      allowPrivateUrls: true,
      webhooks: { clock: systemClock, retryDelaysMs: [20] },
    });
    const url = await system.gateway.listen({ port: 0, host: '127.0.0.1' });
    const client = apiClient(url);
    const api = apiSetup(client);
    const owner = await api.user({ name: 'Owner', timezone: 'UTC' });
    const hours = await api.schedule(owner, { name: 'Always', time_slots: weekly(ALL_DAYS, ['00:00', '24:00']) });
    const calendar = await api.calendar(owner, [hours.id], { meeting_duration_minutes: 30 });
    const created = await client.POST('/api/user/users/{user_id}/webhooks', {
      params: { path: { user_id: owner.id } },
      headers: bearer(owner.api_key),
      body: { url: receiver.url, events: ['event.booked'] },
    });
    const secret = created.data!.secret;
    const notes = 'notes-only-in-the-payload-91c2';
    const start = new Date(Date.now() + 7 * 86_400_000);
    start.setUTCHours(10, 0, 0, 0);
    await api.book(
      booking(calendar.id, start.toISOString(), new Date(start.getTime() + 30 * 60_000).toISOString(), {
        booked_by: 'ann@example.com',
        notes,
      }),
    );
    await vi.waitFor(() => expect(receiver.received).toHaveLength(2), { timeout: 5_000 });
    await system.gateway.close();
    await receiver.close();

    expect(receiver.verified(secret)).toHaveLength(2);
    expect(lines.filter((line) => line.includes('webhook attempt'))).toHaveLength(2);
    for (const line of lines) {
      expect(line).not.toContain(secret.slice('whsec_'.length));
      expect(line).not.toContain(notes);
      expect(line).not.toContain(receiverSays);
      expect(line).not.toContain('/hooks');
    }
  });
});
