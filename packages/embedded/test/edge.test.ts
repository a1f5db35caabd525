import { describe, expect, it } from 'vitest';
import { API_ROUTES } from '@slotkeeper/contracts';
import { useHarness } from './harness.js';

const h = useHarness();

describe('the gateway edge', () => {
  it('echoes a client x-request-id, and makes one up otherwise', async () => {
    const given = await h.send('GET', '/health', undefined, { 'x-request-id': 'trace-123' });
    expect(given.headers['x-request-id']).toBe('trace-123');
    const made = await h.send('POST', '/api/user/users', { name: 'x' });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each(['x'.repeat(129), 'two words', '<script>alert(1)</script>', 'id\twith-tab'])(
    'when the client x-request-id is not a sane token (%j), then the answer carries a fresh one',
    async (id) => {
      const res = await h.send('POST', '/api/user/users', { name: 'x' }, { 'x-request-id': id });
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    },
  );

  it('refuses a body over 64 KiB with 413 problem+json, and stores nothing', async () => {
    const res = await h.send('POST', '/api/user/users', { name: 'x'.repeat(70_000), email: 'big@example.com' });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect((await h.send('POST', '/api/user/users', { name: 'ok', email: 'big@example.com' })).status).toBe(201);
  });

  it('answers malformed JSON with 400 problem+json', async () => {
    const res = await h.send('POST', '/api/user/users', '{"name": ');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 400, title: expect.any(String) });
  });

  it.each([101, 500, 5_000])(
    'when an id has %i characters, then 400 problem+json names the parameter (not 414 from the router)',
    async (length) => {
      const res = await h.send(
        'GET',
        `/api/calendar/calendars/${'x'.repeat(length)}/availability?from=2030-06-03T00:00:00Z&to=2030-06-04T00:00:00Z`,
      );
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.headers['x-request-id']).toBeTruthy();
      expect(res.body.errors).toContainEqual({ path: 'params.calendar_id', message: expect.any(String) });
    },
  );

  it('when a JSON body is sent as text/plain, then 415 problem+json names the media type', async () => {
    const res = await h.send('POST', '/api/user/users', '{"name":"Ann","email":"ann@example.com"}', {
      'content-type': 'text/plain',
    });
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.detail).toContain('text/plain');
  });

  const paths = [...new Set(API_ROUTES.map((route) => route.path))];
  it.each(
    paths.map(
      (path) => [path, API_ROUTES.filter((route) => route.path === path).map((route) => route.method)] as const,
    ),
  )('when %s is asked with a method it does not serve, then 405 problem+json with Allow: %s', async (url, methods) => {
    const path = url.replace(/:\w+/g, '0123456789abcdef01234567');
    const served = [...methods, ...(methods.includes('GET') ? ['HEAD'] : [])];
    for (const variant of [path, `${path}/`]) {
      // No route is declared with PUT (contracts' HttpMethod has none).
      const res = await h.gateway.inject({ method: 'PUT', url: variant, payload: {} });
      expect(res.statusCode, variant).toBe(405);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.headers['x-request-id']).toBeTruthy();
      expect(String(res.headers.allow).split(', ').sort()).toEqual(served.sort());
    }
  });

  it('answers an unknown route with 404 problem+json', async () => {
    const res = await h.send('GET', '/api/nothing/here');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it.each(API_ROUTES.map((route) => [route.method, route.path, route] as const))(
    '%s %s is routed with and without a trailing slash',
    async (method, url, route) => {
      const path = url.replace(/:\w+/g, '0123456789abcdef01234567');
      for (const variant of [path, `${path}/`]) {
        const res = await h.gateway.inject({ method, url: variant, ...(route.schema.body && { payload: {} }) });
        // Whatever the service says of these ids and bodies, the router found a route for it.
        expect(res.statusCode, variant).not.toBe(405);
        expect(res.body ? res.json().detail : '').not.toMatch(/^no route/);
      }
    },
  );

  it('reports health', async () => {
    expect((await h.send('GET', '/health')).body).toEqual({ status: 'ok' });
  });

  it('serves an OpenAPI document with every contract route, and a reference page', async () => {
    const doc = (await h.send('GET', '/docs/json')).body;
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    for (const route of API_ROUTES) {
      expect(documented).toContain(`${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
    }
    const page = await h.gateway.inject({ method: 'GET', url: '/docs/' });
    expect([200, 302]).toContain(page.statusCode);
  });
});
