import { expect, it } from 'vitest';
import { describeInBrowser, useBrowserSystem } from './browser-harness.js';
import { heading, mainText } from './booking-page.js';

describeInBrowser('pages that do not exist, and what no page may do', () => {
  const s = useBrowserSystem();

  it.each([
    ['an unknown calendar', '/book/0123456789abcdef01234567'],
    ['a malformed calendar id', '/book/not-an-id'],
    ['a malformed booking id', '/booking/not-an-id#token=abc'],
  ])('when an invitee opens the link of %s, then the answer is 404 and a page a person can read', async (_, path) => {
    const page = await s.page();

    const response = await page.goto(path);

    expect(response?.status()).toBe(404);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    await heading(page, 'Page not found').waitFor();
    expect(await page.getByRole('main').count()).toBe(1);
    expect(await mainText(page)).toMatch(/no booking page at this address/i);
    expect(await page.title()).toBe('Page not found');
  });

  it('when a page asks another host or throws, then the request is aborted and the test that opened it is told', async () => {
    const page = await s.page();
    await page.goto('/book/not-an-id');

    await Promise.all([
      page.waitForEvent('pageerror'),
      page.evaluate("queueMicrotask(() => { throw new Error('thrown by a script') })"),
    ]);
    await Promise.all([
      page.waitForEvent('console'),
      page.evaluate("setTimeout(() => { throw new Error('thrown by a timer') })"),
    ]);
    const elsewhere = await page.goto('http://example.com/font.woff2').catch((error: Error) => error);

    expect(elsewhere).toBeInstanceOf(Error);
    expect(s.takeProblems()).toEqual([
      expect.stringMatching(/^script error on .*: thrown by a script$/),
      expect.stringMatching(/^script error on .*: thrown by a timer$/),
      'request to another host: GET http://example.com/font.woff2',
    ]);
  });
});
