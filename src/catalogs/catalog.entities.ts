import {
  Collection,
  Entity,
  Enum,
  Index,
  ManyToOne,
  OneToMany,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { CATALOG_STATUSES, CatalogStatus } from './catalog-state';
import type { CatalogData } from './catalog.types';

/** Everything of the submission except the entries, which are rows of their own. */
export type CatalogHeader = Omit<CatalogData, 'entries'>;

@Entity({ tableName: 'catalogs' })
@Unique({ properties: ['clientId', 'idempotencyKey'] })
@Index({ properties: ['status', 'updatedAt'] })
export class Catalog {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'rowVersion' | 'status' | 'statusChangedAt' | 'workflowRound';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** The API client that submitted it; other clients never see it. */
  @Property({ type: 'string', length: 100 })
  clientId!: string;

  @Property({ type: 'string', length: 200 })
  idempotencyKey!: string;

  /** SHA-256 of the canonical request body: same key + different body → 409. */
  @Property({ type: 'string', length: 64 })
  requestHash!: string;

  @Property({ type: 'string', length: 200 })
  externalId!: string;

  @Property({ type: 'string', length: 4 })
  municipalityCode!: string;

  @Index()
  @Property({ type: 'string', length: 8 })
  schoolUnitCode!: string;

  @Property({ type: 'string', length: 20 })
  courseCode!: string;

  @Enum({ items: () => CATALOG_STATUSES, type: 'string' })
  status: CatalogStatus = 'RECEIVED';

  @Property({ type: 'json' })
  header!: CatalogHeader;

  @Property({ type: 'integer' })
  entryCount!: number;

  /** Optimistic lock: concurrent writers to one catalog cannot both win. */
  @Property({ type: 'integer', version: true })
  rowVersion!: number;

  @Property({ type: 'string', length: 64, nullable: true })
  documentSha256?: string;

  @Property({ type: 'string', length: 60, nullable: true })
  failedStep?: string;

  @Property({ type: 'text', nullable: true })
  failureReason?: string;

  /** When the status last changed (set by transition()); "waiting too long" is measured from here. */
  @Property({ type: 'Date' })
  statusChangedAt: Date = new Date();

  /**
   * Bumped when the reconciler or an operator re-requests a step whose earlier job still exists in
   * Redis as completed/failed: the new job gets a fresh deterministic id (`…-r<round>`).
   */
  @Property({ type: 'integer' })
  workflowRound: number = 0;

  /** Set once the reconciler has reported the catalog as waiting too long in its current status. */
  @Property({ type: 'Date', nullable: true })
  stuckReportedAt?: Date;

  @Property({ type: 'Date' })
  createdAt: Date = new Date();

  @Property({ type: 'Date', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Property({ type: 'Date', nullable: true })
  completedAt?: Date;

  @OneToMany(() => CatalogEntry, (entry) => entry.catalog, { orderBy: { position: 'asc' } })
  entries = new Collection<CatalogEntry>(this);

  @OneToMany(() => Signer, (signer) => signer.catalog, { orderBy: { position: 'asc' } })
  signers = new Collection<Signer>(this);
}

@Entity({ tableName: 'catalog_entries' })
@Unique({ properties: ['catalog', 'position'] })
export class CatalogEntry {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Catalog, { deleteRule: 'cascade' })
  catalog!: Catalog;

  @Property({ type: 'integer' })
  position!: number;

  @Index()
  @Property({ type: 'string', length: 12 })
  studentPersonalNumber!: string;

  @Property({ type: 'string', length: 100 })
  givenName!: string;

  @Property({ type: 'string', length: 100 })
  familyName!: string;

  @Property({ type: 'string', length: 40, nullable: true })
  securityMarking?: string;

  @Property({ type: 'string', length: 3 })
  grade!: string;

  @Property({ type: 'string', length: 10 })
  gradeDate!: string;

  @Property({ type: 'boolean' })
  examination: boolean = false;

  @Property({ type: 'string', length: 3, nullable: true })
  previousGrade?: string;

  @Property({ type: 'json', nullable: true })
  thesis?: { title: string; summary: string };

  @Property({ type: 'string', length: 200, nullable: true })
  specialization?: string;
}

export const SIGNER_ROLES = ['GRADING_TEACHER', 'PRINCIPAL'] as const;
export type SignerRole = (typeof SIGNER_ROLES)[number];

@Entity({ tableName: 'signers' })
@Unique({ properties: ['catalog', 'personalNumber'] })
export class Signer {
  [OptionalProps]?: 'signedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Catalog, { deleteRule: 'cascade' })
  catalog!: Catalog;

  @Property({ type: 'integer' })
  position!: number;

  @Enum({ items: () => SIGNER_ROLES, type: 'string' })
  role!: SignerRole;

  @Index()
  @Property({ type: 'string', length: 12 })
  personalNumber!: string;

  @Property({ type: 'string', length: 200 })
  name!: string;

  @Property({ type: 'Date', nullable: true })
  signedAt?: Date;
}

@Entity({ tableName: 'catalog_documents' })
export class CatalogDocument {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Catalog, { deleteRule: 'cascade' })
  catalog!: Catalog;

  /** CATALOG = what the signers sign; later SEALED = with evidence and organisation seal. */
  @Property({ type: 'string', length: 20 })
  kind!: 'CATALOG' | 'SEALED';

  @Property({ type: 'blob', lazy: true })
  content!: Buffer;

  @Property({ type: 'string', length: 64 })
  sha256!: string;

  @Property({ type: 'integer' })
  size!: number;

  @Property({ type: 'Date' })
  createdAt: Date = new Date();
}
