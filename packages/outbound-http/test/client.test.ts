import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  OutboundFailed,
  OutboundTimeout,
  OutboundTooLarge,
  OutboundUrlRefused,
  checkOutboundUrl,
  outboundClient,
  type OutboundClient,
  type OutboundClientOptions,
  type Resolve,
} from '../src/index.js';

interface Seen {
  method: string;
  url: string;
  host: string;
  authorization: string | undefined;
  body: string;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** A server on 127.0.0.1 that records what reached it. */
async function server(handle: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const seen: Seen[] = [];
  const srv = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        host: req.headers.host ?? '',
        authorization: req.headers.authorization,
        body,
      });
      handle(req, res);
    });
  });
  await new Promise<void>((done) => srv.listen(0, '127.0.0.1', done));
  cleanups.push(async () => {
    srv.closeAllConnections();
    await new Promise((done) => srv.close(done));
  });
  let connections = 0;
  srv.on('connection', () => connections++);
  return { port: (srv.address() as AddressInfo).port, seen, connections: () => connections };
}

function client(options: OutboundClientOptions): OutboundClient {
  const c = outboundClient(options);
  cleanups.push(() => c.close());
  return c;
}

/**
 * The test's stand-in for the internet: `*.public.test` names resolve to 127.0.0.1, which the
 * injected policy treats as public; `internal.test` resolves to a private address (never dialled:
 * the connector refuses it first).
 */
const testDns: Resolve = async (host) => {
  if (host.endsWith('public.test')) return [{ address: '127.0.0.1', family: 4 }];
  if (host === 'internal.test') return [{ address: '10.0.0.1', family: 4 }];
  throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
};
const internetOf127 = { allowPrivate: false, resolve: testDns, isAllowedAddress: (a: string) => a === '127.0.0.1' };
const ok = (_req: http.IncomingMessage, res: http.ServerResponse) => res.end('hello');

describe('outboundClient: private addresses', () => {
  it.each(['localhost', '127.0.0.1', '[::1]', '2130706433', '0x7f.1'])(
    'when the host is %s and private URLs are not allowed, then nothing is sent and the call is refused',
    async (host) => {
      const { port, seen } = await server(ok);
      const call = client({ allowPrivate: false }).request(`http://${host}:${port}/`);
      await expect(call).rejects.toBeInstanceOf(OutboundUrlRefused);
      expect(seen).toHaveLength(0);
    },
  );

  it('when private URLs are allowed, then 127.0.0.1 is reached', async () => {
    const { port } = await server(ok);
    const response = await client({ allowPrivate: true }).request(`http://127.0.0.1:${port}/x`);
    expect(response).toMatchObject({ statusCode: 200, body: 'hello', url: `http://127.0.0.1:${port}/x` });
  });

  it('when a name passed the check at creation but resolves privately later (rebinding), then the connection is refused', async () => {
    const { port, seen } = await server(ok);
    let calls = 0;
    const rebinding: Resolve = async () => [{ address: calls++ === 0 ? '127.0.0.1' : '10.0.0.1', family: 4 }];
    const options = { ...internetOf127, resolve: rebinding };
    expect((await checkOutboundUrl(`http://rebind.test:${port}/`, options)).ok).toBe(true);
    await expect(client(options).request(`http://rebind.test:${port}/`)).rejects.toBeInstanceOf(OutboundUrlRefused);
    expect(seen).toHaveLength(0);
  });
});

