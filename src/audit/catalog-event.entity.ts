import {
  BeforeCreate,
  Entity,
  EventArgs,
  Index,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { appendToChain } from './audit-chain';

/**
 * Append-only, hash-chained timeline of a catalog; no personal numbers in `data`.
 * Each event carries its position in the catalog's chain (`seq`, from 1), the hash of the event
 * before it and its own hash over the canonical content (see audit-chain.ts). The chain is
 * assigned at insert time inside the writing transaction, serialised per catalog by the row of
 * `catalog_event_heads`, so concurrent appends never fork it.
 */
@Entity({ tableName: 'catalog_events' })
@Index({ properties: ['catalogId', 'at'] })
@Unique({ properties: ['catalogId', 'seq'] })
export class CatalogEvent {
  [OptionalProps]?: 'at' | 'seq' | 'prevHash' | 'hash';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  catalogId!: string;

  @Property({ type: 'string', length: 60 })
  type!: string;

  /** API client id, "worker" or "system". */
  @Property({ type: 'string', length: 100 })
  actor!: string;

  @Property({ type: 'string', length: 45, nullable: true })
  ip?: string;

  @Property({ type: 'json', nullable: true })
  data?: Record<string, unknown>;

  @Property({ type: 'Date', length: 3 })
  at: Date = new Date();

  /** Position in the catalog's chain, 1, 2, 3, … without gaps. */
  @Property({ type: 'integer' })
  seq: number = 0;

  /** Hash of the previous event of the catalog (64 zeros for the first). */
  @Property({ type: 'string', length: 64 })
  prevHash: string = '';

  /** SHA-256 over the canonical content of this event including seq and prevHash. */
  @Property({ type: 'string', length: 64 })
  hash: string = '';

  @BeforeCreate()
  async chain(args: EventArgs<CatalogEvent>): Promise<void> {
    await appendToChain(args.em, this);
  }
}

/** Head of each catalog's chain: the row lock on it serialises appends; it also pins the tail. */
@Entity({ tableName: 'catalog_event_heads' })
export class CatalogEventHead {
  @PrimaryKey({ type: 'uuid' })
  catalogId!: string;

  @Property({ type: 'integer' })
  seq!: number;

  @Property({ type: 'string', length: 64 })
  hash!: string;
}

/** A timeline event as the API and the operator tools show it, with its place in the hash chain. */
export function eventView(event: CatalogEvent) {
  return {
    seq: event.seq,
    type: event.type,
    actor: event.actor,
    ip: event.ip ?? null,
    at: event.at.toISOString(),
    data: event.data ?? null,
    prevHash: event.prevHash,
    hash: event.hash,
  };
}
