import forge from 'node-forge';

const OID_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';

export interface OcspInspection {
  ok: boolean;
  detail: string;
  producedAt?: Date;
  certStatus?: 'good' | 'revoked' | 'unknown';
  serialNumberHex?: string;
}

/**
 * Reads the parts of a BankID OCSP response (RFC 6960) the evidence record needs: response
 * status, the single response's certificate serial and status, and producedAt (the best
 * available signing time: BankID's signature XML itself has no timestamp).
 * Does NOT verify the OCSP responder's signature (that needs the responder chain).
 */
export function inspectOcspResponse(ocspResponseBase64: string, expectedSerialHex?: string): OcspInspection {
  try {
    const der = Buffer.from(ocspResponseBase64, 'base64').toString('binary');
    const response = forge.asn1.fromDer(der) as forge.asn1.Asn1;
    const items = response.value as forge.asn1.Asn1[];
    const responseStatus = (items[0].value as string).charCodeAt(0);
    if (responseStatus !== 0)
      return { ok: false, detail: `OCSP responseStatus ${responseStatus} (not successful)` };
    const responseBytes = (items[1].value as forge.asn1.Asn1[])[0].value as forge.asn1.Asn1[];
    if (forge.asn1.derToOid(responseBytes[0].value as string) !== OID_OCSP_BASIC)
      return { ok: false, detail: 'not a basic OCSP response' };
    const basic = forge.asn1.fromDer(responseBytes[1].value as string) as forge.asn1.Asn1;
    const responseData = (basic.value as forge.asn1.Asn1[])[0].value as forge.asn1.Asn1[];
    // Optional [0] version first, then responderID, producedAt, responses.
    const offset =
      responseData[0].tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && responseData[0].type === 0 ? 1 : 0;
    const producedAt = forge.asn1.generalizedTimeToDate(responseData[offset + 1].value as string);
    const singleResponse = (responseData[offset + 2].value as forge.asn1.Asn1[])[0]
      .value as forge.asn1.Asn1[];
    const certId = singleResponse[0].value as forge.asn1.Asn1[];
    const serialNumberHex = forge.util
      .bytesToHex(certId[3].value as string)
      .replace(/^(00)+(?=.)/, '')
      .toLowerCase();
    const statusTag = singleResponse[1].type;
    const certStatus = statusTag === 0 ? 'good' : statusTag === 1 ? 'revoked' : 'unknown';
    const serialMatches =
      expectedSerialHex === undefined ||
      expectedSerialHex.replace(/^(00)+(?=.)/, '').toLowerCase() === serialNumberHex;
    const ok = certStatus === 'good' && serialMatches;
    const detail = !serialMatches
      ? 'OCSP response is for another certificate'
      : `certStatus ${certStatus}, producedAt ${producedAt.toISOString()}`;
    return { ok, detail, producedAt, certStatus, serialNumberHex };
  } catch (error) {
    return { ok: false, detail: `unreadable OCSP response: ${(error as Error).message.slice(0, 120)}` };
  }
}
