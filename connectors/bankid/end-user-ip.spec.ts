import { normaliseEndUserIp } from './end-user-ip';

describe('normaliseEndUserIp', () => {
  it.each([
    ['192.0.2.10', '192.0.2.10'],
    ['::ffff:192.0.2.10', '192.0.2.10'],
    ['::FFFF:192.0.2.10', '192.0.2.10'],
    ['0:0:0:0:0:ffff:192.0.2.10', '192.0.2.10'],
    ['::ffff:c000:20a', '192.0.2.10'],
    [' 2001:DB8::1 ', '2001:db8::1'],
    ['[::1]', '::1'],
    ['fe80::1%eth0', 'fe80::1'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseEndUserIp(input)).toBe(expected);
  });

  it.each(['', 'localhost', '192.0.2.300', '::ffff:999.0.0.1', '1.2.3'])('rejects %p', (input) => {
    expect(() => normaliseEndUserIp(input)).toThrow(RangeError);
  });
});
