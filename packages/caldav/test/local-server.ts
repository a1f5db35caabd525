import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalServer {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  port: number;
  /** Every request's method, path and headers, in order. */
  requests: { method: string; path: string; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** A node:http server on 127.0.0.1 standing in for a calendar host that misbehaves in a chosen way. */
export async function localServer(handler: http.RequestListener): Promise<LocalServer> {
  const requests: LocalServer['requests'] = [];
  const server = http.createServer((request, response) => {
    requests.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers });
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: async () => {
      // Connections a test left hanging on purpose (the slow server) must not hold the close.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Answer {
  status: number;
  body: string;
}

export interface DavServer extends LocalServer {
  /** Every request's body, in the order of `requests`. */
  bodies: string[];
  /** Forgets the requests and bodies seen so far. */
  reset(): void;
}

/** A local server answering each request, once its body has arrived, with what `answer` gives, as XML. */
export async function davServer(answer: (method: string, body: string) => Answer): Promise<DavServer> {
  const bodies: string[] = [];
  const server = await localServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      bodies.push(body);
      const { status, body: xml } = answer(request.method ?? '', body);
      response.writeHead(status, { 'content-type': 'application/xml; charset=utf-8' }).end(xml);
    });
  });
  return {
    ...server,
    bodies,
    reset: () => {
      server.requests.length = 0;
      bodies.length = 0;
    },
  };
}
