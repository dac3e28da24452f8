import {
  assertTransition,
  canTransition,
  CATALOG_STATUSES,
  IllegalTransitionError,
  TERMINAL_STATUSES,
} from './catalog-state';

describe('catalog state machine', () => {
  it('allows the main path in order', () => {
    const path = ['RECEIVED', 'AWAITING_SIGNATURE', 'AWAITING_APPROVAL', 'DELIVERING', 'COMPLETED'] as const;
    for (let i = 0; i < path.length - 1; i++) expect(canTransition(path[i], path[i + 1])).toBe(true);
  });

  it('never skips signing or approval', () => {
    expect(canTransition('RECEIVED', 'AWAITING_APPROVAL')).toBe(false);
    expect(canTransition('AWAITING_SIGNATURE', 'DELIVERING')).toBe(false);
    expect(canTransition('AWAITING_SIGNATURE', 'COMPLETED')).toBe(false);
  });

  it('keeps terminal states terminal', () => {
    for (const from of TERMINAL_STATUSES) {
      for (const to of CATALOG_STATUSES) expect(canTransition(from, to)).toBe(false);
    }
  });

  it('allows withdraw only before signing completes, decline only while awaiting signature, reject only at approval', () => {
    expect(CATALOG_STATUSES.filter((s) => canTransition(s, 'WITHDRAWN'))).toEqual([
      'RECEIVED',
      'AWAITING_SIGNATURE',
    ]);
    expect(CATALOG_STATUSES.filter((s) => canTransition(s, 'DECLINED'))).toEqual(['AWAITING_SIGNATURE']);
    expect(CATALOG_STATUSES.filter((s) => canTransition(s, 'REJECTED'))).toEqual(['AWAITING_APPROVAL']);
  });

  it('throws a typed error naming both states on an illegal move', () => {
    expect(() => assertTransition('COMPLETED', 'DELIVERING')).toThrow(IllegalTransitionError);
    expect(() => assertTransition('COMPLETED', 'DELIVERING')).toThrow(
      'A catalog in status COMPLETED cannot move to DELIVERING',
    );
  });
});
