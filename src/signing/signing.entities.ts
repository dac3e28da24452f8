import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Catalog, Signer } from '../catalogs/catalog.entities';

export const SESSION_STATUSES = ['PENDING', 'COMPLETE', 'FAILED'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

@Entity({ tableName: 'signing_sessions' })
@Index({ properties: ['status'] })
export class SigningSession {
  [OptionalProps]?: 'createdAt' | 'status' | 'collectCount';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Catalog, { deleteRule: 'cascade' })
  catalog!: Catalog;

  @ManyToOne(() => Signer, { deleteRule: 'cascade' })
  signer!: Signer;

  @Property({ type: 'string', length: 100 })
  clientId!: string;

  @Property({ type: 'string', length: 100 })
  orderRef!: string;

  @Property({ type: 'string', length: 100 })
  autoStartToken!: string;

  @Property({ type: 'string', length: 100 })
  qrStartToken!: string;

  /** Kept server-side only: the animated QR is computed here, never handed out. */
  @Property({ type: 'string', length: 100, hidden: true })
  qrStartSecret!: string;

  @Property({ type: 'string', length: 45 })
  endUserIp!: string;

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

  /** The BankID XMLDSig, base64 exactly as received. */
  @Property({ type: 'text', lazy: true })
  signatureXmlBase64!: string;

  @Property({ type: 'text', lazy: true })
  ocspResponseBase64!: string;

  @Property({ type: 'json' })
  verification!: { valid: boolean; checkedAt: string; checks: { name: string; ok: boolean; detail?: string }[] };

  @Property({ type: 'Date' })
  signedAt: Date = new Date();
}
