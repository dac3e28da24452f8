import { createHmac } from 'node:crypto';

/**
 * Data for one frame of BankID's animated QR code.
 *
 * `bankid.<qrStartToken>.<t>.<hex HMAC-SHA256(key = qrStartSecret, message = String(t))>` where `t`
 * is whole seconds since the order was started. Regenerate every second; the secret must never
 * leave the server (only the resulting string is shown, and only to the person who asked).
 */
export function animatedQrData(
  qrStartToken: string,
  qrStartSecret: string,
  secondsSinceStart: number,
): string {
  if (!Number.isFinite(secondsSinceStart) || secondsSinceStart < 0) {
    throw new RangeError('secondsSinceStart must be a non-negative number');
  }
  // BankID counts whole seconds: a fractional elapsed time is truncated, never rounded up.
  const wholeSeconds = Math.floor(secondsSinceStart);
  const qrAuthCode = createHmac('sha256', qrStartSecret).update(String(wholeSeconds)).digest('hex');
  return `bankid.${qrStartToken}.${wholeSeconds}.${qrAuthCode}`;
}

/** Convenience: the QR data for "now", given when the order was started (ms since epoch). */
export function animatedQrDataAt(
  qrStartToken: string,
  qrStartSecret: string,
  orderStartedAtMs: number,
  nowMs: number = Date.now(),
): string {
  return animatedQrData(qrStartToken, qrStartSecret, Math.max(0, (nowMs - orderStartedAtMs) / 1000));
}
