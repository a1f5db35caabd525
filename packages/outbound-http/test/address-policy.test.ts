import { describe, expect, it } from 'vitest';
import { addressRange, isPublicAddress } from '../src/index.js';

describe('isPublicAddress, a pure classification with no network', () => {
  it.each([
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['10.0.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['172.16.0.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'loopback'],
    ['fc00::1', 'uniqueLocal'],
    ['fe80::1', 'linkLocal'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::', 'unspecified'],
    ['64:ff9b::a00:1', 'rfc6052'],
  ])('when the address is %s (%s), then it is refused', (address, range) => {
    expect(addressRange(address)).toBe(range);
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8'])('when the address is %s, then it is allowed', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it.each(['localhost', '0x7f.1', '2130706433', ''])('when %j is not an IP address, then it is refused', (text) => {
    expect(isPublicAddress(text)).toBe(false);
  });
});
