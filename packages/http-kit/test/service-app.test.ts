import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { objectId } from '@slotkeeper/contracts';
import { silentLogger } from '@slotkeeper/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DRAIN_GRACE_MS } from '../src/drain.js';
import { createHttpApp, RETRY_AFTER_SECONDS } from '../src/index.js';

/** A service with one resource, built the way every service and the gateway build theirs. */
function thingsApp(health?: () => Promise<boolean>) {
  const app = createHttpApp({ logger: silentLogger(), ...(health && { health }) });
  app.get('/things/:thing_id', { schema: { params: z.object({ thing_id: objectId }) } }, async (request) => ({
    id: request.params.thing_id,
  }));
  app.delete('/things/:thing_id', async (_request, reply) => reply.code(204).send());
  app.post('/things', { schema: { body: z.object({ name: z.string() }) } }, async (request, reply) =>
    reply.code(201).send(request.body),
  );
  return app;
}

const expectProblem = (response: { statusCode: number; headers: Record<string, unknown>; json(): unknown }) => {
  expect(response.headers['content-type']).toContain('application/problem+json');
  expect(response.headers['x-request-id']).toBeTruthy();
  expect(response.json()).toMatchObject({ status: response.statusCode, type: expect.any(String) });
};

describe('an HTTP app at its edges', () => {
  const app = thingsApp();
  afterAll(() => app.close());

  it.each(['/things', '/things/'])(
    'when %s is asked with a method it does not serve, then 405 lists the methods in Allow',
    async (url) => {
      const response = await app.inject({ method: 'PUT', url, payload: {} });
      expect(response.statusCode).toBe(405);
      expect(response.headers.allow).toBe('POST');
      expectProblem(response);
    },
  );

  it('when a path with a parameter is asked with a wrong method, then Allow lists every method of that path', async () => {
    const response = await app.inject({ method: 'PATCH', url: '/things/665f1c2b9d3e4a0012345678?x=1' });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD, DELETE');
    expect(response.json().detail).toContain('PATCH');
  });

  it('when a path is unknown, then 404 problem+json', async () => {
    const response = await app.inject({ method: 'GET', url: '/nothing/here' });
    expect(response.statusCode).toBe(404);
    expect(response.headers.allow).toBeUndefined();
    expectProblem(response);
  });

  it.each([
    ['text/plain', 'Content-Type text/plain'],
    ['application/x-www-form-urlencoded', 'Content-Type application/x-www-form-urlencoded'],
  ])('when a JSON body is sent as %s, then 415 names the media type', async (type, named) => {
    const response = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { 'content-type': type },
      payload: '{"name":"x"}',
    });
    expect(response.statusCode).toBe(415);
    expectProblem(response);
    expect(response.json().detail).toContain(named);
    expect(response.json().detail).toContain('application/json');
  });

  it('when a request without a body carries a stray Content-Type, then it is served', async () => {
    const response = await app.inject({
      method: 'DELETE',
      url: '/things/665f1c2b9d3e4a0012345678',
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.statusCode).toBe(204);
  });

  it('when the body is application/json with a charset, then it is accepted', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      payload: '{"name":"x"}',
    });
    expect(response.statusCode).toBe(201);
  });

  it.each([25, 101, 600, 5_000])('when an id has %i characters, then 400 names the parameter', async (length) => {
    const response = await app.inject({ method: 'GET', url: `/things/${'a'.repeat(length)}` });
    expect(response.statusCode).toBe(400);
    expectProblem(response);
    expect(response.json().errors).toEqual([{ path: 'params.thing_id', message: expect.any(String) }]);
  });

  it.each(['trace-123', 'a.b:c_d-e', 'x'.repeat(128)])(
    'when the client sends the sane x-request-id %s, then it is echoed',
    async (id) => {
      const response = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': id } });
      expect(response.headers['x-request-id']).toBe(id);
    },
  );

  it.each(['x'.repeat(129), 'has space', 'new\u00e9line', '<script>', ''])(
    'when the client sends the x-request-id %j, then a fresh one replaces it',
    async (id) => {
      const response = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': id } });
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    },
  );

  it('when a dependency is down, then /health is 503 problem+json with Retry-After', async () => {
    const sick = thingsApp(async () => false);
    const response = await sick.inject({ method: 'GET', url: '/health' });
    await sick.close();
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe(String(RETRY_AFTER_SECONDS));
    expectProblem(response);
  });
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request on its own connection, over real HTTP. */
const send = (url: string, path: string, method = 'GET'): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const request = httpRequest(`${url}${path}`, { method, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on('error', reject).end();
  });

describe('an HTTP app on a real socket', () => {
  const app = thingsApp();
  let url: string;
  beforeAll(async () => {
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app.close());

  it("when the URL is larger than the parser's limit, then 431 problem+json with a request id", async () => {
    const response = await send(url, `/things/${'a'.repeat(16 * 1024)}`);
    expect(response.status).toBe(431);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(response.body)).toMatchObject({ status: 431, detail: expect.stringContaining('16 KiB') });
  });

  it('when an id of 10 000 characters fits in the limit, then it is a 400 naming the parameter', async () => {
    const response = await send(url, `/things/${'a'.repeat(10_000)}`);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).errors[0].path).toBe('params.thing_id');
  });
});

describe('an HTTP app closing', () => {
  it('when it closes with a request in flight, then that request finishes, late arrivals get 503 problem+json with Retry-After, and then it stops listening', async () => {
    const app = createHttpApp({ logger: silentLogger() });
    let release = () => {};
    let started = () => {};
    const inFlight = new Promise<void>((resolve) => (started = resolve));
    app.get('/slow', async () => {
      started();
      await new Promise<void>((resolve) => (release = resolve));
      return { done: true };
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });

    const slow = send(url, '/slow');
    await inFlight;
    const closed = app.close();
    const late = await send(url, '/health');
    release();
    const finished = await slow;
    await closed;

    expect(finished.status).toBe(200);
    expect(JSON.parse(finished.body)).toEqual({ done: true });
    expect(finished.headers.connection).toBe('close');
    expect(late.status).toBe(503);
    expect(late.headers['content-type']).toContain('application/problem+json');
    expect(late.headers['retry-after']).toBe(String(RETRY_AFTER_SECONDS));
    expect(late.headers['x-request-id']).toBeTruthy();
    expect(JSON.parse(late.body)).toMatchObject({ status: 503, title: 'Service unavailable' });
    await expect(send(url, '/health')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('when a client is connected but silent, then closing waits for it only as long as the grace, then closes it', async () => {
    const app = createHttpApp({ logger: silentLogger() });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const silent = connect(Number(new URL(url).port), '127.0.0.1');
    const silentClosed = new Promise<number>((resolve) => silent.once('close', () => resolve(Date.now())));
    await new Promise((resolve) => silent.once('connect', resolve));

    const started = Date.now();
    await app.close();

    expect(Date.now() - started).toBeGreaterThanOrEqual(DRAIN_GRACE_MS - 50);
    expect(Date.now() - started).toBeLessThan(DRAIN_GRACE_MS + 1_000);
    expect((await silentClosed) - started).toBeLessThan(DRAIN_GRACE_MS + 1_000);
  });
});
