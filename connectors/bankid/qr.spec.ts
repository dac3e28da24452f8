import { animatedQrData, animatedQrDataAt } from './qr';

// Test vector from BankID's documentation (DOMAIN.md "Animated QR").
const token = '67df3917-fa0d-44e5-b327-edcc928297f8';
const secret = 'd28db9a7-4cde-429e-a983-359be676944c';

describe('animatedQrData', () => {
  it('matches the BankID test vector at t=0', () => {
    expect(animatedQrData(token, secret, 0)).toBe(
      `bankid.${token}.0.dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8`,
    );
  });

  it('matches the BankID test vector at t=1', () => {
    expect(animatedQrData(token, secret, 1)).toBe(
      `bankid.${token}.1.949d559bf23403952a94d103e67743126381eda00f0b3cbddbf7c96b1adcbce2`,
    );
  });

  it('uses whole seconds since the order started', () => {
    expect(animatedQrData(token, secret, 1.9)).toBe(animatedQrData(token, secret, 1));
    expect(animatedQrDataAt(token, secret, 10_000, 11_500)).toBe(animatedQrData(token, secret, 1));
    expect(() => animatedQrData(token, secret, -1)).toThrow(RangeError);
  });
});
