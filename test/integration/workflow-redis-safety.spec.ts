import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { backoffDelay, JOB_CATALOGUE, JOB_NAMES, jobIdFor } from '../../src/workflow/job-catalogue';
import { redisConnectionOptions } from '../../src/core/queue/redis';
import { redisAnswers } from '../../src/demo/private-redis';
import { assertRedisSafe } from '../../src/hub';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('Redis safety and the job catalogue', () => {
  it('refuses to start on a Redis that may evict keys, with a message saying what to set', async () => {
    const port = await freePort();
    const child = spawn(
      'redis-server',
      [
        '--bind',
        '127.0.0.1',
        '--port',
        String(port),
        '--save',
        '',
        '--appendonly',
        'no',
        '--maxmemory-policy',
        'allkeys-lru',
      ],
      { stdio: 'ignore' },
    );
    try {
      const url = `redis://127.0.0.1:${port}`;
      for (let i = 0; i < 50 && !(await redisAnswers(url)); i++) await new Promise((r) => setTimeout(r, 100));
      await expect(assertRedisSafe(url)).rejects.toThrow(/maxmemory-policy=allkeys-lru.*noeviction/);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
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
