import { randomBytes } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import type { IssuedCert } from './pki';

const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const BANKID_TYPES_NS = 'http://www.bankid.com/signature/v1.0.0/types';

function pemBody(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

export interface SignatureInput {
  funcId: 'Signing' | 'Identification';
  /** Base64, exactly as the RP sent it (absent for an auth without visible data). */
  userVisibleDataBase64?: string;
  userNonVisibleDataBase64?: string;
  /** RP identity shown in srvInfo (BankID puts the RP certificate's DN there). */
  relyingPartyDn: string;
  relyingPartyDisplayName: string;
  deviceUhi: string;
  /** Leaf first: user, customer CA, root. */
  chain: IssuedCert[];
  signer: IssuedCert;
}

/**
 * Builds a BankID-style signature document with the same structure as a real one
 * (`data/bankid/sample-signature.xml`): root `Signature`, SignedInfo with c14n + rsa-sha256,
 * references `#bidSignedData` (Type = BankID types) and `#bidKeyInfo`, both c14n + sha256,
 * `KeyInfo Id="bidKeyInfo"` with the certificate chain, and `Object/bankIdSignedData`.
 */
export function buildSignatureXml(input: SignatureInput): string {
  const visible =
    input.userVisibleDataBase64 !== undefined
      ? `<usrVisibleData charset="UTF-8" visible="wysiwys">${escapeXml(input.userVisibleDataBase64)}</usrVisibleData>`
      : '';
  const nonVisible =
    input.userNonVisibleDataBase64 !== undefined
      ? `<usrNonVisibleData>${escapeXml(input.userNonVisibleDataBase64)}</usrNonVisibleData>`
      : '';
  const nonce = randomBytes(20).toString('base64');
  const clientVersion = b64(
    `Personal=7.12.1.5&BankID_exe=7.12.1.5&BISP=7.12.1.5&platform=simulator&os_version=1&uhi=${input.deviceUhi}&best_before=${Math.floor(Date.now() / 1000) + 30 * 86400}&`,
  );
  const signedData =
    `<bankIdSignedData xmlns="${BANKID_TYPES_NS}" Id="bidSignedData">` +
    visible +
    nonVisible +
    `<srvInfo><name>${b64(input.relyingPartyDn)}</name><nonce>${nonce}</nonce><displayName>${b64(input.relyingPartyDisplayName)}</displayName></srvInfo>` +
    `<clientInfo><funcId>${input.funcId}</funcId><version>${clientVersion}</version>` +
    `<env><ai><type>${b64('SIMULATOR')}</type><deviceInfo>${b64('1.0')}</deviceInfo><uhi>${input.deviceUhi}</uhi><fsib>0</fsib><utb>cs1</utb>` +
    `<requirement><condition><type>CertificatePolicies</type><value>1.2.3.4.5</value></condition></requirement><uauth>pw</uauth></ai></env>` +
    `</clientInfo></bankIdSignedData>`;

  const keyInfoContent = `<X509Data>${input.chain.map((c) => `<X509Certificate>${pemBody(c.certPem)}</X509Certificate>`).join('')}</X509Data>`;
  const signedXml = new SignedXml({
    privateKey: input.signer.keys.privateKeyPem,
    publicCert: input.signer.certPem,
    signatureAlgorithm: RSA_SHA256,
    canonicalizationAlgorithm: C14N,
    keyInfoAttributes: { Id: 'bidKeyInfo' },
    getKeyInfoContent: () => keyInfoContent,
    objects: [{ content: signedData }],
  });
  signedXml.addReference({
    xpath: "//*[local-name(.)='bankIdSignedData' and @Id='bidSignedData']",
    transforms: [C14N],
    digestAlgorithm: SHA256,
    type: BANKID_TYPES_NS,
  });
  signedXml.addReference({
    xpath: "//*[local-name(.)='KeyInfo' and @Id='bidKeyInfo']",
    transforms: [C14N],
    digestAlgorithm: SHA256,
  });
  // xml-crypto places a signature inside a document; the Object and KeyInfo it signs live inside
  // the Signature itself, so an empty carrier element is signed and the Signature lifted out. The
  // carrier declares no namespaces, so canonical forms (and digests) are the same once lifted.
  signedXml.computeSignature('<carrier/>', { location: { reference: '/*', action: 'append' } });
  return `<?xml version="1.0" encoding="UTF-8" standalone="no"?>${signedXml.getSignatureXml()}`;
}
