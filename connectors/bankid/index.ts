/** BankID connector: public surface (DESIGN.md §3 "Connectors"). */
export { BankIdClient, mapHttpError, unpackPkcs12 } from './bankid.client';
export type { BankIdClientOptions } from './bankid.client';
export { BankIdSigningProvider } from './bankid.signing-provider';
export type { BankIdSigningProviderOptions } from './bankid.signing-provider';
export {
  bankIdConnectorConfigSchema,
  createBankIdSigningProvider,
  loadBankIdClientOptions,
  loadTrustedRoots,
} from './config';
export type { BankIdConnectorConfig } from './config';
export { animatedQrData, animatedQrDataAt } from './qr';
export { normaliseEndUserIp, isValidEndUserIp } from './end-user-ip';
export { verifyBankIdSignature } from './signature-verifier';
export type {
  VerifyBankIdSignatureInput,
  VerifyBankIdSignatureResult,
  VerificationCheck,
} from './signature-verifier';
export { inspectOcspResponse } from './ocsp-inspector';
export type { OcspInspection } from './ocsp-inspector';
export { userMessageFor, userMessageForError, RFA_TEXTS } from './user-messages';
export type { BankIdUserMessage, RfaCode, UserMessageContext } from './user-messages';
export { startBankIdSimulator } from './simulator';
export type { BankIdSimulator, BankIdSimulatorOptions, BankIdSimulatorTimings } from './simulator';
