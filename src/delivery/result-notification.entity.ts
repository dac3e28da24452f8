import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Catalog } from '../catalogs/catalog.entities';

/**
 * An event the SAS must be told about (declined, rejected, withdrawn, reminder, deadline passed,
 * …), written in the same transaction as the change; the `result.notify` job delivers it through
 * the municipality's ResultSink. No personal numbers in `event`.
 */
@Entity({ tableName: 'result_notifications' })
@Index({ properties: ['deliveredAt'] })
export class ResultNotification {
  [OptionalProps]?: 'createdAt' | 'attempts';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Catalog, { deleteRule: 'cascade' })
  catalog!: Catalog;

  @Property({ type: 'string', length: 60 })
  type!: string;

  @Property({ type: 'json' })
  event!: Record<string, unknown>;

  /** Stable key the receiver deduplicates on. */
  @Property({ type: 'string', length: 200, unique: true })
  idempotencyKey!: string;

  /** Connector instance that delivered it. */
  @Property({ type: 'string', length: 100, nullable: true })
  target?: string;

  @Property({ type: 'integer' })
  attempts: number = 0;

  @Property({ type: 'text', nullable: true })
  lastError?: string;

  @Property({ type: 'Date', nullable: true })
  deliveredAt?: Date;

  @Property({ type: 'Date', nullable: true })
  failedAt?: Date;

  @Property({ type: 'Date' })
  createdAt: Date = new Date();
}
