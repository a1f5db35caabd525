import { createHttpApp, type HttpApp } from '@slotkeeper/http-kit';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CalendarPublic, PageData } from '../src/app/page-data.js';
import { ensureBuilt } from '../src/server/build.js';
import { bookingPages, type PublicLookup } from '../src/server/pages-plugin.js';

// A logger that drops everything. `@slotkeeper/observability` (silentLogger) is not a dependency
// of this package; Fastify asks a logger instance for these methods only.
const silent = {
  level: 'silent',
  fatal: () => {},
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
  trace: () => {},
  silent: () => {},
  child: () => silent,
};
type Logger = Parameters<typeof createHttpApp>[0]['logger'];

const calendar = (id: string, name: string): CalendarPublic => ({
  id,
  name,
  owner_name: 'Ann Lee',
  timezone: 'Europe/Berlin',
  meeting_duration_minutes: 30,
  slot_interval_minutes: null,
  booking_horizon_days: 60,
  min_notice_minutes: 120,
});

const INTRO = calendar('0123456789abcdef01234567', 'Intro call');
const HOSTILE_NAME = `</script><script>alert(1)</script> & "quotes" 'too' <!-- \u2028 </title> costs $& $\` $' $$ 50`;
const HOSTILE = calendar('0123456789abcdef0123abcd', HOSTILE_NAME);
const DOWN = 'dddddddddddddddddddddddd';
const UNKNOWN = 'ffffffffffffffffffffffff';
const EVENT = '65a1b2c3d4e5f60718293a4b';
const MALFORMED = ['not-an-id', '0123456789abcdef0123456', '0123456789ABCDEF01234567', '0123456789abcdef012345678'];

/** The calendar service's answers, as the gateway's lookup would report them; the ids it was asked. */
const known = new Map([INTRO, HOSTILE].map((entry) => [entry.id, entry]));
const asked: string[] = [];
async function lookUpCalendar(calendarId: string): Promise<PublicLookup> {
  asked.push(calendarId);
  if (calendarId === DOWN) return { unavailable: true };
  const found = known.get(calendarId);
  return found ? { found: true, calendar: found } : { found: false };
}

const pageDataOf = (html: string): PageData => {
  const match = /<script type="application\/json" id="page-data">([\s\S]*?)<\/script>/.exec(html);
  if (!match) throw new Error('no page data in the page');
  return JSON.parse(match[1]!) as PageData;
};
const titleOf = (html: string) => /<title>([\s\S]*?)<\/title>/.exec(html)?.[1];
const unescapeHtml = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
const scriptTags = (html: string) => html.match(/<script\b/g)?.length ?? 0;
/** The assets a page loads: its `src` and `href` under /assets/. */
const assetsOf = (html: string) => [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]!);

let app: HttpApp;
let folder: string;
let built: string;

beforeAll(async () => {
  folder = await ensureBuilt();
  built = await readFile(join(folder, 'index.html'), 'utf8');
  app = createHttpApp({ logger: silent as unknown as Logger });
  await bookingPages(app, { lookUpCalendar });
  await app.ready();
}, 60_000);
afterAll(() => app.close());

const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

/** What every HTML answer carries: our own origin only, no inline script, and no stale copies. */
function expectPageHeaders(headers: Record<string, unknown>) {
  expect(headers['content-type']).toBe('text/html; charset=utf-8');
  const policy = String(headers['content-security-policy']);
  expect(policy.split(';').map((directive) => directive.trim())).toContain("script-src 'self'");
  expect(policy).not.toContain('unsafe-inline');
  expect(policy).not.toContain('unsafe-eval');
  expect(headers['cache-control']).toBe('no-cache');
}

