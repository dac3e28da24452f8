import { X509Certificate } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import forge from 'node-forge';
import { SignedXml } from 'xml-crypto';
import { inspectOcspResponse } from './ocsp-inspector';

const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
const BANKID_TYPES_NS = 'http://www.bankid.com/signature/v1.0.0/types';
const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
const ALLOWED_SIGNATURE_METHODS = new Set(['http://www.w3.org/2001/04/xmldsig-more#rsa-sha256']);
const ALLOWED_DIGEST_METHODS = new Set(['http://www.w3.org/2001/04/xmlenc#sha256']);
const OID_SERIAL_NUMBER = '2.5.4.5';
const OID_COMMON_NAME = '2.5.4.3';

export interface VerificationCheck {
  name: string;
  ok: boolean;
  detail?: string;
}

export interface VerifyBankIdSignatureInput {
  /** The signature document (base64-decoded `completionData.signature`). */
  signatureXml: string;
  /** Trust anchor(s): the chain in KeyInfo must lead to one of these (PEM). */
  trustedRootPem: string | string[];
  expected: {
    personalNumber?: string;
    userVisibleDataBase64?: string;
    userNonVisibleDataBase64?: string;
    /** Default 'Signing'; an auth (identification) signature has 'Identification'. */
    funcId?: 'Signing' | 'Identification';
  };
  /** When the certificates must be valid; default now. */
  verificationTime?: Date;
  /**
   * The order's `completionData.ocspResponse` (base64 DER). When given, it must say `good` for the
   * leaf certificate, and its producedAt becomes `signedAt`.
   */
  ocspResponseBase64?: string;
}

export interface VerifyBankIdSignatureResult {
  valid: boolean;
  checks: VerificationCheck[];
  signer?: { personalNumber: string; name: string };
  /** BankID's signature XML has no signing time: this is the OCSP producedAt, when an OCSP response was given. */
  signedAt?: Date;
}

type XmlElement = ReturnType<DOMParser['parseFromString']>['documentElement'] & object;

function elementChildren(parent: XmlElement): XmlElement[] {
  const result: XmlElement[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1) result.push(node as unknown as XmlElement);
  }
  return result;
}

function childrenNamed(parent: XmlElement, namespace: string, localName: string): XmlElement[] {
  return elementChildren(parent).filter(
    (child) => child.namespaceURI === namespace && child.localName === localName,
  );
}

function onlyChild(parent: XmlElement, namespace: string, localName: string): XmlElement | undefined {
  const found = childrenNamed(parent, namespace, localName);
  return found.length === 1 ? found[0] : undefined;
}

function parseXml(xml: string): XmlElement {
  const errors: string[] = [];
  const document = new DOMParser({
    onError: (level: string, message: string) => {
      if (level !== 'warning') errors.push(message);
    },
  }).parseFromString(xml, 'text/xml');
  if (errors.length > 0 || !document.documentElement) {
    throw new Error(`XML is not well-formed: ${errors[0] ?? 'no root element'}`);
  }
  return document.documentElement as unknown as XmlElement;
}

/** Every element carrying an Id/ID/id attribute with this value (xml-crypto resolves all three). */
function countIdBearers(root: XmlElement, id: string): number {
  let count = 0;
  const visit = (element: XmlElement): void => {
    for (const attributeName of ['Id', 'ID', 'id']) {
      if (element.getAttribute(attributeName) === id) count += 1;
    }
    elementChildren(element).forEach(visit);
  };
  visit(root);
  return count;
}

function toPem(base64Der: string): string {
  const body = base64Der.replace(/\s+/g, '');
  return `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END CERTIFICATE-----\n`;
}

function subjectAttribute(certificate: X509Certificate, oid: string): string | undefined {
  // forge reads the raw DER, so attribute values come back exactly as encoded (no DN escaping).
  const asn1 = forge.asn1.fromDer(certificate.raw.toString('binary'));
  const parsed = forge.pki.certificateFromAsn1(asn1, false);
  const attribute = parsed.subject.attributes.find((candidate) => candidate.type === oid);
  if (!attribute || typeof attribute.value !== 'string') return undefined;
  return attribute.valueTagClass === (forge.asn1.Type.UTF8 as unknown)
    ? forge.util.decodeUtf8(attribute.value)
    : attribute.value;
}

