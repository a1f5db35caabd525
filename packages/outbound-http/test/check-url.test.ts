import { describe, expect, it } from 'vitest';
import { checkOutboundUrl, type Resolve } from '../src/index.js';

const fakeDns =
  (table: Record<string, string[]>): Resolve =>
  async (host) => {
    const addresses = table[host];
    if (addresses === undefined) throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
const dns = fakeDns({
  'calendar.example': ['93.184.216.34'],
  'mixed.example': ['93.184.216.34', '10.0.0.7'],
  'metadata.example': ['169.254.169.254'],
});

describe('checkOutboundUrl', () => {
  it.each([
    'http://localhost:8080/cal.ics',
    'http://127.0.0.1/',
    'http://[::1]/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://[::ffff:127.0.0.1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://0.0.0.0/',
  ])('when the URL is %s, then it is refused as not public', async (url) => {
    const checked = await checkOutboundUrl(url, { allowPrivate: false });
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.error.kind).toBe('not-public');
  });

  it('when any address of a name is private, then it is refused without naming the address', async () => {
    const checked = await checkOutboundUrl('https://mixed.example/cal.ics', { allowPrivate: false, resolve: dns });
    expect(checked).toMatchObject({ ok: false, error: { code: 'outbound-url-refused', kind: 'not-public' } });
    // Refused without saying which address: the answer goes to whoever gave the URL.
    if (!checked.ok)
      expect(checked.error.reason).toBe(
        'mixed.example resolves to a loopback, private, link-local or otherwise non-public address.',
      );
  });

  it('when the resolver does not answer in time, then the name is refused as unresolvable', async () => {
    const never = () => new Promise<never>(() => {});
    const checked = await checkOutboundUrl('https://slow.example/cal.ics', {
      allowPrivate: false,
      resolve: never,
      resolveTimeoutMs: 50,
    });
    expect(checked).toMatchObject({ ok: false, error: { kind: 'unresolvable' } });
  });

  it('when a name resolves to public addresses only, then the normalised URL is returned', async () => {
    expect(await checkOutboundUrl('https://Calendar.Example/a b.ics', { allowPrivate: false, resolve: dns })).toEqual({
      ok: true,
      url: 'https://calendar.example/a%20b.ics',
    });
  });

  it('when the URL is webcal:, then it becomes https:', async () => {
    expect(await checkOutboundUrl('webcal://calendar.example/feed.ics', { allowPrivate: false, resolve: dns })).toEqual(
      {
        ok: true,
        url: 'https://calendar.example/feed.ics',
      },
    );
  });

  it.each(['ftp://calendar.example/x', 'file:///etc/passwd', 'gopher://calendar.example/', 'not a url', '/relative'])(
    'when the URL is %s, then it is refused as invalid',
    async (url) => {
      expect(await checkOutboundUrl(url, { allowPrivate: false, resolve: dns })).toMatchObject({
        ok: false,
        error: { kind: 'invalid-url' },
      });
    },
  );

  it('when the URL carries a user name and password, then it is refused without repeating them', async () => {
    const checked = await checkOutboundUrl('https://alice:hunter2secret@calendar.example/', {
      allowPrivate: false,
      resolve: dns,
    });
    expect(checked).toMatchObject({ ok: false, error: { kind: 'invalid-url' } });
    if (!checked.ok) expect(checked.error.message).not.toContain('hunter2secret');
  });

  it('when the name does not resolve, then it is refused as unresolvable', async () => {
    expect(await checkOutboundUrl('https://nowhere.example/', { allowPrivate: false, resolve: dns })).toMatchObject({
      ok: false,
      error: { kind: 'unresolvable' },
    });
  });

  it('when the operator allows private URLs, then loopback is accepted', async () => {
    for (const url of ['http://localhost:5232/', 'http://127.0.0.1/', 'http://[::1]/', 'http://2130706433/']) {
      expect((await checkOutboundUrl(url, { allowPrivate: true })).ok).toBe(true);
    }
  });
});
