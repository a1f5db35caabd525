/**
 * The kinds of page load `pnpm bench pages` times in Chromium, each read from the page's own
 * navigation and resource timings and its `slotkeeper:slots-visible` mark: a new browser context
 * (a new renderer process), reloads after clearing the cache, warm reloads, and Chromium's own
 * floor on a blank page.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';

/** Untimed cold loads first: the gateway's and the browser's code paths compiled, as in use. */
export const WARM_UP = 3;
export const MARK = 'slotkeeper:slots-visible';
const VIEWPORT = { width: 1280, height: 800 };

/** When each step of a load was done, ms after navigation start; `slots` is the app's own mark. */
export interface Phases {
  'document received': number;
  'script received': number;
  'script evaluated': number;
  'availability asked': number;
  'availability answered': number;
  'slots shown': number;
}

/** Read in the page (a string: these scripts' types know no DOM) from its navigation and resource timings. */
const PHASES = `(() => {
  const resources = performance.getEntriesByType('resource');
  const script = resources.filter((entry) => entry.initiatorType === 'script');
  const asked = resources.find((entry) => entry.name.includes('/availability?'));
  return {
    'document received': performance.getEntriesByType('navigation')[0].responseEnd,
    'script received': Math.max(...script.map((entry) => entry.responseEnd)),
    'script evaluated': performance.getEntriesByName('slotkeeper:script-evaluated')[0]?.startTime ?? NaN,
    'availability asked': asked ? asked.startTime : NaN,
    'availability answered': asked ? asked.responseEnd : NaN,
    'slots shown': performance.getEntriesByName(${JSON.stringify(MARK)})[0].startTime,
  };
})()`;

/** The load's phases, once the app has set its mark. */
async function slotsVisible(page: Page): Promise<Phases> {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`${response.status()} for ${response.url()}`);
  });
  await page
    .waitForFunction((name) => performance.getEntriesByName(name).length > 0, MARK, { timeout: 10_000, polling: 10 })
    .catch(async (error: Error) => {
      const shown = (
        await page
          .locator('body')
          .innerText()
          .catch(() => '')
      ).slice(0, 300);
      throw new Error(
        `${page.url()} set no "${MARK}" mark: ${error.message}\nerrors: ${errors.join('; ')}\nshown: ${shown}`,
      );
    });
  return (await page.evaluate(PHASES)) as Phases;
}

export interface Load {
  phases: Phases;
  /** Each request the page made: its type and address. */
  requests: Array<{ type: string; url: string }>;
}

/**
 * One load in a browser context of its own: no cache, no cookies, nothing kept from before.
 * `settle`: wait until the network is idle (500 ms), so that what the page asks for after its
 * slots are shown (an icon, a late fetch) is counted too.
 */
export async function coldLoad(browser: Browser, pageUrl: string, settle = false): Promise<Load> {
  const context = await browser.newContext({ viewport: VIEWPORT, serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    const requests: Load['requests'] = [];
    page.on('request', (sent) => requests.push({ type: sent.resourceType(), url: sent.url() }));
    await page.goto(pageUrl, { waitUntil: 'commit' });
    const phases = await slotsVisible(page);
    if (settle) await page.waitForLoadState('networkidle');
    return { phases, requests };
  } finally {
    await context.close();
  }
}

/** `runs` reloads of a page that a context has loaded once: the browser keeps the immutable assets. */
export async function warmLoads(browser: Browser, pageUrl: string, runs: number): Promise<Phases[]> {
  const context = await browser.newContext({ viewport: VIEWPORT, serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    await page.goto(pageUrl, { waitUntil: 'commit' });
    await slotsVisible(page);
    const loads: Phases[] = [];
    for (let i = 0; i < runs; i++) {
      await page.reload({ waitUntil: 'commit' });
      loads.push(await slotsVisible(page));
    }
    return loads;
  } finally {
    await context.close();
  }
}

/**
 * `runs` reloads of a page, each after the browser's cache (HTTP and compiled code) was cleared:
 * an empty cache in a browser whose process for the page's site is already running.
 */
export async function clearedCacheLoads(browser: Browser, pageUrl: string, runs: number): Promise<Phases[]> {
  const context = await browser.newContext({ viewport: VIEWPORT, serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    const devtools = await context.newCDPSession(page);
    await page.goto(pageUrl, { waitUntil: 'commit' });
    await slotsVisible(page);
    const loads: Phases[] = [];
    for (let i = 0; i < runs; i++) {
      await devtools.send('Network.clearBrowserCache');
      await page.reload({ waitUntil: 'commit' });
      loads.push(await slotsVisible(page));
    }
    return loads;
  } finally {
    await context.close();
  }
}

/**
 * Chromium's own floor here: in a new context, when a one-line module script of a blank page has
 * run, and when its first formatting in a named time zone (ICU's zone data) is done.
 */
export async function chromiumFloor(browser: Browser, runs: number): Promise<{ ran: number[]; zoned: number[] }> {
  const script =
    "performance.mark('ran'); new Intl.DateTimeFormat('en', { timeZone: 'Asia/Kolkata', hour: 'numeric' }).format(0); performance.mark('zoned');";
  const server = createServer((incoming, answer) => {
    const isScript = incoming.url === '/floor.js';
    answer.writeHead(200, { 'content-type': isScript ? 'text/javascript' : 'text/html' });
    answer.end(isScript ? script : '<!doctype html><script type="module" src="/floor.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const ran: number[] = [];
  const zoned: number[] = [];
  try {
    for (let i = 0; i < runs + WARM_UP; i++) {
      const context = await browser.newContext({ viewport: VIEWPORT });
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${port}/`, { waitUntil: 'commit' });
      await page.waitForFunction(() => performance.getEntriesByName('zoned').length > 0, undefined, { polling: 10 });
      const [scriptRan, zoneData] = (await page.evaluate(
        "['ran', 'zoned'].map((name) => performance.getEntriesByName(name)[0].startTime)",
      )) as [number, number];
      if (i >= WARM_UP) {
        ran.push(scriptRan);
        zoned.push(zoneData);
      }
      await context.close();
    }
    return { ran, zoned };
  } finally {
    server.close();
  }
}
