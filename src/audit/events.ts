import type { EntityManager } from '@mikro-orm/core';
import { CatalogEvent } from './catalog-event.entity';

export interface EventActor {
  actor: string;
  ip?: string;
}

export const WORKER_ACTOR: EventActor = { actor: 'worker' };

/** Appends to a catalog's timeline in the caller's unit of work. Never put personal numbers in data. */
export function recordEvent(
  em: EntityManager,
  catalogId: string,
  type: string,
  actor: EventActor,
  data?: Record<string, unknown>,
): void {
  em.persist(
    em.create(CatalogEvent, { catalogId, type, actor: actor.actor, ip: actor.ip, data, at: new Date() }),
  );
}
