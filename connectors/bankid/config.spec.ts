import { join } from 'node:path';
import { bankIdConnectorConfigSchema, loadBankIdClientOptions } from './config';

const certs = join(__dirname, 'certs');
const testEnvironment = {
  baseUrl: 'https://appapi2.test.bankid.com/rp/v6.0',
  pfxPath: join(certs, 'FPTestcert5_20240610.p12'),
  passphraseEnv: 'BANKID_PFX_PASSPHRASE',
  caPath: join(certs, 'test-ssl-root.pem'),
  trustedRootPath: join(__dirname, 'test-fixtures', 'testbank-a-ca-v1-for-bankid-test.pem'),
};

describe('bankIdConnectorConfigSchema', () => {
  it('accepts the public test environment config and applies defaults', () => {
    const config = bankIdConnectorConfigSchema.parse(testEnvironment);
    expect(config.timeoutMs).toBe(10_000);
    const options = loadBankIdClientOptions(config, { BANKID_PFX_PASSPHRASE: 'qwerty123' });
    expect(options.pfx?.length).toBeGreaterThan(1000);
    expect(options.passphrase).toBe('qwerty123');
    expect(options.caPem).toContain('BEGIN CERTIFICATE');
  });

  it('rejects bad configs', () => {
    const { pfxPath: _pfxPath, ...withoutCredentials } = testEnvironment;
    expect(bankIdConnectorConfigSchema.safeParse(withoutCredentials).success).toBe(false);
    expect(
      bankIdConnectorConfigSchema.safeParse({ ...testEnvironment, certPath: 'a.pem', keyPath: 'a.key' })
        .success,
    ).toBe(false);
    expect(
      bankIdConnectorConfigSchema.safeParse({ ...testEnvironment, baseUrl: 'http://x/rp/v6.0' }).success,
    ).toBe(false);
    expect(
      bankIdConnectorConfigSchema.safeParse({ ...testEnvironment, passphraseEnv: 'qwerty123' }).success,
    ).toBe(false);
    expect(
      bankIdConnectorConfigSchema.safeParse({ ...testEnvironment, passphrase: 'qwerty123' }).success,
    ).toBe(false);
  });

  it('fails loudly when the passphrase variable is not set', () => {
    expect(() => loadBankIdClientOptions(bankIdConnectorConfigSchema.parse(testEnvironment), {})).toThrow(
      /BANKID_PFX_PASSPHRASE/,
    );
  });
});