function validAt(certificate: X509Certificate, time: Date): boolean {
  return (
    new Date(certificate.validFrom).getTime() <= time.getTime() &&
    time.getTime() <= new Date(certificate.validTo).getTime()
  );
}

function issuedBy(child: X509Certificate, parent: X509Certificate): boolean {
  return child.checkIssued(parent) && child.verify(parent.publicKey);
}

/**
 * Verifies a BankID signature document (DOMAIN.md "Signature XML", DESIGN.md §5 "Evidence").
 *
 * Reads the signed data only from the bytes xml-crypto actually verified (its canonical
 * signed references), and checks the document's structure first, so a wrapped or duplicated
 * `bidSignedData`/`bidKeyInfo` cannot make unsigned content look signed.
 */
export function verifyBankIdSignature(input: VerifyBankIdSignatureInput): VerifyBankIdSignatureResult {
  const checks: VerificationCheck[] = [];
  const check = (name: string, ok: boolean, detail?: string): boolean => {
    checks.push({ name, ok, ...(detail ? { detail } : {}) });
    return ok;
  };
  const fail = (): VerifyBankIdSignatureResult => ({ valid: false, checks });
  const verificationTime = input.verificationTime ?? new Date();
  const expectedFuncId = input.expected.funcId ?? 'Signing';

  // ---- 1. structure: exactly the BankID layout, nothing more
  let root: XmlElement;
  try {
    root = parseXml(input.signatureXml);
  } catch (error) {
    check('xml.wellFormed', false, (error as Error).message);
    return fail();
  }
  const isSignatureRoot = root.namespaceURI === DSIG_NS && root.localName === 'Signature';
  const signedInfo = isSignatureRoot ? onlyChild(root, DSIG_NS, 'SignedInfo') : undefined;
  const keyInfo = isSignatureRoot ? onlyChild(root, DSIG_NS, 'KeyInfo') : undefined;
  const objects = isSignatureRoot ? childrenNamed(root, DSIG_NS, 'Object') : [];
  const signedDataElement =
    objects.length === 1 ? onlyChild(objects[0], BANKID_TYPES_NS, 'bankIdSignedData') : undefined;
  const references = signedInfo ? childrenNamed(signedInfo, DSIG_NS, 'Reference') : [];
  const referenceUris = references.map((reference) => reference.getAttribute('URI')).sort();
  const structureProblems: string[] = [];
  if (!isSignatureRoot) structureProblems.push('root is not ds:Signature');
  if (!signedInfo) structureProblems.push('not exactly one SignedInfo');
  if (!keyInfo || keyInfo.getAttribute('Id') !== 'bidKeyInfo')
    structureProblems.push('KeyInfo Id="bidKeyInfo" missing');
  if (!signedDataElement || signedDataElement.getAttribute('Id') !== 'bidSignedData')
    structureProblems.push('Object/bankIdSignedData Id="bidSignedData" missing');
  if (referenceUris.join(' ') !== '#bidKeyInfo #bidSignedData')
    structureProblems.push(
      `references are ${referenceUris.join(', ') || 'none'}, expected #bidSignedData and #bidKeyInfo`,
    );
  if (countIdBearers(root, 'bidSignedData') !== 1 || countIdBearers(root, 'bidKeyInfo') !== 1)
    structureProblems.push('duplicate Id values (possible signature wrapping)');
  if (root.ownerDocument!.getElementsByTagNameNS(DSIG_NS, 'Signature').length !== 1)
    structureProblems.push('more than one Signature element');
  if (signedInfo) {
    const signatureMethod = onlyChild(signedInfo, DSIG_NS, 'SignatureMethod')?.getAttribute('Algorithm');
    const canonicalizationMethod = onlyChild(signedInfo, DSIG_NS, 'CanonicalizationMethod')?.getAttribute(
      'Algorithm',
    );
    if (!signatureMethod || !ALLOWED_SIGNATURE_METHODS.has(signatureMethod))
      structureProblems.push(`signature method ${signatureMethod ?? 'missing'} not allowed`);
    if (canonicalizationMethod !== C14N)
      structureProblems.push(`canonicalization ${canonicalizationMethod ?? 'missing'} not allowed`);
    for (const reference of references) {
      const digestMethod = onlyChild(reference, DSIG_NS, 'DigestMethod')?.getAttribute('Algorithm');
      if (!digestMethod || !ALLOWED_DIGEST_METHODS.has(digestMethod))
        structureProblems.push(`digest method ${digestMethod ?? 'missing'} not allowed`);
      const transforms = onlyChild(reference, DSIG_NS, 'Transforms');
      const transformAlgorithms = transforms
        ? childrenNamed(transforms, DSIG_NS, 'Transform').map((t) => t.getAttribute('Algorithm'))
        : [];
      if (transformAlgorithms.join(' ') !== C14N)
        structureProblems.push('reference transforms must be exactly c14n');
    }
  }
  if (
    !check(
      'structure',
      structureProblems.length === 0,
      structureProblems.join('; ') || 'BankID signature layout',
    )
  ) {
    return fail();
  }

  // ---- 2. certificates from KeyInfo (leaf first, as BankID sends them)
  const x509Data = onlyChild(keyInfo!, DSIG_NS, 'X509Data');
  const certificateTexts = x509Data
    ? childrenNamed(x509Data, DSIG_NS, 'X509Certificate').map((element) => element.textContent ?? '')
    : [];
  let chain: X509Certificate[];
  try {
    chain = certificateTexts.map((text) => new X509Certificate(toPem(text)));
  } catch (error) {
    check('certificates.parse', false, `unreadable certificate in KeyInfo: ${(error as Error).message}`);
    return fail();
  }
  if (!check('certificates.present', chain.length > 0, `${chain.length} certificate(s) in KeyInfo`))
    return fail();
  const leaf = chain[0];

  // ---- 3. XMLDSig: both references and the signature value, with the leaf's key
  let signedReferenceByUri = new Map<string, string>();
  try {
    const signedXml = new SignedXml({ publicCert: leaf.toString(), getCertFromKeyInfo: () => null });
    signedXml.loadSignature(root as unknown as Parameters<SignedXml['loadSignature']>[0]);
    const ok = signedXml.checkSignature(input.signatureXml);
    const verifiedReferences = signedXml.getReferences();
    signedReferenceByUri = new Map(
      verifiedReferences
        .filter((reference) => reference.signedReference !== undefined)
        .map((reference) => [reference.uri, reference.signedReference!]),
    );
    const allVerified = ok && verifiedReferences.length === 2 && signedReferenceByUri.size === 2;
    check(
      'xmldsig',
      allVerified,
      allVerified
        ? 'signature value and both references verified with the leaf certificate key'
        : 'a reference digest does not match',
    );
  } catch (error) {
    check('xmldsig', false, (error as Error).message.slice(0, 200));
  }
  const signedSignedData = signedReferenceByUri.get('#bidSignedData');
  const signedKeyInfo = signedReferenceByUri.get('#bidKeyInfo');

  // ---- 4. the signed KeyInfo holds the leaf we verified with (bind key to chain)
  if (signedKeyInfo) {
    const signedKeyInfoRoot = parseXml(signedKeyInfo);
    const signedCerts = Array.from(signedKeyInfoRoot.getElementsByTagNameNS(DSIG_NS, 'X509Certificate')).map(
      (e) => (e.textContent ?? '').replace(/\s+/g, ''),
    );
    const sameChain =
      signedCerts.length === chain.length &&
      signedCerts.every((text, index) => Buffer.from(text, 'base64').equals(chain[index].raw));
    check(
      'keyInfo.signed',
      sameChain,
      sameChain ? 'the certificates used are the signed ones' : 'certificates differ from the signed KeyInfo',
    );
  } else {
    check('keyInfo.signed', false, 'KeyInfo reference not verified');
  }

  // ---- 5. certificate chain to a pinned trust anchor at verificationTime
  const anchors = (Array.isArray(input.trustedRootPem) ? input.trustedRootPem : [input.trustedRootPem]).map(
    (pem) => new X509Certificate(pem),
  );
  const chainProblems: string[] = [];
  if (leaf.ca) chainProblems.push('signing certificate is a CA certificate, not a leaf');
  let trusted = false;
  for (let index = 0; index < chain.length && !trusted && chainProblems.length === 0; index++) {
    const current = chain[index];
    if (!validAt(current, verificationTime)) {
      chainProblems.push(
        `certificate ${index} (${current.subject.split('\n').pop()}) not valid at ${verificationTime.toISOString()} (${current.validFrom} – ${current.validTo})`,
      );
      break;
    }
    if (index > 0 && !current.ca) {
      chainProblems.push(`certificate ${index} issues certificates but is not a CA`);
      break;
    }
    if (anchors.some((anchor) => anchor.raw.equals(current.raw))) {
      trusted = true;
      break;
    }
    const anchor = anchors.find((candidate) => issuedBy(current, candidate));
    if (anchor) {
      if (!validAt(anchor, verificationTime)) {
        chainProblems.push('trust anchor not valid at verification time');
      } else {
        trusted = true;
      }
      break;
    }
    const next = chain[index + 1];
    if (!next || !issuedBy(current, next)) {
      chainProblems.push(
        `certificate ${index} is not issued by the next certificate in KeyInfo nor by a trusted anchor`,
      );
      break;
    }
  }
  if (!trusted && chainProblems.length === 0) chainProblems.push('chain does not reach a trusted anchor');
  check(
    'certificateChain',
    trusted && chainProblems.length === 0,
    chainProblems.join('; ') || 'leaf → trusted anchor verified',
  );

  // ---- 6. signed data, read ONLY from the verified canonical bytes
  let signer: VerifyBankIdSignatureResult['signer'];
  if (!signedSignedData) {
    check('signedData', false, 'bidSignedData reference not verified');
  } else {
    const data = parseXml(signedSignedData);
    const isSignedData =
      data.namespaceURI === BANKID_TYPES_NS &&
      data.localName === 'bankIdSignedData' &&
      data.getAttribute('Id') === 'bidSignedData';
    check(
      'signedData.element',
      isSignedData,
      isSignedData ? undefined : 'the bidSignedData reference does not point at bankIdSignedData',
    );
    const text = (parent: XmlElement | undefined, localName: string): string | undefined => {
      const element = parent ? onlyChild(parent, BANKID_TYPES_NS, localName) : undefined;
      return element ? (element.textContent ?? '').trim() : undefined;
    };
    const clientInfo = onlyChild(data, BANKID_TYPES_NS, 'clientInfo');
    const funcId = text(clientInfo, 'funcId');
    check(
      'funcId',
      funcId === expectedFuncId,
      `funcId is ${funcId ?? 'missing'}, expected ${expectedFuncId}`,
    );
    if (input.expected.userVisibleDataBase64 !== undefined) {
      const visible = text(data, 'usrVisibleData');
      check(
        'usrVisibleData',
        visible === input.expected.userVisibleDataBase64,
        visible === input.expected.userVisibleDataBase64
          ? 'equals what was sent'
          : 'differs from what was sent',
      );
    }
    if (input.expected.userNonVisibleDataBase64 !== undefined) {
      // An empty expectation means "nothing was sent": the element must then be absent.
      const nonVisible = text(data, 'usrNonVisibleData') ?? '';
      check(
        'usrNonVisibleData',
        nonVisible === input.expected.userNonVisibleDataBase64,
        nonVisible === input.expected.userNonVisibleDataBase64
          ? 'equals what was sent'
          : 'differs from what was sent',
      );
    }
  }

  // ---- 7. the signer: personal number in the leaf certificate's subject serialNumber
  try {
    const personalNumber = subjectAttribute(leaf, OID_SERIAL_NUMBER);
    const name = subjectAttribute(leaf, OID_COMMON_NAME) ?? '';
    if (personalNumber) signer = { personalNumber, name };
    if (input.expected.personalNumber !== undefined) {
      // Never put the personal numbers themselves in the detail (they end up in logs/evidence).
      check(
        'signer.personalNumber',
        personalNumber === input.expected.personalNumber,
        personalNumber === input.expected.personalNumber
          ? 'leaf serialNumber equals the expected signer'
          : 'leaf serialNumber is a different person',
      );
    } else {
      check(
        'signer.personalNumber',
        Boolean(personalNumber),
        personalNumber ? 'present (not compared)' : 'leaf has no serialNumber',
      );
    }
  } catch (error) {
    check('signer.personalNumber', false, `cannot read the leaf subject: ${(error as Error).message}`);
  }

  // ---- 8. OCSP response for the leaf (optional input)
  let signedAt: Date | undefined;
  if (input.ocspResponseBase64 !== undefined) {
    const ocsp = inspectOcspResponse(input.ocspResponseBase64, leaf.serialNumber);
    check('ocspResponse', ocsp.ok, ocsp.detail);
    if (ocsp.ok) signedAt = ocsp.producedAt;
  }

  const valid = checks.every((entry) => entry.ok);
  return { valid, checks, ...(signer ? { signer } : {}), ...(signedAt ? { signedAt } : {}) };
}
