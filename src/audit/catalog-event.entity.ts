import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** Append-only timeline of a catalog; no personal numbers in `data`. */
@Entity({ tableName: 'catalog_events' })
@Index({ properties: ['catalogId', 'at'] })
export class CatalogEvent {
  [OptionalProps]?: 'at';

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
}
