import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { GENESIS_HASH, eventHash } from './audit-chain';
import { CatalogEvent, CatalogEventHead } from './catalog-event.entity';

export interface AuditProblem {
  catalogId: string;
  seq: number | null;
  problem: 'hash_mismatch' | 'broken_link' | 'sequence_gap' | 'head_mismatch' | 'missing_head';
  detail: string;
}

export interface AuditVerification {
  ok: boolean;
  catalogsChecked: number;
  eventsChecked: number;
  problems: AuditProblem[];
}

/**
 * Verifies the hash chain of one catalog's timeline, or of every catalog: each event's hash is
 * recomputed from its content, each prevHash must be the previous event's hash, seq runs 1..n
 * without gaps, and the chain head (catalog_event_heads) must point at the last event, so a
 * changed, inserted, reordered or deleted row (also the last one) is detected.
 * Callable from the CLI (`audit verify [catalogId]`) and the admin API.
 */
export async function verifyAuditTrail(
  ormOrEm: MikroORM | EntityManager,
  catalogId?: string,
): Promise<AuditVerification> {
  const em = forkOf(ormOrEm);
  const heads = await em.find(CatalogEventHead, catalogId ? { catalogId } : {}, {
    orderBy: { catalogId: 'asc' },
  });
  const ids = new Set(heads.map((h) => h.catalogId));
  if (catalogId) ids.add(catalogId);
  else {
    // Catalogs with events but no head (head row deleted) must be found too.
    const rows = await em
      .getConnection()
      .execute<{ catalog_id: string }[]>('select distinct catalog_id from catalog_events');
    for (const row of rows) ids.add(row.catalog_id);
  }
  const headById = new Map(heads.map((h) => [h.catalogId, h]));
  const problems: AuditProblem[] = [];
  let eventsChecked = 0;
  for (const id of [...ids].sort()) {
    const events = await em.find(CatalogEvent, { catalogId: id }, { orderBy: { seq: 'asc' } });
    eventsChecked += events.length;
    problems.push(...verifyChain(id, events, headById.get(id)));
  }
  return { ok: problems.length === 0, catalogsChecked: ids.size, eventsChecked, problems };
}

function forkOf(x: MikroORM | EntityManager): EntityManager {
  const orm = x as Partial<MikroORM>;
  return orm.em ? orm.em.fork() : (x as EntityManager).fork();
}

/** Pure check of one catalog's events (ordered by seq) against its head. */
export function verifyChain(
  catalogId: string,
  events: CatalogEvent[],
  head?: { seq: number; hash: string },
): AuditProblem[] {
  const problems: AuditProblem[] = [];
  let previous = GENESIS_HASH;
  events.forEach((event, index) => {
    if (event.seq !== index + 1) {
      problems.push({
        catalogId,
        seq: event.seq,
        problem: 'sequence_gap',
        detail: `expected seq ${index + 1}, found ${event.seq}`,
      });
    }
    if (event.prevHash !== previous) {
      problems.push({
        catalogId,
        seq: event.seq,
        problem: 'broken_link',
        detail: 'prevHash is not the hash of the previous event',
      });
    }
    const recomputed = eventHash(event);
    if (recomputed !== event.hash) {
      problems.push({
        catalogId,
        seq: event.seq,
        problem: 'hash_mismatch',
        detail: 'the event content does not match its hash',
      });
    }
    previous = event.hash;
  });
  if (!head) {
    if (events.length > 0)
      problems.push({
        catalogId,
        seq: null,
        problem: 'missing_head',
        detail: 'the chain head row is missing',
      });
  } else {
    const last = events[events.length - 1];
    if (head.seq !== (last?.seq ?? 0) || head.hash !== (last?.hash ?? GENESIS_HASH)) {
      problems.push({
        catalogId,
        seq: last?.seq ?? null,
        problem: 'head_mismatch',
        detail: `the chain head says seq ${head.seq}; the last stored event is seq ${last?.seq ?? 0} (events were deleted or added)`,
      });
    }
  }
  return problems;
}
