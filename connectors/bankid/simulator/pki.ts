import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/**
 * Test PKI generated at simulator start-up with node-forge (certificates) and Node's crypto
 * (RSA keys: forge's pure-JS RSA generation takes seconds, OpenSSL's takes milliseconds).
 */

export interface KeyPair {
  privateKeyPem: string;
  publicKey: forge.pki.rsa.PublicKey;
  privateKey: forge.pki.rsa.PrivateKey;
}

export interface IssuedCert {
  cert: forge.pki.Certificate;
  certPem: string;
  keys: KeyPair;
}

export function generateRsaKeyPair(): KeyPair {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const forgePrivate = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  const forgePublic = forge.pki.setRsaPublicKey(forgePrivate.n, forgePrivate.e);
  return { privateKeyPem: privateKey, privateKey: forgePrivate, publicKey: forgePublic };
}

function randomSerialHex(): string {
  // Positive (high bit clear) 16-byte serial.
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x01;
  return bytes.toString('hex');
}

type Attribute = forge.pki.CertificateField;

export interface CertSpec {
  subject: Attribute[];
  keys: KeyPair;
  issuer?: IssuedCert; // undefined = self-signed
  isCa: boolean;
  pathLen?: number;
  notBefore?: Date;
  validDays: number;
  extensions?: object[];
}

export function issueCertificate(spec: CertSpec): IssuedCert {
  const cert = forge.pki.createCertificate();
  cert.publicKey = spec.keys.publicKey;
  cert.serialNumber = randomSerialHex();
  const notBefore = spec.notBefore ?? new Date(Date.now() - 24 * 3600 * 1000);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = new Date(notBefore.getTime() + spec.validDays * 24 * 3600 * 1000);
  cert.setSubject(spec.subject);
  cert.setIssuer(spec.issuer ? spec.issuer.cert.subject.attributes : spec.subject);
  const extensions: object[] = [
    {
      name: 'basicConstraints',
      cA: spec.isCa,
      critical: true,
      ...(spec.pathLen !== undefined ? { pathLenConstraint: spec.pathLen } : {}),
    },
    spec.isCa
      ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }
      : {
          name: 'keyUsage',
          digitalSignature: true,
          nonRepudiation: true,
          keyEncipherment: true,
          critical: true,
        },
    { name: 'subjectKeyIdentifier' },
    ...(spec.extensions ?? []),
  ];
  if (spec.issuer) {
    extensions.push({
      name: 'authorityKeyIdentifier',
      keyIdentifier: spec.issuer.cert.generateSubjectKeyIdentifier().getBytes(),
    });
  }
  cert.setExtensions(extensions);
  cert.sign((spec.issuer?.keys ?? spec.keys).privateKey, forge.md.sha256.create());
  return { cert, certPem: forge.pki.certificateToPem(cert), keys: spec.keys };
}

const utf8 = (name: string, value: string): Attribute => ({
  name,
  value,
  valueTagClass: forge.asn1.Type.UTF8 as unknown as Attribute['valueTagClass'],
});
const printable = (name: string, value: string): Attribute => ({ name, value });

export interface SimulatorPki {
  tlsCa: IssuedCert;
  tlsServer: IssuedCert;
  rpClient: IssuedCert;
  rpClientPfx: Buffer;
  rpClientPassphrase: string;
  signingRoot: IssuedCert;
  signingIntermediate: IssuedCert;
  /** Key shared by all simulated users (each user still gets their own certificate). */
  userKeys: KeyPair;
  userCertificate(personalNumber: string, givenName: string, surname: string): IssuedCert;
}

export function createSimulatorPki(): SimulatorPki {
  const tlsCa = issueCertificate({
    subject: [
      printable('countryName', 'SE'),
      utf8('organizationName', 'Grade Catalog Hub Test'),
      utf8('commonName', 'Simulated BankID TLS CA Test'),
    ],
    keys: generateRsaKeyPair(),
    isCa: true,
    validDays: 365,
  });
  const tlsServer = issueCertificate({
    subject: [printable('countryName', 'SE'), utf8('commonName', 'localhost')],
    keys: generateRsaKeyPair(),
    issuer: tlsCa,
    isCa: false,
    validDays: 30,
    extensions: [
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  const rpClient = issueCertificate({
    subject: [
      printable('countryName', 'SE'),
      utf8('organizationName', 'Simulated Relying Party'),
      printable('serialNumber', '5566304928'),
      utf8('commonName', 'FP Testcert Simulated'),
    ],
    keys: generateRsaKeyPair(),
    issuer: tlsCa,
    isCa: false,
    validDays: 30,
    extensions: [{ name: 'extKeyUsage', clientAuth: true }],
  });
  const rpClientPassphrase = 'simulator';
  const p12 = forge.pkcs12.toPkcs12Asn1(rpClient.keys.privateKey, [rpClient.cert], rpClientPassphrase, {
    algorithm: '3des',
  });
  const rpClientPfx = Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary');

  const signingRoot = issueCertificate({
    subject: [
      utf8('organizationName', 'Simulated BankID'),
      utf8('commonName', 'Simulated BankID Root CA Test'),
    ],
    keys: generateRsaKeyPair(),
    isCa: true,
    validDays: 3650,
  });
  const signingIntermediate = issueCertificate({
    subject: [
      printable('countryName', 'SE'),
      utf8('organizationName', 'Simulated Bank AB (publ)'),
      printable('serialNumber', '111111111111'),
      utf8('commonName', 'Simulated Bank Customer CA'),
    ],
    keys: generateRsaKeyPair(),
    issuer: signingRoot,
    isCa: true,
    pathLen: 0,
    validDays: 3650,
  });
  const userKeys = generateRsaKeyPair();
  const userCertCache = new Map<string, IssuedCert>();

  return {
    tlsCa,
    tlsServer,
    rpClient,
    rpClientPfx,
    rpClientPassphrase,
    signingRoot,
    signingIntermediate,
    userKeys,
    userCertificate(personalNumber, givenName, surname) {
      const cacheKey = `${personalNumber}|${givenName}|${surname}`;
      const cached = userCertCache.get(cacheKey);
      if (cached) return cached;
      const fullName = `${givenName} ${surname}`;
      const issued = issueCertificate({
        // Same attribute set and order as a real BankID user certificate (see the sample).
        subject: [
          printable('countryName', 'SE'),
          utf8('organizationName', 'Simulated Bank AB (publ)'),
          utf8('surname', surname),
          utf8('givenName', givenName),
          printable('serialNumber', personalNumber),
          {
            type: '2.5.4.41',
            value: `${fullName} - BankID simulator`,
            valueTagClass: forge.asn1.Type.UTF8 as unknown as Attribute['valueTagClass'],
          },
          utf8('commonName', fullName),
        ],
        keys: userKeys,
        issuer: signingIntermediate,
        isCa: false,
        validDays: 365,
      });
      userCertCache.set(cacheKey, issued);
      return issued;
    },
  };
}

/** DER bytes of a forge certificate. */
export function certificateDer(cert: forge.pki.Certificate): Buffer {
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
}
