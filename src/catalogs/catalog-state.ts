/**
 * The catalog state machine (DESIGN.md §2) in one place. Every status write goes through
 * assertTransition so an illegal move is a typed error, never a silent update.
 */
export const CATALOG_STATUSES = [
  'RECEIVED',
  'AWAITING_SIGNATURE',
  'AWAITING_APPROVAL',
  'DELIVERING',
  'COMPLETED',
  'DECLINED',
  'REJECTED',
  'WITHDRAWN',
  'FAILED',
] as const;
export type CatalogStatus = (typeof CATALOG_STATUSES)[number];

const TRANSITIONS: Record<CatalogStatus, readonly CatalogStatus[]> = {
  RECEIVED: ['AWAITING_SIGNATURE', 'WITHDRAWN', 'FAILED'],
  AWAITING_SIGNATURE: ['AWAITING_APPROVAL', 'DECLINED', 'WITHDRAWN', 'FAILED'],
  AWAITING_APPROVAL: ['DELIVERING', 'REJECTED', 'FAILED'],
  DELIVERING: ['COMPLETED', 'FAILED'],
  COMPLETED: [],
  DECLINED: [],
  REJECTED: [],
  WITHDRAWN: [],
  // An operator retry puts the catalog back where its failed step runs again.
  FAILED: ['RECEIVED', 'AWAITING_SIGNATURE', 'AWAITING_APPROVAL', 'DELIVERING'],
};

export const TERMINAL_STATUSES: readonly CatalogStatus[] = ['COMPLETED', 'DECLINED', 'REJECTED', 'WITHDRAWN'];

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: CatalogStatus,
    readonly to: CatalogStatus,
  ) {
    super(`A catalog in status ${from} cannot move to ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

export function canTransition(from: CatalogStatus, to: CatalogStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(from: CatalogStatus, to: CatalogStatus): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
}
