import type { EntityManager } from '@mikro-orm/core';
import { canonicalJson } from '../core/canonical-json';
import { sha256Hex } from '../core/hashing';
import type { CatalogEvent } from './catalog-event.entity';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedContent {
  id: string;
  catalogId: string;
  seq: number;
  type: string;
  actor: string;
  ip?: string | null;
  data?: Record<string, unknown> | null;
  at: Date;
  prevHash: string;
}

/** The hash of one event: SHA-256 over its canonical content, which includes the previous hash. */
export function eventHash(event: ChainedContent): string {
  const content = canonicalJson({
    v: 1,
    id: event.id,
    catalogId: event.catalogId,
    seq: event.seq,
    type: event.type,
    actor: event.actor,
    ip: event.ip ?? null,
    data: event.data ?? null,
    at: new Date(event.at).toISOString(),
    prevHash: event.prevHash,
  });
  return sha256Hex(content);
}

/**
 * Assigns seq/prevHash/hash to an event being inserted, in the inserting transaction.
 * The upsert on catalog_event_heads takes that row's lock until commit (PostgreSQL; SQLite has
 * one writer), so a concurrent append to the same catalog waits and then chains after this one.
 * The unique (catalog_id, seq) index is the last line of defence.
 */
export async function appendToChain(em: EntityManager, event: CatalogEvent): Promise<void> {
  if (event.hash) return;
  const connection = em.getConnection();
  const ctx = em.getTransactionContext();
  const rows = await connection.execute<{ seq: number; hash: string }[]>(
    'insert into catalog_event_heads (catalog_id, seq, hash) values (?, 0, ?) ' +
      'on conflict (catalog_id) do update set seq = catalog_event_heads.seq returning seq, hash',
    [event.catalogId, GENESIS_HASH],
    'all',
    ctx,
  );
  const head = rows[0];
  event.seq = Number(head.seq) + 1;
  event.prevHash = head.hash;
  event.hash = eventHash(event);
  await connection.execute(
    'update catalog_event_heads set seq = ?, hash = ? where catalog_id = ?',
    [event.seq, event.hash, event.catalogId],
    'run',
    ctx,
  );
}