describe('GET /book/{calendar_id}', () => {
  it('when the calendar exists, then the page names it and carries its public facts for the app', async () => {
    const response = await get(`/book/${INTRO.id}`);

    expect(response.statusCode).toBe(200);
    expectPageHeaders(response.headers);
    expect(titleOf(response.body)).toBe('Book: Intro call');
    expect(pageDataOf(response.body)).toEqual({ page: 'book', calendar: INTRO });
    expect(assetsOf(response.body)).toEqual(assetsOf(built));
  });

  it('when the calendar is named like markup, then the name stays data: the JSON parses back and the title is escaped', async () => {
    const response = await get(`/book/${HOSTILE.id}`);

    expect(response.statusCode).toBe(200);
    expect(pageDataOf(response.body)).toEqual({ page: 'book', calendar: HOSTILE });
    const title = titleOf(response.body)!;
    expect(title).not.toMatch(/[<>"']/);
    expect(unescapeHtml(title)).toBe(`Book: ${HOSTILE_NAME}`);
    // Only the page's own script elements: the built one and the page data.
    expect(scriptTags(response.body)).toBe(scriptTags(built) + 1);
    expect(response.body).not.toContain('<script>alert(1)');
  });

  it('when the calendar is unknown, then a human 404 page says so', async () => {
    for (const url of [`/book/${UNKNOWN}`, `/book/${UNKNOWN}/`]) {
      const response = await get(url);

      expect(response.statusCode, url).toBe(404);
      expectPageHeaders(response.headers);
      expect(response.body).toContain('<h1>Page not found</h1>');
      expect(response.body).not.toContain('id="page-data"');
    }
  });

  it('when the id is malformed, then a human 404 page, and the calendar service is not asked', async () => {
    const before = asked.length;
    for (const id of MALFORMED) {
      for (const url of [`/book/${id}`, `/book/${id}/`]) {
        const response = await get(url);

        expect(response.statusCode, url).toBe(404);
        expectPageHeaders(response.headers);
        expect(response.body).toContain('<h1>Page not found</h1>');
      }
    }
    expect(asked.length).toBe(before);
  });

  it('when the calendar service is unavailable, then a 503 page asks to retry after a few seconds', async () => {
    const response = await get(`/book/${DOWN}`);

    expect(response.statusCode).toBe(503);
    expectPageHeaders(response.headers);
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(response.body).toContain('<h1>Please try again in a moment</h1>');
    expect(response.body).not.toContain('id="page-data"');
  });
});

describe('GET /booking/{event_id}', () => {
  it('when the id is well formed, then the manage page with the event id as its data', async () => {
    for (const url of [`/booking/${EVENT}`, `/booking/${EVENT}/`]) {
      const response = await get(url);

      expect(response.statusCode, url).toBe(200);
      expectPageHeaders(response.headers);
      expect(pageDataOf(response.body)).toEqual({ page: 'booking', event_id: EVENT });
    }
  });

  it('when the id is malformed, then a human 404 page', async () => {
    for (const id of MALFORMED) {
      const response = await get(`/booking/${id}`);

      expect(response.statusCode, id).toBe(404);
      expectPageHeaders(response.headers);
      expect(response.body).toContain('<h1>Page not found</h1>');
    }
  });
});

describe('GET /assets/…', () => {
  it('every asset the built index.html loads is served', async () => {
    const assets = assetsOf(built);
    expect(assets.some((path) => path.endsWith('.js'))).toBe(true);
    for (const path of assets) expect((await get(path)).statusCode, path).toBe(200);
  });

  it('the script is sent brotli- or gzip-compressed as the browser accepts, kept for a year', async () => {
    const script = assetsOf(built).find((path) => path.endsWith('.js'))!;
    const raw = await readFile(join(folder, script));
    const cases = [
      { accept: 'br', encoding: 'br', decode: brotliDecompressSync },
      { accept: 'gzip', encoding: 'gzip', decode: gunzipSync },
      { accept: 'gzip, deflate, br', encoding: 'br', decode: brotliDecompressSync },
      { accept: 'identity', encoding: undefined, decode: (body: Buffer) => body },
    ];
    for (const { accept, encoding, decode } of cases) {
      const response = await get(script, { 'accept-encoding': accept });

      expect(response.statusCode, accept).toBe(200);
      expect(response.headers['content-encoding'], accept).toBe(encoding);
      expect(response.headers['content-type']).toMatch(/javascript/);
      expect(decode(response.rawPayload).equals(raw), accept).toBe(true);
      const cache = String(response.headers['cache-control']);
      expect(cache).toContain('immutable');
      expect(cache).toMatch(/max-age=31536000\b/);
    }
  });

  it('an asset that was never built is a 404', async () => {
    expect((await get('/assets/index-nothing.js')).statusCode).toBe(404);
  });
});
