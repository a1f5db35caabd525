import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { IDENTITY_HEADER, internalKeys, signIdentity } from '@slotkeeper/auth';
import { silentLogger } from '@slotkeeper/observability';
import { ManualClock } from '@slotkeeper/time';
import { buildUserApp, MemoryUserRepository } from '@slotkeeper/user-service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEmbeddedSystem } from '../src/embedded.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request over a real socket, as a client sends it (the parser's limits apply). */
const send = (url: string, method = 'GET'): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on('error', reject).end();
  });

describe('the gateway on a real socket', () => {
  let system: Awaited<ReturnType<typeof buildEmbeddedSystem>>;
  let base: string;
  beforeAll(async () => {
    system = await buildEmbeddedSystem({ logger: silentLogger() });
    base = await system.gateway.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => system.gateway.close());

  it('when the URL is 16 KB, then 431 problem+json with an x-request-id, not the parser’s own JSON', async () => {
    const response = await send(`${base}/api/user/users/${'a'.repeat(16 * 1024)}`);
    expect(response.status).toBe(431);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(response.body)).toMatchObject({ status: 431, title: 'Request header fields too large' });
  });

  it('when the request is not valid HTTP, then 400 problem+json', async () => {
    const { port } = new URL(base);
    const answer = await new Promise<string>((resolve, reject) => {
      let text = '';
      connect(Number(port), '127.0.0.1')
        .on('connect', function (this: Socket) {
          this.write('GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n');
        })
        .on('data', (chunk) => (text += String(chunk)))
        .on('close', () => resolve(text))
        .on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toMatch(/content-type: application\/problem\+json/i);
    expect(answer).toMatch(/x-request-id: [0-9a-f-]{36}/i);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 400 });
  });

  it('when a known path is asked with a wrong method, then 405 with Allow over HTTP as well', async () => {
    const response = await send(`${base}/api/event/events/`, 'GET');
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('POST');
    expect(response.headers['x-request-id']).toBeTruthy();
  });
});

describe('a service behind the gateway', () => {
  it('when a known path is asked with a wrong method, then the service too answers 405 with Allow', async () => {
    const { identity } = internalKeys(randomBytes(32).toString('hex'));
    const users = buildUserApp({
      users: new MemoryUserRepository(),
      clock: new ManualClock('2030-06-01T00:00:00Z'),
      logger: silentLogger(),
      identityKey: identity,
    });
    const response = await users.inject({
      method: 'DELETE',
      url: '/api/user/users',
      headers: { [IDENTITY_HEADER]: signIdentity({ kind: 'anonymous' }, identity) },
    });
    await users.close();
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('POST');
    expect(response.headers['content-type']).toContain('application/problem+json');
  });
});
