import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/**
 * A request for the next workflow step, written in the same transaction as the state change
 * that makes it due. The dispatcher moves it to BullMQ; it is never lost if Redis is.
 */
@Entity({ tableName: 'outbox' })
@Index({ properties: ['dispatchedAt', 'availableAt'] })
export class OutboxMessage {
  [OptionalProps]?: 'createdAt' | 'availableAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** Job name from the job catalogue. */
  @Property({ type: 'string', length: 60 })
  jobName!: string;

  /** Deterministic BullMQ job id: re-dispatch is harmless. */
  @Property({ type: 'string', length: 200 })
  jobId!: string;

  /** Ids only, never personal data (BullMQ keeps job data in clear text in Redis). */
  @Property({ type: 'json' })
  payload!: Record<string, string | number>;

  @Property({ type: 'Date', length: 3 })
  availableAt: Date = new Date();

  @Property({ type: 'Date', length: 3, nullable: true })
  dispatchedAt?: Date;

  @Property({ type: 'Date', length: 3 })
  createdAt: Date = new Date();
}
