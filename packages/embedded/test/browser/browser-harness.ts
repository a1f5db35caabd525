import axe from 'axe-core';
import { existsSync } from 'node:fs';
import { CHROMIUM, launchChromium } from '@slotkeeper/testing/browser';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import { harness, type Harness } from '../harness.js';

/** Saturday 1 June 2030, 05:30 in Kolkata: the system's clock and every page's. */
export const NOW = '2030-06-01T00:00:00Z';

/**
 * A test drives a real browser through several pages: seconds on a busy two-core machine, so
 * more than the workspace's 20 s default; a page that never shows what is awaited fails in
 * `ACTION_TIMEOUT`, with Playwright's own message.
 */
const TEST_TIMEOUT = 60_000;
const ACTION_TIMEOUT = 15_000;

/** Why the browser tests cannot run on this machine; never a reason under CI, where they must run. */
const missingBrowser =
  process.env.CI !== 'true' && !existsSync(CHROMIUM)
    ? `${CHROMIUM} is not installed (apt-get install chromium); CI runs these tests`
    : undefined;

/** A `describe` of browser tests: skipped, with the reason printed, only outside CI on a machine without Chromium. */
export function describeInBrowser(name: string, body: () => void): void {
  if (missingBrowser) {
    console.warn(`skipping the browser tests "${name}": ${missingBrowser}`);
    describe.skip(name, body);
  } else describe(name, { timeout: TEST_TIMEOUT }, body);
}

/** What a test may choose about its browser: where the invitee is, their screen and language. */
export type PageOptions = Pick<BrowserContextOptions, 'timezoneId' | 'viewport' | 'locale' | 'isMobile' | 'hasTouch'>;

const SUBRESOURCES = new Set(['script', 'stylesheet', 'image', 'font']);

const DEFAULTS: PageOptions = { timezoneId: 'Asia/Kolkata', locale: 'en-GB', viewport: { width: 1280, height: 800 } };

export interface BrowserSystem {
  /** The embedded system behind its listening gateway; its clock stands at `NOW`. */
  h: Harness;
  /** The gateway's address, `http://127.0.0.1:{port}`: the only origin a page may reach. */
  origin: string;
  /**
   * A page in a context of its own (its own cookies, zone and screen), whose clock stands where the
   * system's does and whose relative URLs are the system's. Closed after the test.
   */
  page(options?: PageOptions): Promise<Page>;
  /**
   * What the pages of this test did that they must not (requests to other hosts, script errors,
   * policy violations), taken so the test does not fail for them: for the test of this guard itself.
   */
  takeProblems(): string[];
  /** The serious and critical axe-core violations on the page as it is now, one readable line each; [] when none. */
  accessibilityViolations(page: Page): Promise<string[]>;
}

/**
 * The embedded system listening on 127.0.0.1, and one Chromium for the tests of the file (or
 * `describe`) it is called in, both built before them and closed after them.
 *
 * Every page it opens is watched: a request to any other host is aborted and noted, and so are a
 * script error, a Content-Security-Policy violation and a missing script, style, image or font;
 * after each test, its pages are closed and the test fails if anything was noted. So every test
 * also checks that the pages need nobody else's server and run cleanly.
 */
