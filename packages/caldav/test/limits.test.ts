import { outboundClient } from '@slotkeeper/outbound-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchCalDav, fetchIcs } from '../src/index.js';
import { failureOf } from './events.js';
import { localServer, type LocalServer } from './local-server.js';

const WINDOW = { start: new Date('2026-12-01T00:00:00Z'), end: new Date('2026-12-31T00:00:00Z') };
const SECRET_PATH = '/cal/secret-token-41/feed.ics?auth=q-77';
const CREDENTIALS = { username: 'alice', password: 'pw-limits-3' };
const TOTAL_TIMEOUT_MS = 400;
const MAX_BYTES = 64 * 1024;

describe('a source that is slow, huge, gone or private', () => {
  let silent: LocalServer;
  let huge: LocalServer;

  beforeAll(async () => {
    // Takes the request and never answers.
    silent = await localServer(() => {});
    // A megabyte of busy times, far over the cap; for CalDAV, a real-looking calendar until the REPORT.
    huge = await localServer((request, response) => {
      if (request.method === 'PROPFIND') {
        response.writeHead(207, { 'content-type': 'application/xml' });
        return void response.end(
          '<d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:response><d:href>/c/</d:href>' +
            '<d:propstat><d:prop><d:resourcetype><d:collection/><c:calendar/></d:resourcetype></d:prop>' +
            '<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>',
        );
      }
      response.writeHead(request.method === 'REPORT' ? 207 : 200);
      response.end('x'.repeat(1024 * 1024));
    });
  });
  afterAll(async () => {
    await silent?.close();
    await huge?.close();
  });

  const client = () =>
    outboundClient({ allowPrivate: true, totalTimeoutMs: TOTAL_TIMEOUT_MS, maxResponseBytes: MAX_BYTES });

  it('gives up on a server that never answers within the client’s total timeout', async () => {
    const c = client();
    try {
      const started = performance.now();
      const errors = await Promise.all([
        failureOf(fetchIcs(c, `${silent.url}${SECRET_PATH}`, CREDENTIALS, {})),
        failureOf(fetchCalDav(c, `${silent.url}${SECRET_PATH}`, CREDENTIALS, {}, WINDOW)),
      ]);
      const elapsed = performance.now() - started;

      expect(errors.map((e) => e.kind)).toEqual(['timeout', 'timeout']);
      expect(elapsed).toBeGreaterThanOrEqual(TOTAL_TIMEOUT_MS - 50);
      expect(elapsed).toBeLessThan(TOTAL_TIMEOUT_MS + 1_500);
      for (const error of errors) expectSafe(error.message);
    } finally {
      await c.close();
    }
  });

  it('refuses a body over the size limit, for a feed and for a calendar query', async () => {
    const c = client();
    try {
      const errors = await Promise.all([
        failureOf(fetchIcs(c, `${huge.url}${SECRET_PATH}`, CREDENTIALS, {})),
        failureOf(fetchCalDav(c, `${huge.url}/c/`, CREDENTIALS, {}, WINDOW)),
      ]);

      expect(errors.map((e) => e.kind)).toEqual(['too_large', 'too_large']);
      for (const error of errors) expectSafe(error.message);
    } finally {
      await c.close();
    }
  });

  it('reports a server that is gone as a network error', async () => {
    const gone = await localServer(() => {});
    await gone.close();
    const c = client();
    try {
      const error = await failureOf(fetchIcs(c, `${gone.url}${SECRET_PATH}`, CREDENTIALS, {}));

      expect(error.kind).toBe('network');
      expectSafe(error.message);
    } finally {
      await c.close();
    }
  });

  it('refuses loopback, private and metadata addresses when private addresses are not allowed, before any request', async () => {
    const strict = outboundClient({ allowPrivate: false, totalTimeoutMs: TOTAL_TIMEOUT_MS });
    const before = huge.requests.length;
    try {
      const errors = await Promise.all([
        failureOf(fetchIcs(strict, `${huge.url}${SECRET_PATH}`, CREDENTIALS, {})),
        failureOf(fetchCalDav(strict, `${huge.url}${SECRET_PATH}`, CREDENTIALS, {}, WINDOW)),
        failureOf(fetchIcs(strict, `http://169.254.169.254${SECRET_PATH}`, CREDENTIALS, {})),
        failureOf(fetchIcs(strict, `webcal://10.1.2.3${SECRET_PATH}`, CREDENTIALS, {})),
      ]);

      expect(errors.map((e) => e.kind)).toEqual(['refused', 'refused', 'refused', 'refused']);
      expect(huge.requests.length).toBe(before);
      for (const error of errors) expectSafe(error.message);
    } finally {
      await strict.close();
    }
  });

  it('refuses a URL that is not http, https or webcal', async () => {
    const c = client();
    try {
      const errors = await Promise.all([
        failureOf(fetchIcs(c, 'file:///etc/passwd', null, {})),
        failureOf(fetchIcs(c, 'not a url at all', null, {})),
      ]);

      expect(errors.map((e) => e.kind)).toEqual(['refused', 'refused']);
    } finally {
      await c.close();
    }
  });
});

function expectSafe(message: string): void {
  for (const secret of ['secret-token-41', 'q-77', 'pw-limits-3', '/cal']) expect(message).not.toContain(secret);
}
