import { backoffDelay, JOB_CATALOGUE, JOB_NAMES, jobIdFor } from '../../src/workflow/job-catalogue';
import { redisConnectionOptions } from '../../src/core/queue/redis';
import { startPrivateRedis } from '../../src/demo/private-redis';
import { assertRedisSafe } from '../../src/hub';

describe('Redis safety and the job catalogue', () => {
  it('refuses to start on a Redis that may evict keys, with a message saying what to set', async () => {
    const redis = await startPrivateRedis({ maxmemoryPolicy: 'allkeys-lru' });
    try {
      await expect(assertRedisSafe(redis.url)).rejects.toThrow(/maxmemory-policy=allkeys-lru.*noeviction/);
    } finally {
      await redis.stop();
    }
  });

  it('gives workers connections that never give up a command (maxRetriesPerRequest: null)', () => {
    expect(redisConnectionOptions('redis://127.0.0.1:6379/2').maxRetriesPerRequest).toBeNull();
  });

  it('has a retry policy for every job and deterministic ids without ":"', () => {
    for (const name of JOB_NAMES) {
      const { retry } = JOB_CATALOGUE[name];
      expect(retry.attempts).toBeGreaterThanOrEqual(1);
      expect(retry.maxDelayMs).toBeGreaterThanOrEqual(retry.baseDelayMs);
    }
    expect(jobIdFor('catalog.archive', { catalogId: 'c1' })).toBe('c1-archive-1');
    expect(jobIdFor('signing.collect', { sessionId: 's1', poll: 3 })).toBe('s1-collect-3');
  });

  it('backs off exponentially with ±50 % jitter, capped', () => {
    const policy = { attempts: 10, baseDelayMs: 1000, maxDelayMs: 30_000 };
    expect(backoffDelay(policy, 1, () => 0)).toBe(500);
    expect(backoffDelay(policy, 1, () => 1)).toBe(1000);
    expect(backoffDelay(policy, 4, () => 1)).toBe(8000);
    expect(backoffDelay(policy, 20, () => 1)).toBe(30_000);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(policy, 3)));
    expect(spread.size).toBeGreaterThan(10);
  });
});
