import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BankIdClient } from './bankid.client';
import { BankIdSigningProvider } from './bankid.signing-provider';

/**
 * Opt-in smoke test against BankID's public test environment with the public test RP certificate:
 * `BANKID_TEST_ENV=1 npx jest connectors/bankid/bankid.test-environment`. Needs internet access,
 * so it is skipped by default (CI and these machines have none).
 */
const runAgainstTestEnvironment = process.env.BANKID_TEST_ENV === '1' ? describe : describe.skip;

runAgainstTestEnvironment('BankID public test environment', () => {
  it('checkConnection succeeds with FPTestcert5 and the pinned test SSL root', async () => {
    const certs = join(__dirname, 'certs');
    const client = new BankIdClient({
      baseUrl: 'https://appapi2.test.bankid.com/rp/v6.0',
      pfx: readFileSync(join(certs, 'FPTestcert5_20240610.p12')),
      passphrase: 'qwerty123',
      caPem: readFileSync(join(certs, 'test-ssl-root.pem'), 'utf8'),
      timeoutMs: 10_000,
    });
    try {
      const provider = new BankIdSigningProvider('bankid-test', client, { trustedRootPem: [] });
      await expect(provider.checkConnection()).resolves.toEqual(expect.objectContaining({ ok: true }));
    } finally {
      client.close();
    }
  });
});
