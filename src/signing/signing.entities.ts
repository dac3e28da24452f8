import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Catalog, Signer } from '../catalogs/catalog.entities';

/** The outcome of verifying BankID evidence, stored with it. */
export interface StoredVerification {
  valid: boolean;
  checkedAt: string;
  checks: { name: string; ok: boolean; detail?: string }[];
}

export const SESSION_STATUSES = ['PENDING', 'COMPLETE', 'FAILED'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** SIGN: one catalog; BULK: several catalogs of one teacher in one order; APPROVAL: a BankID-signed approval decision. */
export const SESSION_PURPOSES = ['SIGN', 'BULK', 'APPROVAL'] as const;
export type SessionPurpose = (typeof SESSION_PURPOSES)[number];

@Entity({ tableName: 'signing_sessions' })
@Index({ properties: ['status'] })
export class SigningSession {
  [OptionalProps]?:
    | 'createdAt'
    | 'status'
    | 'collectCount'
    | 'purpose'
    | 'sameDevice'
    | 'orderRef'
    | 'autoStartToken'
    | 'qrStartToken'
    | 'qrStartSecret';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** The (first) catalog the session is for; a bulk session lists all of them as items. */
  @ManyToOne(() => Catalog, { deleteRule: 'cascade' })
  catalog!: Catalog;

  /** The signer of `catalog` (null for an approval session: the approver is not a signer). */
  @ManyToOne(() => Signer, { deleteRule: 'cascade', nullable: true })
  signer?: Signer;

  @Enum({ items: () => SESSION_PURPOSES, type: 'string' })
  purpose: SessionPurpose = 'SIGN';

  /** 12 digits: the only person BankID lets complete the order (requirement.personalNumber). */
  @Property({ type: 'string', length: 12 })
  personalNumber!: string;

  /**
   * The personal number while the session is PENDING, null afterwards: the unique index makes
   * "one pending BankID order per person" a database rule, so concurrent starts are serialised.
   */
  @Property({ type: 'string', length: 12, nullable: true, unique: 'signing_sessions_active_person_unique' })
  activePerson?: string | null;

  @Property({ type: 'string', length: 100 })
  clientId!: string;

  /** Empty until BankID accepted the order. */
  @Property({ type: 'string', length: 100 })
  orderRef: string = '';

  @Property({ type: 'string', length: 100 })
  autoStartToken: string = '';

  @Property({ type: 'string', length: 100 })
  qrStartToken: string = '';

  /** Kept server-side only: the animated QR is computed here, never handed out. */
  @Property({ type: 'string', length: 100, hidden: true })
  qrStartSecret: string = '';

  /** Bulk: the canonical manifest of the catalogs' document hashes whose SHA-256 is signed. */
  @Property({ type: 'text', nullable: true })
  manifest?: string;

  /** Approval session: the decision that takes effect when the approver has signed. */
  @Property({ type: 'json', nullable: true })
  pendingDecision?: { decision: 'APPROVE' | 'REJECT'; approverName: string; comment?: string; ip?: string };

  @Property({ type: 'string', length: 45 })
  endUserIp!: string;

  /** The app is started on the same device (autoStartToken) rather than by QR: selects RFA texts. */
  @Property({ type: 'boolean' })
  sameDevice: boolean = false;

  /** SHA-256 (hex) of the document the signer is asked to sign. */
  @Property({ type: 'string', length: 64 })
  documentSha256!: string;

  /** Exactly what was sent as userVisibleData (UTF-8 text), for evidence verification. */
  @Property({ type: 'text' })
  userVisibleData!: string;

  @Enum({ items: () => SESSION_STATUSES, type: 'string' })
  status: SessionStatus = 'PENDING';

  @Property({ type: 'string', length: 60, nullable: true })
  hintCode?: string;

  @Property({ type: 'integer' })
  collectCount: number = 0;

  @Property({ type: 'Date' })
  createdAt: Date = new Date();

  @Property({ type: 'Date', nullable: true })
  finishedAt?: Date;
}

/** One catalog (and its signer) covered by a session; a single-catalog session has one item. */
@Entity({ tableName: 'signing_session_items' })
@Unique({ properties: ['session', 'catalog'] })
export class SigningSessionItem {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => SigningSession, { deleteRule: 'cascade' })
  session!: SigningSession;

  @ManyToOne(() => Catalog, { deleteRule: 'cascade' })
  catalog!: Catalog;

  @ManyToOne(() => Signer, { deleteRule: 'cascade', nullable: true })
  signer?: Signer;

  @Property({ type: 'string', length: 64 })
  documentSha256!: string;
}

@Entity({ tableName: 'signatures' })
export class Signature {
  [OptionalProps]?: 'signedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Catalog, { deleteRule: 'cascade' })
  catalog!: Catalog;

  @ManyToOne(() => Signer, { deleteRule: 'cascade' })
  signer!: Signer;

  @ManyToOne(() => SigningSession, { deleteRule: 'cascade' })
  session!: SigningSession;

  @Property({ type: 'string', length: 12 })
  personalNumber!: string;

  @Property({ type: 'string', length: 200 })
  name!: string;

  @Property({ type: 'string', length: 64 })
  documentSha256!: string;

  /** Bulk signing: the manifest (canonical JSON) whose SHA-256 was signed, linking this catalog to the order. */
  @Property({ type: 'text', nullable: true })
  manifest?: string;

  @Property({ type: 'string', length: 64, nullable: true })
  manifestSha256?: string;

  /** The BankID XMLDSig, base64 exactly as received. */
  @Property({ type: 'text', lazy: true })
  signatureXmlBase64!: string;

  @Property({ type: 'text', lazy: true })
  ocspResponseBase64!: string;

  @Property({ type: 'json' })
  verification!: StoredVerification;

  @Property({ type: 'Date' })
  signedAt: Date = new Date();
}

/** Evidence that failed verification: kept (never used as a signature) so an operator can see why. */
@Entity({ tableName: 'rejected_evidence' })
export class RejectedEvidence {
  [OptionalProps]?: 'receivedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => SigningSession, { deleteRule: 'cascade' })
  session!: SigningSession;

  @Property({ type: 'text', lazy: true })
  signatureXmlBase64!: string;

  @Property({ type: 'text', lazy: true })
  ocspResponseBase64!: string;

  @Property({ type: 'json' })
  verification!: StoredVerification;

  @Property({ type: 'Date' })
  receivedAt: Date = new Date();
}

/** A reminder or deadline report sent for a catalog awaiting signature; unique so it is sent once. */
@Entity({ tableName: 'signing_reminders' })
@Unique({ properties: ['catalog', 'kind', 'number'] })
export class SigningReminder {
  [OptionalProps]?: 'sentAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Catalog, { deleteRule: 'cascade' })
  catalog!: Catalog;

  @Property({ type: 'string', length: 20 })
  kind!: 'REMINDER' | 'DEADLINE';

  @Property({ type: 'integer' })
  number!: number;

  @Property({ type: 'Date' })
  sentAt: Date = new Date();
}
