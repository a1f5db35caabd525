/**
 * The benchmarks' measuring client: keep-alive connections of their own, each call timed, and
 * nothing between the timer and the socket. Setup requests go through `@slotkeeper/testing/api`.
 */
import { Pool } from 'undici';

/** A benchmark's table: one row a case. */
export type Rows = Array<Record<string, string | number>>;

export interface Timed {
  status: number;
  ms: number;
  body: string;
}

export function benchClient(url: string, connections: number) {
  const pool = new Pool(url, { connections });
  const call = async (
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Timed> => {
    const start = performance.now();
    const response = await pool.request({
      method,
      path,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.body.text();
    return { status: response.statusCode, ms: performance.now() - start, body: text };
  };
  const json = async (method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const result = await call(method, path, body, headers);
    if (result.status >= 300) throw new Error(`${method} ${path}: ${result.status} ${result.body}`);
    return JSON.parse(result.body) as { id: string } & Record<string, unknown>;
  };
  return { call, json, close: () => pool.close() };
}
