import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyBankIdSignature, type VerifyBankIdSignatureInput } from './signature-verifier';

// A real BankID test-environment signature (BankID/SampleCode, BSD-3; see test-fixtures/README.md).
const fixtures = join(__dirname, 'test-fixtures');
const sampleXml = readFileSync(join(fixtures, 'sample-signature.xml'), 'utf8');
const pinnedIssuingCa = readFileSync(join(fixtures, 'testbank-a-ca-v1-for-bankid-test.pem'), 'utf8');
const insideValidity = new Date('2023-01-15T12:00:00Z');

const baseInput: VerifyBankIdSignatureInput = {
  signatureXml: sampleXml,
  trustedRootPem: pinnedIssuingCa,
  expected: {
    personalNumber: '191212121212',
    userVisibleDataBase64: Buffer.from('signeringstext', 'utf8').toString('base64'),
    userNonVisibleDataBase64: Buffer.from('ej synlig', 'utf8').toString('base64'),
    // The sample is an identification (auth) signature.
    funcId: 'Identification',
  },
  verificationTime: insideValidity,
};

const failedChecks = (input: VerifyBankIdSignatureInput) =>
  verifyBankIdSignature(input)
    .checks.filter((check) => !check.ok)
    .map((check) => check.name);

/** Replaces exactly one occurrence (so a test cannot silently modify nothing). */
function replaceOnce(text: string, search: string, replacement: string): string {
  const index = text.indexOf(search);
  if (index < 0 || text.indexOf(search, index + 1) >= 0)
    throw new Error(`'${search.slice(0, 30)}' must occur exactly once`);
  return text.slice(0, index) + replacement + text.slice(index + search.length);
}

const certificates = [...sampleXml.matchAll(/<X509Certificate>([^<]+)<\/X509Certificate>/g)].map(
  (match) => match[1],
);

describe('verifyBankIdSignature with the real BankID sample', () => {
  it('accepts the unmodified sample, pinned at its issuing CA', () => {
    const result = verifyBankIdSignature(baseInput);
    expect(result.checks.filter((check) => !check.ok)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.signer).toEqual({ personalNumber: '191212121212', name: 'Tolvan Tolvansson' });
  });

  it('rejects changed usrVisibleData', () => {
    const modified = replaceOnce(
      sampleXml,
      'c2lnbmVyaW5nc3RleHQ=',
      Buffer.from('annan text').toString('base64'),
    );
    expect(failedChecks({ ...baseInput, signatureXml: modified })).toContain('xmldsig');
  });

  it('rejects changed usrNonVisibleData', () => {
    const modified = replaceOnce(
      sampleXml,
      '<usrNonVisibleData>ZWogc3lubGln<',
      `<usrNonVisibleData>${Buffer.from('ej synlig!').toString('base64')}<`,
    );
    expect(failedChecks({ ...baseInput, signatureXml: modified })).toContain('xmldsig');
  });

  it('rejects a changed certificate (leaf signature bytes altered, still parseable)', () => {
    const leaf = certificates[0];
    const position = leaf.length - 20;
    const alteredLeaf =
      leaf.slice(0, position) + (leaf[position] === 'A' ? 'B' : 'A') + leaf.slice(position + 1);
    const modified = replaceOnce(sampleXml, leaf, alteredLeaf);
    const failed = failedChecks({ ...baseInput, signatureXml: modified });
    expect(failed).toEqual(expect.arrayContaining(['xmldsig', 'certificateChain']));
  });

  it('rejects a changed intermediate certificate', () => {
    const intermediate = certificates[1];
    const position = intermediate.length - 30;
    const altered =
      intermediate.slice(0, position) +
      (intermediate[position] === 'A' ? 'B' : 'A') +
      intermediate.slice(position + 1);
    expect(
      verifyBankIdSignature({ ...baseInput, signatureXml: replaceOnce(sampleXml, intermediate, altered) })
        .valid,
    ).toBe(false);
  });

  it('rejects a changed SignatureValue', () => {
    const signatureValue = /<SignatureValue>([^<]+)<\/SignatureValue>/.exec(sampleXml)![1];
    const altered = (signatureValue[0] === 'A' ? 'B' : 'A') + signatureValue.slice(1);
    const modified = replaceOnce(sampleXml, signatureValue, altered);
    expect(failedChecks({ ...baseInput, signatureXml: modified })).toContain('xmldsig');
  });

  it('rejects data that differs from what was sent, and the wrong signer', () => {
    expect(
      failedChecks({ ...baseInput, expected: { ...baseInput.expected, userVisibleDataBase64: 'b3RoZXI=' } }),
    ).toEqual(['usrVisibleData']);
    expect(
      failedChecks({
        ...baseInput,
        expected: { ...baseInput.expected, userNonVisibleDataBase64: 'b3RoZXI=' },
      }),
    ).toEqual(['usrNonVisibleData']);
    expect(
      failedChecks({ ...baseInput, expected: { ...baseInput.expected, personalNumber: '189001019802' } }),
    ).toEqual(['signer.personalNumber']);
  });

  it("rejects an identification when a signing ('Signing') is expected", () => {
    expect(failedChecks({ ...baseInput, expected: { ...baseInput.expected, funcId: undefined } })).toEqual([
      'funcId',
    ]);
  });

  it('rejects outside the certificate validity and under another trust anchor', () => {
    expect(failedChecks({ ...baseInput, verificationTime: new Date('2024-01-01T00:00:00Z') })).toEqual([
      'certificateChain',
    ]);
    const leafAsAnchorOnly = `-----BEGIN CERTIFICATE-----\n${certificates[1]}\n-----END CERTIFICATE-----\n`;
    // Pinning the customer CA also works (it is in the chain) ...
    expect(verifyBankIdSignature({ ...baseInput, trustedRootPem: leafAsAnchorOnly }).valid).toBe(true);
    // ... but an unrelated anchor does not.
    const unrelated = readFileSync(join(__dirname, 'certs', 'test-ssl-root.pem'), 'utf8');
    expect(failedChecks({ ...baseInput, trustedRootPem: unrelated })).toEqual(['certificateChain']);
  });

  it('rejects signature wrapping: a second bankIdSignedData with other data', () => {
    const forgedObject = `<Object><bankIdSignedData xmlns="http://www.bankid.com/signature/v1.0.0/types" Id="bidSignedData"><usrVisibleData charset="UTF-8" visible="wysiwys">${Buffer.from('forged').toString('base64')}</usrVisibleData></bankIdSignedData></Object>`;
    const wrapped = replaceOnce(sampleXml, '<Object>', `${forgedObject}<Object>`);
    const result = verifyBankIdSignature({ ...baseInput, signatureXml: wrapped });
    expect(result.valid).toBe(false);
    expect(result.checks.find((check) => check.name === 'structure')?.ok).toBe(false);
  });

  it('rejects garbage and non-signature XML', () => {
    expect(verifyBankIdSignature({ ...baseInput, signatureXml: 'not xml' }).valid).toBe(false);
    expect(verifyBankIdSignature({ ...baseInput, signatureXml: '<a/>' }).valid).toBe(false);
  });
});