describe('outboundClient: redirects', () => {
  it.each([
    'http://internal.test/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]:1/',
    'http://127.0.0.2/',
  ])('when an allowed host redirects to %s, then the redirect is refused', async (location) => {
    const { port, seen } = await server((_req, res) => res.writeHead(302, { location }).end());
    const call = client({ ...internetOf127, maxRedirects: 5 }).request(`http://cal.public.test:${port}/`);
    await expect(call).rejects.toBeInstanceOf(OutboundUrlRefused);
    expect(seen).toHaveLength(1);
  });

  const countdown = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const left = Number(req.url?.slice(1) ?? 0);
    if (left > 0) res.writeHead(302, { location: `/${left - 1}` }).end();
    else res.end('arrived');
  };

  it('when the chain is as long as maxRedirects, then it is followed to the end', async () => {
    const { port, seen } = await server(countdown);
    const response = await client({ ...internetOf127, maxRedirects: 3 }).request(`http://cal.public.test:${port}/3`);
    expect(response).toMatchObject({ statusCode: 200, body: 'arrived', url: `http://cal.public.test:${port}/0` });
    expect(seen).toHaveLength(4);
  });

  it('when the chain is one longer than maxRedirects, then the call fails after maxRedirects redirects', async () => {
    const { port, seen } = await server(countdown);
    const call = client({ ...internetOf127, maxRedirects: 3 }).request(`http://cal.public.test:${port}/4`);
    await expect(call).rejects.toThrow(OutboundFailed);
    await expect(call).rejects.toThrow(/more than 3 redirects/);
    expect(seen).toHaveLength(4);
  });

  it('when maxRedirects is 0 (webhooks), then a redirect is returned as the response and not followed', async () => {
    const { port, seen } = await server(countdown);
    const response = await client(internetOf127).request(`http://hooks.public.test:${port}/1`, {
      method: 'POST',
      body: '{}',
    });
    expect(response.statusCode).toBe(302);
    expect(seen).toHaveLength(1);
  });

  it('when a redirect leaves the origin, then the Authorization header is not sent to the new origin', async () => {
    const { port, seen } = await server((req, res) => {
      if (req.headers.host?.startsWith('a.public.test'))
        res.writeHead(307, { location: `http://b.public.test:${port}/` }).end();
      else res.end('b');
    });
    await client({ ...internetOf127, maxRedirects: 1 }).request(`http://a.public.test:${port}/`, {
      headers: { authorization: 'Basic c2VjcmV0' },
    });
    expect(seen.map((s) => [s.host.split(':')[0], s.authorization])).toEqual([
      ['a.public.test', 'Basic c2VjcmV0'],
      ['b.public.test', undefined],
    ]);
  });

  it('when a POST is redirected with 303, then the next request is a GET without the body', async () => {
    const { port, seen } = await server((req, res) => {
      if (req.url === '/form') res.writeHead(303, { location: '/done' }).end();
      else res.end('done');
    });
    await client({ ...internetOf127, maxRedirects: 1 }).request(`http://cal.public.test:${port}/form`, {
      method: 'POST',
      body: 'payload',
    });
    expect(seen.map((s) => [s.method, s.body])).toEqual([
      ['POST', 'payload'],
      ['GET', ''],
    ]);
  });
});

