import { createHash } from 'node:crypto';
import forge from 'node-forge';
import type { IssuedCert } from './pki';

const { asn1 } = forge;

const OID_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
const OID_OCSP_NONCE = '1.3.6.1.5.5.7.48.1.2';
const OID_SHA1 = '1.3.14.3.2.26';
const OID_SHA256_WITH_RSA = '1.2.840.113549.1.1.11';

function generalizedTime(date: Date): forge.asn1.Asn1 {
  return asn1.create(
    asn1.Class.UNIVERSAL,
    asn1.Type.GENERALIZEDTIME,
    false,
    asn1.dateToGeneralizedTime(date),
  );
}

function sequence(items: forge.asn1.Asn1[]): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
}

function octetString(bytes: string): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bytes);
}

function explicit(tag: number, inner: forge.asn1.Asn1): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, true, [inner]);
}

function sha1Binary(binary: string): string {
  return createHash('sha1').update(Buffer.from(binary, 'binary')).digest().toString('binary');
}

/**
 * A real RFC 6960 OCSPResponse (DER) saying `good` for `subject`, signed by its issuing CA
 * (an issuer may sign its own OCSP responses, so no delegated responder certificate is needed).
 *
 * Like BankID's, it carries a nonce extension; BankID's nonce binds the response to the signature,
 * here the nonce is SHA-1 over the signature XML bytes (documented simulation choice).
 * `openssl ocsp -respin <file> -resp_text -noverify` parses it.
 */
export function buildOcspResponse(
  subject: IssuedCert,
  issuer: IssuedCert,
  producedAt: Date,
  nonceInput: Buffer,
): Buffer {
  const issuerNameDer = asn1.toDer(forge.pki.distinguishedNameToAsn1(issuer.cert.subject)).getBytes();
  const issuerKeyHash = forge.pki
    .getPublicKeyFingerprint(issuer.cert.publicKey, { type: 'RSAPublicKey', md: forge.md.sha1.create() })
    .getBytes();
  const certId = sequence([
    sequence([
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(OID_SHA1).getBytes()),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''),
    ]),
    octetString(sha1Binary(issuerNameDer)),
    octetString(issuerKeyHash),
    asn1.create(
      asn1.Class.UNIVERSAL,
      asn1.Type.INTEGER,
      false,
      forge.util.hexToBytes(subject.cert.serialNumber),
    ),
  ]);
  const singleResponse = sequence([
    certId,
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, ''), // certStatus good [0] IMPLICIT NULL
    generalizedTime(producedAt),
  ]);
  const nonceExtension = sequence([
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(OID_OCSP_NONCE).getBytes()),
    octetString(asn1.toDer(octetString(sha1Binary(nonceInput.toString('binary')))).getBytes()),
  ]);
  const responseData = sequence([
    explicit(1, forge.pki.distinguishedNameToAsn1(issuer.cert.subject)), // responderID byName
    generalizedTime(producedAt),
    sequence([singleResponse]),
    explicit(1, sequence([nonceExtension])),
  ]);
  const responseDataDer = asn1.toDer(responseData).getBytes();
  const md = forge.md.sha256.create();
  md.update(responseDataDer);
  const signature = issuer.keys.privateKey.sign(md);
  const basicResponse = sequence([
    responseData,
    sequence([
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(OID_SHA256_WITH_RSA).getBytes()),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''),
    ]),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, String.fromCharCode(0) + signature),
    explicit(0, sequence([forge.pki.certificateToAsn1(issuer.cert)])),
  ]);
  const ocspResponse = sequence([
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.ENUMERATED, false, String.fromCharCode(0)), // successful
    explicit(
      0,
      sequence([
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(OID_OCSP_BASIC).getBytes()),
        octetString(asn1.toDer(basicResponse).getBytes()),
      ]),
    ),
  ]);
  return Buffer.from(asn1.toDer(ocspResponse).getBytes(), 'binary');
}
