/**
 * The invitee's booking page in Debian's Chromium against the embedded system on loopback (real
 * clock): how long from navigation start until the first slot buttons are shown, read from the
 * app's own `slotkeeper:slots-visible` mark, with an empty cache (a new browser context each run)
 * and a warm one (reloads of a page loaded before); what the page's own script and style weigh as
 * the gateway sends them; and what a cold load requests, from which hosts.
 */
import { buildEmbeddedSystem } from '@slotkeeper/embedded';
import { silentLogger } from '@slotkeeper/observability';
import { ALL_DAYS, apiClient, apiSetup, weekly } from '@slotkeeper/testing/api';
import { request } from 'undici';
import { launchChromium } from '@slotkeeper/testing/browser';
import {
  chromiumFloor,
  clearedCacheLoads,
  coldLoad,
  MARK,
  WARM_UP,
  warmLoads,
  type Load,
  type Phases,
} from './page-loads.js';
import type { Rows } from './timed-client.js';

const RUNS = 30;
/** The target: first slots visible within 300 ms of navigation on loopback. */
const TARGET_MS = 300;

/** A calendar of 30-minute meetings, open every day around the clock in Berlin: slots whenever it runs. */
async function openCalendar(url: string): Promise<string> {
  const api = apiSetup(apiClient(url));
  const owner = await api.user({
    name: 'Bench Owner',
    email: `pages-${Date.now()}@example.com`,
    timezone: 'Europe/Berlin',
  });
  const schedule = await api.schedule(owner, {
    name: 'Always',
    timezone: 'Europe/Berlin',
    time_slots: weekly(ALL_DAYS, ['00:00', '24:00']),
  });
  const calendar = await api.calendar(owner, [schedule.id], { name: 'Intro call', meeting_duration_minutes: 30 });
  return calendar.id;
}

const percentile = (times: number[], q: number) => {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};
const ms = (value: number) => +value.toFixed(1);

function summary(loads: Phases[]) {
  const times = loads.map((load) => load['slots shown']);
  return {
    runs: times.length,
    p50: ms(percentile(times, 0.5)),
    p95: ms(percentile(times, 0.95)),
    max: ms(Math.max(...times)),
    target: `≤ ${TARGET_MS}`,
    met: percentile(times, 0.95) <= TARGET_MS ? 'yes' : 'no',
  };
}

const median = (loads: Phases[], phase: keyof Phases) =>
  ms(
    percentile(
      loads.map((load) => load[phase]),
      0.5,
    ),
  );
const spread = (times: number[]) => ({
  p50: ms(percentile(times, 0.5)),
  p95: ms(percentile(times, 0.95)),
  max: ms(Math.max(...times)),
});

/** The median time of each phase in each kind of load: where the time to the first slots goes. */
const phaseRows = (cold: Phases[], cleared: Phases[], warm: Phases[]): Rows =>
  (Object.keys(cold[0]!) as Array<keyof Phases>).map((phase) => ({
    'done at (p50 ms)': phase,
    cold: median(cold, phase),
    'cold cache': median(cleared, phase),
    warm: median(warm, phase),
  }));

