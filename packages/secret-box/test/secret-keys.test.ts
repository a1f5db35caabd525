import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SecretKeysError, secretKeysFromEnv, secretKeysSchema } from '../src/index.js';
import { keyEntry } from './keys.js';

const refusal = (value: string | undefined) => {
  try {
    secretKeysFromEnv(value);
  } catch (error) {
    expect(error).toBeInstanceOf(SecretKeysError);
    return (error as SecretKeysError).message;
  }
  throw new Error('expected SECRET_KEYS to be refused');
};

describe('SECRET_KEYS from the environment', () => {
  it('given two keys, when parsed, then the first seals and both open', () => {
    const keys = secretKeysFromEnv(`${keyEntry('k2')}, ${keyEntry('k1')}`);

    expect(keys.current).toBe('k2');
    expect([...keys.keys.keys()]).toEqual(['k2', 'k1']);
    expect(keys.keys.get('k1')?.symmetricKeySize).toBe(32);
  });

  it.each([undefined, '', '  '])('given %j, when parsed, then it is refused as empty', (value) => {
    expect(refusal(value)).toMatch(/empty/);
  });

  it.each([
    ['a 16-byte key', keyEntry('k1', 16), /exactly 32 bytes, not 16/],
    ['a 33-byte key', keyEntry('k1', 33), /exactly 32 bytes, not 33/],
    ['bad base64', `k1:${'!'.repeat(43)}=`, /not valid base64/],
    ['base64url instead of base64', `k1:${'-_'.repeat(21)}A=`, /not valid base64/],
    ['no key id', keyEntry('k1').slice(3), /not of the form/],
    ['an empty key id', keyEntry('').trim(), /key id must match/],
    ['an upper-case key id', keyEntry('K1'), /key id must match/],
    ['a 17-character key id', keyEntry('a'.repeat(17)), /key id must match/],
    ['a duplicate key id', `${keyEntry('k1')},${keyEntry('k1')}`, /entry 2 \(id "k1"\).*more than once/],
    ['an empty entry', `${keyEntry('k1')},`, /entry 2 is not of the form/],
  ])('given %s, when parsed, then it is refused naming the problem but not the key', (_, value, problem) => {
    const message = refusal(value);

    expect(message).toMatch(problem);
    for (const entry of value.split(',')) {
      const key = entry.slice(entry.indexOf(':') + 1);
      if (key.length >= 8) expect(message).not.toContain(key);
    }
  });

  it('given the config schema, when SECRET_KEYS is valid, then it yields the keys', () => {
    const config = z.object({ SECRET_KEYS: secretKeysSchema }).parse({ SECRET_KEYS: keyEntry('k1') });

    expect(config.SECRET_KEYS.current).toBe('k1');
  });

  it('given the config schema, when SECRET_KEYS is wrong or missing, then the issue names it without the key', () => {
    const schema = z.object({ SECRET_KEYS: secretKeysSchema });
    const short = keyEntry('k1', 16);

    const wrong = schema.safeParse({ SECRET_KEYS: short });
    const missing = schema.safeParse({});

    expect(wrong.error?.issues).toEqual([
      expect.objectContaining({ path: ['SECRET_KEYS'], message: expect.stringMatching(/exactly 32 bytes/) }),
    ]);
    expect(JSON.stringify(wrong.error?.issues)).not.toContain(short.slice(3));
    expect(missing.error?.issues[0]?.message).toMatch(/is required/);
  });
});
