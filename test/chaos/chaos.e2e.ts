import { formatChaosTable, runChaos } from './chaos-run';

/**
 * The small in-suite version of `npm run chaos`: separate api and worker processes on
 * PostgreSQL, workers SIGKILLed and restarted, one FLUSHALL of a private Redis, a flaky archive
 * and one permanently refused catalog. Nothing may be lost or deposited twice.
 */
describe('chaos: killed workers, a flushed Redis and a flaky archive lose nothing and duplicate nothing', () => {
  it('completes every catalog exactly once, and the refused one after an operator retry', async () => {
    const result = await runChaos({
      catalogs: 30,
      workers: 2,
      killEveryMs: [2000, 4000],
      flushAtFraction: 0.3,
      stallTimeoutMs: 90_000,
    });
    console.log(`chaos (in-suite)\n${formatChaosTable(result)}`);
    expect(result.problems).toEqual([]);
    expect(result.submitted).toBe(30);
    expect(result.lost).toBe(0);
    expect(result.duplicates).toBe(0);
    expect(result.missingPackages).toBe(0);
    expect(result.flushes).toBe(1);
    expect(result.kills).toBeGreaterThanOrEqual(3);
    expect(result.permanentFailure).toMatchObject({
      status: 'FAILED',
      reason: expect.stringContaining('archive.refused'),
      retriedTo: 'COMPLETED',
      packages: 1,
    });
    expect(result.completedAtEnd).toBe(29);
    expect(result.failedAtEnd).toBe(1);
    expect(result.completed).toBe(30);
    expect(result.gracefulExits).toMatch(/^(\d+)\/\1$/); // every process exits by itself on SIGTERM
  }, 240_000);
});
