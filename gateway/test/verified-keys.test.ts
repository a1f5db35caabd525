import { describe, expect, it } from 'vitest';
import { VerifiedKeys } from '../src/verified-keys.js';

describe('verified api keys', () => {
  it("when a user's keys are forgotten, then only that user's are, every one of them", () => {
    const verified = new VerifiedKeys();
    for (const [digest, userId] of [
      ['a1', 'ann'],
      ['a2', 'ann'],
      ['b1', 'bob'],
    ]) {
      verified.remember(digest!, userId!, verified.mark());
    }
    verified.forgetUser('ann');
    expect(['a1', 'a2', 'b1'].map((digest) => verified.userOf(digest))).toEqual([undefined, undefined, 'bob']);
  });

  it('when a verification was asked before a rotation and answered after it, then it is not kept', () => {
    const verified = new VerifiedKeys();
    const mark = verified.mark();
    verified.forgetUser('ann');
    verified.remember('a1', 'ann', mark);
    expect(verified.userOf('a1')).toBeUndefined();
    verified.remember('a1', 'ann', verified.mark());
    expect(verified.userOf('a1')).toBe('ann');
  });
});
