import { MikroORM } from '@mikro-orm/core';
import { WORKER_ACTOR } from '../audit/events';
import { canTransition } from '../catalogs/catalog-state';
import { Catalog } from '../catalogs/catalog.entities';
import { transition } from '../catalogs/catalog-transitions';
import { ConnectorError } from '../core/errors';

/** A step gave up: the catalog goes to FAILED with a reason an operator can read. */
export async function markStepFailed(
  orm: MikroORM,
  catalogId: string,
  step: string,
  error: Error,
): Promise<void> {
  const em = orm.em.fork();
  await em.transactional(async (tx) => {
    const catalog = await tx.findOne(Catalog, catalogId);
    if (!catalog || !canTransition(catalog.status, 'FAILED')) return;
    const code =
      error instanceof ConnectorError ? error.code : ((error as { code?: string }).code ?? error.name);
    transition(tx, catalog, 'FAILED', WORKER_ACTOR, { step, code, reason: error.message });
    catalog.failedStep = step;
    catalog.failureReason = `${code}: ${error.message}`;
  });
}
