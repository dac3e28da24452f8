/**
 * Wire types of the BankID Relying Party API v6.0 (only what this connector uses).
 * These never cross the SigningProvider port: the provider maps them to domain types.
 */

export interface BankIdRequirement {
  /** 12 digits: only this person can complete the order. */
  personalNumber?: string;
  pinCode?: boolean;
  mrtd?: boolean;
  certificatePolicies?: string[];
  risk?: 'low' | 'moderate';
}

export interface BankIdSignRequest {
  endUserIp: string;
  /** Base64 of UTF-8 text. */
  userVisibleData: string;
  userVisibleDataFormat?: 'simpleMarkdownV1';
  /** Base64 of arbitrary bytes. */
  userNonVisibleData?: string;
  requirement?: BankIdRequirement;
  returnUrl?: string;
  returnRisk?: boolean;
}

export type BankIdAuthRequest = Omit<BankIdSignRequest, 'userVisibleData'> & { userVisibleData?: string };

export interface BankIdOrderResponse {
  orderRef: string;
  autoStartToken: string;
  qrStartToken: string;
  qrStartSecret: string;
}

export interface BankIdCompletionData {
  user: { personalNumber: string; name: string; givenName: string; surname: string };
  device?: { ipAddress?: string; uhi?: string };
  bankIdIssueDate?: string;
  stepUp?: { mrtd: boolean };
  /** Base64 XMLDSig document. */
  signature: string;
  /** Base64 DER OCSP response. */
  ocspResponse: string;
  risk?: string;
}

export type BankIdOrderStatus = 'pending' | 'failed' | 'complete';

export interface BankIdCollectResponse {
  orderRef: string;
  status: BankIdOrderStatus;
  hintCode?: string;
  completionData?: BankIdCompletionData;
}

export interface BankIdErrorBody {
  errorCode: string;
  details: string;
}

/** Hint codes documented for v6.0 (unknown ones will appear and must be tolerated). */
export const KNOWN_PENDING_HINT_CODES = [
  'outstandingTransaction',
  'noClient',
  'started',
  'userMrtd',
  'userCallConfirm',
  'userSign',
] as const;

export const KNOWN_FAILED_HINT_CODES = [
  'expiredTransaction',
  'certificateErr',
  'userCancel',
  'cancelled',
  'startFailed',
  'userDeclinedCall',
  'notSupportedByUserApp',
  'transactionRiskBlocked',
] as const;
