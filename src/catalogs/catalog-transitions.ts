import type { EntityManager } from '@mikro-orm/core';
import { EventActor, recordEvent } from '../audit/events';
import { assertTransition, CatalogStatus } from './catalog-state';
import type { Catalog } from './catalog.entities';

/** The only way a catalog's status changes: checked against the state machine and recorded. */
export function transition(
  em: EntityManager,
  catalog: Catalog,
  to: CatalogStatus,
  actor: EventActor,
  data?: Record<string, unknown>,
): void {
  const from = catalog.status;
  assertTransition(from, to);
  catalog.status = to;
  catalog.statusChangedAt = new Date();
  catalog.stuckReportedAt = undefined;
  if (to === 'COMPLETED') catalog.completedAt = new Date();
  if (to !== 'FAILED') {
    catalog.failedStep = undefined;
    catalog.failureReason = undefined;
  }
  recordEvent(em, catalog.id, 'catalog.status', actor, { from, to, ...data });
}
