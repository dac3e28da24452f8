import { isIP } from 'node:net';

/**
 * Normalises the end user's IP address for BankID's `endUserIp`.
 *
 * Why: behind Node's dual-stack sockets an IPv4 client shows up as `::ffff:192.0.2.1`; BankID
 * compares endUserIp with the address the app connects from, so it must be sent as plain IPv4.
 * Throws a RangeError (never echoing the value) for anything that is not an IP address.
 */
export function normaliseEndUserIp(rawAddress: string): string {
  let candidate = rawAddress.trim();
  // "[::1]" as found in some proxy headers / URLs.
  if (candidate.startsWith('[') && candidate.endsWith(']')) {
    candidate = candidate.slice(1, -1);
  }
  // Zone ids ("fe80::1%eth0") mean nothing outside this host.
  const zoneIndex = candidate.indexOf('%');
  if (zoneIndex >= 0 && isIP(candidate) === 6) {
    candidate = candidate.slice(0, zoneIndex);
  }
  const mappedMatch = /^(?:0{0,4}:){0,5}(?:0{0,4}:)?ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(candidate);
  if (mappedMatch && isIP(candidate) === 6 && isIP(mappedMatch[1]) === 4) {
    return mappedMatch[1];
  }
  const family = isIP(candidate);
  if (family === 4) {
    return candidate;
  }
  if (family === 6) {
    // IPv4-mapped written in hex ("::ffff:c000:0201").
    const hexMapped = /^(?:0{0,4}:){0,5}(?:0{0,4}:)?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(candidate);
    if (hexMapped) {
      const high = parseInt(hexMapped[1], 16);
      const low = parseInt(hexMapped[2], 16);
      return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
    }
    return candidate.toLowerCase();
  }
  throw new RangeError('endUserIp is not a valid IPv4 or IPv6 address');
}

/** True when `value` is a syntactically valid IPv4 or IPv6 address. */
export function isValidEndUserIp(value: string): boolean {
  return isIP(value) !== 0;
}
