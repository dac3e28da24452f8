import { LockMode } from '@mikro-orm/core';
import { databaseKind } from './orm-options';

/**
 * Find options that lock the row until the transaction ends (SELECT … FOR UPDATE) on PostgreSQL,
 * so racing writers to one catalog or session queue up instead of one failing on the optimistic
 * lock. SQLite has no row locks and needs none: it serialises every write transaction.
 */
export function forUpdate(databaseUrl: string): { lockMode?: LockMode; refresh?: boolean } {
  return databaseKind(databaseUrl) === 'postgresql'
    ? { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true }
    : { refresh: true };
}
