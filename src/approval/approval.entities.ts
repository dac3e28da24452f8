import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Catalog } from '../catalogs/catalog.entities';

export const APPROVAL_DECISIONS = ['APPROVE', 'REJECT'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

@Entity({ tableName: 'approvals' })
export class Approval {
  [OptionalProps]?: 'decidedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Catalog, { deleteRule: 'cascade' })
  catalog!: Catalog;

  @Property({ type: 'string', length: 10 })
  decision!: ApprovalDecision;

  /** API client that recorded the decision. */
  @Property({ type: 'string', length: 100 })
  clientId!: string;

  @Property({ type: 'string', length: 200 })
  approverName!: string;

  @Property({ type: 'string', length: 12, nullable: true })
  approverPersonalNumber?: string;

  @Property({ type: 'text', nullable: true })
  comment?: string;

  @Property({ type: 'Date' })
  decidedAt: Date = new Date();

  /** When the municipality requires BankID-signed approvals: the approver's signature evidence. */
  @Property({ type: 'text', nullable: true, lazy: true })
  signatureXmlBase64?: string;

  @Property({ type: 'text', nullable: true, lazy: true })
  ocspResponseBase64?: string;

  @Property({ type: 'json', nullable: true })
  verification?: {
    valid: boolean;
    checkedAt: string;
    checks: { name: string; ok: boolean; detail?: string }[];
  };
}