export function useBrowserSystem(now = NOW): BrowserSystem {
  let browser: Browser | undefined;
  let contexts: BrowserContext[] = [];
  let problems: string[] = [];
  /** The answers of 400 and above the pages got, shown when a test fails. */
  let refusals: string[] = [];
  const system = {} as BrowserSystem;

  beforeAll(async () => {
    const launched = launchChromium();
    // Both settle before either can fail the hook, so afterAll closes whichever started.
    const [h, started] = await Promise.allSettled([harness(now), launched]);
    if (h.status === 'fulfilled') system.h = h.value;
    if (started.status === 'fulfilled') browser = started.value;
    if (h.status === 'rejected') throw h.reason;
    if (started.status === 'rejected') throw started.reason;
    const address = await system.h.gateway.listen({ host: '127.0.0.1', port: 0 });
    system.origin = new URL(address).origin;
  });

  afterAll(async () => {
    await browser?.close();
    await system.h?.gateway.close();
  });

  afterEach(async ({ task }) => {
    const noted = problems;
    const open = contexts;
    const refused = refusals;
    problems = [];
    contexts = [];
    refusals = [];
    if (task.result?.state === 'fail')
      console.error(`${await whatPagesShow(open)}\nanswers of 400 and above:\n${refused.join('\n') || '(none)'}`);
    await Promise.all(open.map((context) => context.close()));
    if (noted.length > 0) throw new Error(`the pages did what they must not:\n${noted.join('\n')}`);
  });

  system.takeProblems = () => problems.splice(0);

  const ours = (url: string) => {
    const { protocol, origin } = new URL(url);
    return origin === system.origin || protocol === 'data:' || protocol === 'about:';
  };

  system.page = async (options = {}) => {
    if (!browser) throw new Error('the browser is not running: call page() inside a test');
    const context = await browser.newContext({
      ...DEFAULTS,
      ...options,
      baseURL: system.origin,
      serviceWorkers: 'block',
    });
    contexts.push(context);
    context.setDefaultTimeout(ACTION_TIMEOUT);
    // Date stands where the system's clock does, and the page's timers keep running (install()
    // would let Date run on). Playwright's clock also stands in for `performance`, whose marks it
    // does not keep, and logs what a timer throws instead of reporting it (see the console handler).
    await context.clock.setFixedTime(system.h.clock.now());
    context.on('request', (request) => {
      if (!ours(request.url())) problems.push(`request to another host: ${request.method()} ${request.url()}`);
    });
    context.on('response', (response) => {
      if (response.status() < 400) return;
      const { method, resourceType } = {
        method: response.request().method(),
        resourceType: response.request().resourceType(),
      };
      refusals.push(`${response.status()} ${method} ${response.url()}`);
      // A page's own script, style, image or font must be there: a missing one breaks the page quietly.
      if (SUBRESOURCES.has(resourceType))
        problems.push(`${resourceType} missing: ${response.status()} ${response.url()}`);
    });
    await context.route('**/*', (route) =>
      ours(route.request().url()) ? route.continue() : route.abort('blockedbyclient'),
    );
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`script error on ${page.url()}: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const text = message.text();
      if (/Content[- ]Security[- ]Policy/i.test(text)) problems.push(`policy violation on ${page.url()}: ${text}`);
      // Playwright's clock runs the page's timers and animation frames itself, and logs what one
      // of them throws instead of letting it reach `pageerror`.
      else if (/\bat ClockController\./.test(text))
        problems.push(`script error on ${page.url()}: ${text.split('\n')[0]?.replace(/^\w*Error: /, '')}`);
    });
    page.on('websocket', (socket) => {
      if (!ours(socket.url().replace(/^ws/, 'http'))) problems.push(`web socket to another host: ${socket.url()}`);
    });
    return page;
  };

  system.accessibilityViolations = async (page) => {
    // Evaluated through the debugging protocol, so the page's policy (script-src 'self') does not block it.
    if (!(await page.evaluate("typeof axe === 'object'"))) await page.evaluate(axe.source);
    const results = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")) as axe.AxeResults;
    return results.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map(
        (violation) =>
          `${violation.id} (${violation.impact}): ${violation.help}\n` +
          violation.nodes.map((node) => `  at ${node.target.join(' ')}: ${node.failureSummary ?? ''}`).join('\n'),
      );
  };

  return system;
}

/** Where each page of a failed test was and what it showed, to tell a slow page from a wrong one. */
async function whatPagesShow(contexts: BrowserContext[]): Promise<string> {
  const pages = contexts.flatMap((context) => context.pages());
  const shown = await Promise.all(
    pages.map(async (page, index) => {
      // The text of the body without the time zones' four hundred options.
      const text = await (
        page.evaluate(
          `(() => { const body = document.body.cloneNode(true); body.querySelectorAll('option').forEach((o) => o.remove()); return body.textContent; })()`,
        ) as Promise<string>
      ).catch((error: Error) => `(unreadable: ${error.message})`);
      return `page ${index + 1} at ${page.url()}: ${text.replace(/\s+/g, ' ').slice(0, 2_000)}`;
    }),
  );
  return `what the pages of the failed test showed:\n${shown.join('\n\n')}`;
}
