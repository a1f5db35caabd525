import { Writable } from 'node:stream';
import { buildEmbeddedSystem } from '@slotkeeper/embedded';
import { createLogger } from '@slotkeeper/observability';
import { apiClient, bearer } from '@slotkeeper/testing/api';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../demo/demo-flow.js';

const SECRET = /\b(sk|ct)_[0-9a-f]{24}_[\w-]{43}/;
const SIGNED_IDENTITY = /v1\.[\w-]+\.[\w-]{43}/;

describe('secrets in logs', () => {
  it('when the whole demo flow runs with every log level on, then no api key, cancel token or signed identity is logged', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, callback) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        callback();
      },
    });
    const system = await buildEmbeddedSystem({
      logger: createLogger({ level: 'trace', destination: sink }),
    });
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
    }
  });
});
