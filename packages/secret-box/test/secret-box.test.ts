import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SecretBox, SecretUnreadableError } from '../src/index.js';
import { keyEntry } from './keys.js';

const k1 = keyEntry('k1');
const k2 = keyEntry('k2');
const box = SecretBox.fromEnv(k1);
const context = 'busy_source:6650c0ffee';

const expectUnreadable = (act: () => unknown, reason?: SecretUnreadableError['reason']) => {
  let caught: unknown;
  try {
    act();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(SecretUnreadableError);
  if (reason) expect((caught as SecretUnreadableError).reason).toBe(reason);
  return caught as SecretUnreadableError;
};

/** Replaces the character at `index` of part `part` with a different base64url character. */
const tamper = (sealed: string, part: number, index = 0) => {
  const parts = sealed.split('.');
  const text = parts[part]!;
  const swap = text[index] === 'A' ? 'B' : 'A';
  parts[part] = text.slice(0, index) + swap + text.slice(index + 1);
  return parts.join('.');
};

describe('sealing and opening', () => {
  it.each([
    ['an ASCII password', 'hunter2'],
    ['unicode', 'pässwörd 🔑 パスワード'],
    ['the empty string', ''],
  ])('given %s, when sealed and opened with the same context, then the plaintext comes back', (_, plain) => {
    expect(box.open(box.seal(plain, context), context)).toBe(plain);
  });

  it('when sealed, then the result is v1.<keyId>.<iv>.<ciphertext>.<tag> and holds no plaintext', () => {
    const sealed = box.seal('correct horse battery staple', context);

    expect(sealed).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(sealed).not.toContain('horse');
  });

  it('when the same plaintext is sealed twice, then IVs and ciphertexts differ', () => {
    const [a, b] = [box.seal('same', context), box.seal('same', context)];

    expect(a.split('.')[2]).not.toBe(b.split('.')[2]);
    expect(a.split('.')[3]).not.toBe(b.split('.')[3]);
  });

  it('given any string and context, when sealed and opened, then the plaintext comes back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (plain, ctx) => {
        expect(box.open(box.seal(plain, ctx), ctx)).toBe(plain);
      }),
    );
  });
});

describe('refusing what cannot be trusted', () => {
  const sealed = box.seal('s3cret-password', context);

  it('when opened under another record context, then it is refused as not authentic', () => {
    expectUnreadable(() => box.open(sealed, 'busy_source:someone-else'), 'not-authentic');
  });

  it.each([
    ['the IV', 2],
    ['the ciphertext', 3],
    ['the tag', 4],
  ])('when a character of %s is changed, then it is refused', (_, part) => {
    expectUnreadable(() => box.open(tamper(sealed, part), context));
  });

  it('when the version or key id is changed, then it is refused', () => {
    expectUnreadable(() => box.open(sealed.replace(/^v1/, 'v2'), context), 'malformed');
    expectUnreadable(() => box.open(sealed.replace('.k1.', '.k9.'), context), 'unknown-key');
  });

  it('when any single character is changed, then it is refused', () => {
    fc.assert(
      fc.property(fc.nat({ max: sealed.length - 1 }), fc.constantFrom(...'AZaz09-_.x'), (index, char) => {
        fc.pre(sealed[index] !== char);
        expectUnreadable(() => box.open(sealed.slice(0, index) + char + sealed.slice(index + 1), context));
      }),
    );
  });

  it("when only the unused low bits of the tag's last character change, then it is refused", () => {
    // 16 bytes take 22 base64url characters; the last one carries 2 bits of the tag and 4 unused bits,
    // so a lenient decoder would read the same tag and open the altered text.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(sealed.at(-1)!);
    const altered = sealed.slice(0, -1) + alphabet[last ^ 1]!;
    expect(Buffer.from(altered.split('.')[4]!, 'base64url')).toEqual(Buffer.from(sealed.split('.')[4]!, 'base64url'));

    expectUnreadable(() => box.open(altered, context), 'malformed');
  });

  it('when the tag is truncated, then it is refused', () => {
    const parts = sealed.split('.');
    const shortTag = Buffer.from(parts[4]!, 'base64url').subarray(0, 12).toString('base64url');

    expectUnreadable(() => box.open([...parts.slice(0, 4), shortTag].join('.'), context), 'malformed');
  });

  it('given a box without the sealing key, when opened, then it is refused as an unknown key', () => {
    const other = SecretBox.fromEnv(keyEntry('k7'));

    const error = expectUnreadable(() => other.open(sealed, context), 'unknown-key');
    expect(error.message).toContain('"k1"');
  });

  it('given the same key id with different key bytes, when opened, then it is refused as not authentic', () => {
    expectUnreadable(() => SecretBox.fromEnv(keyEntry('k1')).open(sealed, context), 'not-authentic');
  });

  it.each([
    ['empty', ''],
    ['plain text', 's3cret-password'],
    ['too few parts', 'v1.k1.AAAAAAAAAAAAAAAA.AAAA'],
    ['too many parts', `${sealed}.AAAA`],
    ['an empty key id', sealed.replace('.k1.', '..')],
    ['non-base64url characters', sealed.replace(/\.([^.]+)$/, '.+/+/+/+/+/+/+/+/+/+/+/')],
    ['padding', `${sealed}==`],
    ['a short IV', sealed.replace(/^v1\.k1\.[^.]+/, 'v1.k1.AAAA')],
  ])('given %s, when opened, then it is refused as malformed', (_, text) => {
    expectUnreadable(() => box.open(text, context), 'malformed');
  });

  it('when refused, then the message holds neither the plaintext nor the sealed text', () => {
    const error = expectUnreadable(() => box.open(sealed, 'busy_source:other'));

    expect(error.message).not.toContain('s3cret');
    expect(error.message).not.toContain(sealed.split('.')[3]!);
    expect(error.code).toBe('secret-unreadable');
  });
});

describe('rotating keys', () => {
  const sealedWithK1 = box.seal('rotate me', context);
  const rotated = SecretBox.fromEnv(`${k2},${k1}`);

  it('given k2 prepended to k1, when a k1 secret is opened, then it opens and needs resealing', () => {
    expect(rotated.open(sealedWithK1, context)).toBe('rotate me');
    expect(rotated.needsResealing(sealedWithK1)).toBe(true);
  });

  it('given k2 prepended, when resealed, then it is sealed with k2 and no longer needs resealing', () => {
    const resealed = rotated.seal(rotated.open(sealedWithK1, context), context);

    expect(resealed.split('.')[1]).toBe('k2');
    expect(rotated.needsResealing(resealed)).toBe(false);
  });

  it('given k1 dropped, when a secret resealed with k2 is opened, then it opens', () => {
    const resealed = rotated.seal('rotate me', context);

    expect(SecretBox.fromEnv(k2).open(resealed, context)).toBe('rotate me');
    expectUnreadable(() => SecretBox.fromEnv(k2).open(sealedWithK1, context), 'unknown-key');
  });

  it('when asked about a malformed secret, then needsResealing refuses it', () => {
    expectUnreadable(() => rotated.needsResealing('nonsense'), 'malformed');
  });
});
