/**
 * Ports: the typed boundaries between the hub and the outside world (DESIGN.md §3, "Connectors").
 * No transport or vendor type crosses these interfaces.
 */

export interface ConnectionCheck {
  ok: boolean;
  detail?: string;
}

export interface Connector {
  /** Configured instance name, e.g. "bankid" or "archive-sundsvall". */
  readonly name: string;
  checkConnection(): Promise<ConnectionCheck>;
}

// ---------------------------------------------------------------- signing

export interface StartSignRequest {
  /** 12 digits: only this person may complete the order. */
  personalNumber: string;
  /** The end user's IP address (normalised: no IPv4-mapped IPv6). */
  endUserIp: string;
  /** Plain UTF-8 text in simpleMarkdownV1, shown in the BankID app. */
  userVisibleData: string;
  /** Raw bytes signed but not shown: we put the document's SHA-256 here. */
  userNonVisibleData: Buffer;
  returnUrl?: string;
}

export interface StartedSignOrder {
  orderRef: string;
  autoStartToken: string;
  qrStartToken: string;
  /** Secret for the animated QR; never leaves the hub. */
  qrStartSecret: string;
}

export interface SigningCompletion {
  personalNumber: string;
  name: string;
  givenName: string;
  surname: string;
  /** Base64 of the XMLDSig signature document, exactly as received. */
  signatureXmlBase64: string;
  /** Base64 DER OCSP response, exactly as received. */
  ocspResponseBase64: string;
  bankIdIssueDate?: string;
  deviceIpAddress?: string;
}

export type CollectResult =
  | { status: 'pending'; hintCode: string }
  | { status: 'failed'; hintCode: string }
  | { status: 'complete'; completion: SigningCompletion };

export interface EvidenceCheck {
  name: string;
  ok: boolean;
  detail?: string;
}

export interface EvidenceVerification {
  valid: boolean;
  checks: EvidenceCheck[];
}

export interface SigningProvider extends Connector {
  startSign(request: StartSignRequest): Promise<StartedSignOrder>;
  collect(orderRef: string): Promise<CollectResult>;
  cancel(orderRef: string): Promise<void>;
  /** The string to render as a QR code now (BankID: animated, changes every second). */
  qrData(order: Pick<StartedSignOrder, 'qrStartToken' | 'qrStartSecret'>, secondsSinceStart: number): string;
  /** Verifies a completion's evidence: signature, chain, signed data equal to what was sent, signer. */
  verifyCompletion(
    completion: SigningCompletion,
    expected: { personalNumber: string; userVisibleData: string; userNonVisibleData: Buffer },
  ): Promise<EvidenceVerification>;
  /** Recommended end-user message for a status/hint code (BankID RFA codes), in Swedish. */
  userMessage(
    status: 'pending' | 'failed' | 'complete',
    hintCode?: string,
    context?: { sameDevice?: boolean },
  ): { code: string; text: string };
}

// ---------------------------------------------------------------- archive

export interface PackageFile {
  /** Path inside the package root, '/'-separated, e.g. "METS.xml" or "representations/rep1/data/catalog.pdf". */
  path: string;
  content: Buffer;
}

export interface ArchivePackage {
  /** Package root folder name = mets/@OBJID. */
  objectId: string;
  files: PackageFile[];
}

export interface ArchiveReceipt {
  /** Stable deposit key (per catalog version) the deposit was made under. */
  depositKey: string;
  /** The archive's own identifier for what it stored. */
  archiveReference: string;
  depositedAt: string;
}

export interface ArchiveTarget extends Connector {
  /**
   * Deposit exactly once per depositKey: if a package with this key is already stored,
   * return its receipt instead of storing it again.
   */
  deposit(pkg: ArchivePackage, depositKey: string): Promise<ArchiveReceipt>;
  /** The receipt of an earlier deposit under this key, or null. */
  findDeposit(depositKey: string): Promise<ArchiveReceipt | null>;
}

// ---------------------------------------------------------------- result sink

/** What the SAS is told (DESIGN.md §3 ResultSink). Never personal numbers. */
export interface ResultEvent {
  /** e.g. catalog.declined, catalog.rejected, catalog.withdrawn, signing.reminder, signing.deadlinePassed */
  type: string;
  catalogId: string;
  externalId: string;
  status: string;
  reason?: string;
  occurredAt: string;
  [key: string]: unknown;
}

export interface ResultReceipt {
  idempotencyKey: string;
  /** HTTP status or the peer's own acknowledgement. */
  acknowledgement: string;
  deliveredAt: string;
}

export interface ResultSink extends Connector {
  /** Delivers an event; the receiver deduplicates on idempotencyKey, so a retry is harmless. */
  notify(event: ResultEvent, idempotencyKey: string): Promise<ResultReceipt>;
}

/** A configured sink and the municipality ("*" = any) whose events it receives. */
export interface ResultSinkBinding {
  municipalityCode: string;
  sink: ResultSink;
}
