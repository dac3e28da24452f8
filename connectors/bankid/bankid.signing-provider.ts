import type {
  CollectResult,
  ConnectionCheck,
  EvidenceVerification,
  SigningCompletion,
  SigningProvider,
  StartedSignOrder,
  StartSignRequest,
} from '../../src/core/connectors/ports';
import { ConnectorError } from '../../src/core/errors';
import { BankIdClient } from './bankid.client';
import { normaliseEndUserIp } from './end-user-ip';
import { animatedQrData } from './qr';
import { verifyBankIdSignature } from './signature-verifier';
import { userMessageFor, userMessageForError, type UserMessageContext } from './user-messages';

const ERROR_HINTS = new Set([
  'alreadyInProgress',
  'maintenance',
  'internalError',
  'tooManyRequests',
  'requestTimeout',
  'network',
  'timeout',
]);

export interface BankIdSigningProviderOptions {
  /** Trust anchor(s) (PEM) for the signature certificate chain. */
  trustedRootPem: string | string[];
  /** How the user starts the app (selects RFA texts). Default: QR code on a computer. */
  userMessageContext?: UserMessageContext;
  /** Clock for certificate validity checks (tests). */
  now?: () => Date;
}

const TWELVE_DIGITS = /^\d{12}$/;

/**
 * SigningProvider over the BankID RP API v6.0.
 *
 * Maps the port's plain-text/bytes request to BankID's base64 fields and maps collect responses
 * back to domain results. Unknown hint codes are passed through: an unknown `pending` hint stays
 * pending and an unknown `failed` hint stays failed, as BankID asks integrators to do.
 */
export class BankIdSigningProvider implements SigningProvider {
  constructor(
    readonly name: string,
    private readonly client: BankIdClient,
    private readonly options: BankIdSigningProviderOptions,
  ) {}

  async checkConnection(): Promise<ConnectionCheck> {
    try {
      await this.client.ping();
      return { ok: true, detail: 'mTLS handshake and API call to BankID succeeded' };
    } catch (error) {
      const detail = error instanceof ConnectorError ? `${error.code}: ${error.message}` : 'unexpected error';
      return { ok: false, detail };
    }
  }

  async startSign(request: StartSignRequest): Promise<StartedSignOrder> {
    if (!TWELVE_DIGITS.test(request.personalNumber)) {
      throw ConnectorError.permanent('bankid.invalidPersonalNumber', 'personalNumber must be 12 digits');
    }
    let endUserIp: string;
    try {
      endUserIp = normaliseEndUserIp(request.endUserIp);
    } catch (error) {
      throw ConnectorError.permanent('bankid.invalidEndUserIp', 'endUserIp is not a valid IP address', error);
    }
    if (request.userVisibleData.length === 0) {
      throw ConnectorError.permanent('bankid.invalidParameters', 'userVisibleData must not be empty');
    }
    const order = await this.client.sign({
      endUserIp,
      userVisibleData: Buffer.from(request.userVisibleData, 'utf8').toString('base64'),
      userVisibleDataFormat: 'simpleMarkdownV1',
      userNonVisibleData:
        request.userNonVisibleData.length > 0 ? request.userNonVisibleData.toString('base64') : undefined,
      requirement: { personalNumber: request.personalNumber },
      ...(request.returnUrl ? { returnUrl: request.returnUrl } : {}),
    });
    return {
      orderRef: order.orderRef,
      autoStartToken: order.autoStartToken,
      qrStartToken: order.qrStartToken,
      qrStartSecret: order.qrStartSecret,
    };
  }

  async collect(orderRef: string): Promise<CollectResult> {
    const response = await this.client.collect(orderRef);
    switch (response.status) {
      case 'pending':
        return { status: 'pending', hintCode: response.hintCode ?? 'unknown' };
      case 'failed':
        return { status: 'failed', hintCode: response.hintCode ?? 'unknown' };
      case 'complete': {
        // parseCollectResponse guarantees completionData on `complete`.
        const completion = response.completionData!;
        return {
          status: 'complete',
          completion: {
            personalNumber: completion.user.personalNumber,
            name: completion.user.name,
            givenName: completion.user.givenName,
            surname: completion.user.surname,
            signatureXmlBase64: completion.signature,
            ocspResponseBase64: completion.ocspResponse,
            bankIdIssueDate: completion.bankIdIssueDate,
            deviceIpAddress: completion.device?.ipAddress,
          },
        };
      }
    }
  }

  async cancel(orderRef: string): Promise<void> {
    await this.client.cancel(orderRef);
  }

  qrData(order: Pick<StartedSignOrder, 'qrStartToken' | 'qrStartSecret'>, secondsSinceStart: number): string {
    return animatedQrData(order.qrStartToken, order.qrStartSecret, secondsSinceStart);
  }

  async verifyCompletion(
    completion: SigningCompletion,
    expected: { personalNumber: string; userVisibleData: string; userNonVisibleData: Buffer },
  ): Promise<EvidenceVerification> {
    const result = verifyBankIdSignature({
      signatureXml: Buffer.from(completion.signatureXmlBase64, 'base64').toString('utf8'),
      trustedRootPem: this.options.trustedRootPem,
      expected: {
        personalNumber: expected.personalNumber,
        userVisibleDataBase64: Buffer.from(expected.userVisibleData, 'utf8').toString('base64'),
        // '' when nothing was sent: the signed data must then have no usrNonVisibleData.
        userNonVisibleDataBase64: expected.userNonVisibleData.toString('base64'),
        funcId: 'Signing',
      },
      verificationTime: this.options.now?.(),
      ocspResponseBase64: completion.ocspResponseBase64,
    });
    const checks = [...result.checks];
    // completionData.user must agree with the certificate that actually signed.
    const userMatches =
      result.signer?.personalNumber === completion.personalNumber &&
      completion.personalNumber === expected.personalNumber;
    checks.push({
      name: 'completion.user',
      ok: userMatches,
      detail: userMatches
        ? 'completionData.user is the signer'
        : 'completionData.user differs from the signer or the expected person',
    });
    return { valid: checks.every((check) => check.ok), checks };
  }

  userMessage(
    status: 'pending' | 'failed' | 'complete',
    hintCode?: string,
    context?: { sameDevice?: boolean },
  ): { code: string; text: string } {
    const base = this.options.userMessageContext ?? {};
    // Errors the hub records as a session's hint (e.g. alreadyInProgress at start) get their RFA text too.
    if (status === 'failed' && hintCode && ERROR_HINTS.has(hintCode)) return userMessageForError(hintCode);
    return userMessageFor(
      status,
      hintCode,
      context?.sameDevice === undefined ? base : { ...base, qrCode: !context.sameDevice },
    );
  }
}