describe('outboundClient: limits', () => {
  it('when the server does not answer within headersTimeoutMs, then the call times out', async () => {
    const { port } = await server((_req, res) => setTimeout(() => res.end('late'), 2_000));
    const call = client({ allowPrivate: true, headersTimeoutMs: 200 }).request(`http://127.0.0.1:${port}/`);
    await expect(call).rejects.toBeInstanceOf(OutboundTimeout);
  });

  it('when the body keeps trickling past totalTimeoutMs, then the call times out', async () => {
    const { port } = await server((_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write('.'), 50);
      res.on('close', () => clearInterval(timer));
    });
    const started = Date.now();
    const call = client({ allowPrivate: true, bodyTimeoutMs: 1_000, totalTimeoutMs: 400 }).request(
      `http://127.0.0.1:${port}/`,
    );
    await expect(call).rejects.toThrow(/no complete answer within 400 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it.each([
    ['with a Content-Length', true],
    ['streamed without a Content-Length', false],
  ])(
    'when the response is larger than maxResponseBytes (%s), then the call fails as too large',
    async (_name, withLength) => {
      const big = 'x'.repeat(64 * 1024);
      const { port } = await server((_req, res) => {
        if (withLength) res.writeHead(200, { 'content-length': String(big.length) }).end(big);
        else {
          res.writeHead(200);
          for (let i = 0; i < 4; i++) res.write(big.slice(0, 16 * 1024));
          res.end();
        }
      });
      const call = client({ allowPrivate: true, maxResponseBytes: 10_000 }).request(`http://127.0.0.1:${port}/`);
      await expect(call).rejects.toBeInstanceOf(OutboundTooLarge);
    },
  );
});

describe('outboundClient: discarding the body', () => {
  it.each([
    ['with a Content-Length', true],
    ['streamed without a Content-Length', false],
  ])(
    'when the body is larger than maxResponseBytes (%s) and the caller discards it, then the call answers the status',
    async (_name, withLength) => {
      const big = Buffer.alloc(2 * 1024 * 1024, 'x');
      const { port } = await server((_req, res) => {
        if (withLength) res.writeHead(200, { 'content-length': String(big.length) }).end(big);
        else res.writeHead(200).end(big);
      });
      const response = await client({ allowPrivate: true, maxResponseBytes: 64 * 1024 }).request(
        `http://127.0.0.1:${port}/`,
        { method: 'POST', body: '{}', discardBody: true },
      );
      expect(response).toMatchObject({ statusCode: 200, body: '' });
    },
  );

  it('when the body trickles for ever and the caller discards it, then the call answers at once and the connection is closed', async () => {
    let closed!: () => void;
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
    const { port } = await server((_req, res) => {
      res.writeHead(201).flushHeaders();
      const timer = setInterval(() => res.write('.'), 50);
      res.on('close', () => {
        clearInterval(timer);
        closed();
      });
    });
    const started = performance.now();
    const response = await client({ allowPrivate: true, bodyTimeoutMs: 5_000, totalTimeoutMs: 5_000 }).request(
      `http://127.0.0.1:${port}/`,
      { discardBody: true },
    );
    expect(response).toMatchObject({ statusCode: 201, body: '' });
    await connectionClosed;
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('when a short body has arrived and the caller discards it, then the next call reuses the connection', async () => {
    const { port, connections } = await server(ok);
    const c = client({ allowPrivate: true });
    for (let i = 0; i < 3; i++) {
      expect(await c.request(`http://127.0.0.1:${port}/`, { discardBody: true })).toMatchObject({ body: '' });
      // The pool takes the socket back a moment after the answer (the same when the body is read).
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(connections()).toBe(1);
  });
});

describe('outboundClient: error messages', () => {
  it('when a call fails, then its message names the origin but not the password, the Authorization value, the path or the body', async () => {
    const secret = 'hunter2-secret-value';
    const messages: string[] = [];
    const { port } = await server((_req, res) => setTimeout(() => res.end(), 2_000));
    const c = client({ allowPrivate: true, headersTimeoutMs: 200 });
    for (const call of [
      () => c.request(`http://alice:${secret}@127.0.0.1:${port}/`),
      () =>
        c.request(`http://127.0.0.1:${port}/private-${secret}/basic.ics`, {
          headers: { Authorization: `Bearer ${secret}` },
          method: 'POST',
          body: secret,
        }),
      () => c.request(`http://127.0.0.1:1/`, { headers: { Authorization: `Bearer ${secret}` } }),
      () =>
        client({ allowPrivate: false }).request(`http://127.0.0.1:${port}/${secret}`, {
          headers: { Authorization: `Bearer ${secret}` },
        }),
    ]) {
      const error: unknown = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      messages.push(String(error), JSON.stringify(error), (error as Error).stack ?? '');
    }
    expect(messages.join('\n')).not.toContain(secret);
    expect(messages.join('\n')).toContain(`http://127.0.0.1:${port}`);
    expect(messages.join('\n')).toMatch(/request failed \(ECONNREFUSED\)/);
  });
});
