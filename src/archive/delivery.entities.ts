import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Catalog } from '../catalogs/catalog.entities';

export const DELIVERY_KINDS = ['ARCHIVE', 'WRITEBACK', 'NOTIFICATION'] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];

/** One outside side effect of a catalog, keyed so a retry never repeats it. */
@Entity({ tableName: 'deliveries' })
@Unique({ properties: ['deliveryKey'] })
export class Delivery {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Catalog, { deleteRule: 'cascade' })
  catalog!: Catalog;

  @Property({ type: 'string', length: 20 })
  kind!: DeliveryKind;

  /** Connector instance name. */
  @Property({ type: 'string', length: 100 })
  target!: string;

  /** Stable per catalog version and target: the idempotency key given to the peer. */
  @Property({ type: 'string', length: 200 })
  deliveryKey!: string;

  @Property({ type: 'json' })
  receipt!: Record<string, unknown>;

  @Property({ type: 'Date' })
  createdAt: Date = new Date();
}

/** A delivery as the API and the operator tools show it. */
export function deliveryView(delivery: Delivery) {
  return {
    kind: delivery.kind,
    target: delivery.target,
    key: delivery.deliveryKey,
    receipt: delivery.receipt,
    at: delivery.createdAt.toISOString(),
  };
}