/** The bytes of `url` as the gateway sends it to a browser that accepts `encoding`. */
async function sentBytes(url: string, encoding: 'identity' | 'gzip' | 'br'): Promise<number> {
  const response = await request(url, { headers: { 'accept-encoding': encoding } });
  const body = Buffer.from(await response.body.arrayBuffer());
  if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}`);
  const sentEncoding = response.headers['content-encoding'] ?? 'identity';
  if (sentEncoding !== encoding) throw new Error(`${url} came ${sentEncoding}, not ${encoding}`);
  return body.length;
}

/** The page's own script and style, each as the gateway sends it raw, gzip- and brotli-compressed. */
async function assetBytes(origin: string, paths: string[]): Promise<Rows> {
  const rows: Rows = [];
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const path of paths) {
    const row = {
      raw: await sentBytes(`${origin}${path}`, 'identity'),
      gzip: await sentBytes(`${origin}${path}`, 'gzip'),
      brotli: await sentBytes(`${origin}${path}`, 'br'),
    };
    rows.push({ asset: path, ...row });
    total.raw += row.raw;
    total.gzip += row.gzip;
    total.brotli += row.brotli;
  }
  rows.push({ asset: 'total (budget: 50 KB = 51200 compressed)', ...total });
  return rows;
}

/** A request's address without the ids and query that differ from load to load. */
const shapeOf = (url: URL) => url.pathname.replace(/[0-9a-f]{24}/g, '{id}') + (url.search ? '?…' : '');

export async function benchPages(): Promise<Record<string, Rows>> {
  // One client address loads every page: the per-IP rate limit would measure itself.
  const system = await buildEmbeddedSystem({ logger: silentLogger(), rateLimitPerMinute: 1_000_000_000 });
  // Asset requests that reach the gateway: a warm reload should send none.
  let assetRequests = 0;
  system.gateway.addHook('onRequest', async (incoming) => {
    if (incoming.url.startsWith('/assets/')) assetRequests++;
  });
  const url = await system.gateway.listen({ host: '127.0.0.1', port: 0 });
  const { origin } = new URL(url);
  const browser = await launchChromium();
  try {
    const pageUrl = `${origin}/book/${await openCalendar(url)}`;
    // The last untimed load also waits for the network to settle: its requests are the census.
    let census: Load | undefined;
    for (let i = 0; i < WARM_UP; i++) census = await coldLoad(browser, pageUrl, i === WARM_UP - 1);
    const { requests } = census!;
    const bytes = await assetBytes(origin, assetPaths(requests));

    const cold: Load[] = [];
    for (let i = 0; i < RUNS; i++) cold.push(await coldLoad(browser, pageUrl));
    const assetsBefore = assetRequests;
    const warm = await warmLoads(browser, pageUrl, RUNS);
    // The first load of the warm context fetched each asset once.
    const assetsOnWarmReloads = assetRequests - assetsBefore - new Set(assetPaths(requests)).size;
    const cleared = await clearedCacheLoads(browser, pageUrl, RUNS);
    const floor = await chromiumFloor(browser, RUNS);

    const counts = cold.map((load) => load.requests.length);
    const requestRows: Rows = requests.map(({ type, url: address }) => {
      const parsed = new URL(address);
      return { type, request: shapeOf(parsed), host: parsed.origin === origin ? 'own' : parsed.origin };
    });
    const elsewhere = [...requests, ...cold.flatMap((load) => load.requests)].filter(
      (sent) => new URL(sent.url).origin !== origin,
    );

    const coldPhases = cold.map((load) => load.phases);
    return {
      [`time from navigation start to the first slot buttons shown (ms; the page's "${MARK}" mark), after ${WARM_UP} untimed loads`]:
        [
          {
            load: 'cold: a new browser context each run (a new renderer process), empty cache',
            ...summary(coldPhases),
          },
          { load: 'cold cache: reloads after clearing the HTTP and code cache', ...summary(cleared) },
          {
            load: `warm: reloads in a context that loaded the page once (${assetsOnWarmReloads} asset requests reached the gateway)`,
            ...summary(warm),
          },
        ],
      'where the time goes: when each step was done, ms after navigation start': phaseRows(coldPhases, cleared, warm),
      "Chromium's own floor in a new context, blank page (ms after navigation start)": [
        { step: 'a one-line module script has run', ...spread(floor.ran) },
        { step: 'and formatted a time in a named zone (ICU zone data loaded)', ...spread(floor.zoned) },
      ],
      "the page's own script and style, bytes as the gateway sends them": bytes,
      [`the requests of a cold load until the network is idle (until the slots are shown: ${Math.min(...counts)}–${Math.max(...counts)} over ${RUNS} loads); to other hosts: ${elsewhere.length}`]:
        requestRows,
    };
  } finally {
    await browser.close();
    await system.gateway.close();
  }
}

/** The page's own assets among `requests`, in order. */
const assetPaths = (requests: Load['requests']) =>
  requests.map((sent) => new URL(sent.url).pathname).filter((path) => path.startsWith('/assets/'));
