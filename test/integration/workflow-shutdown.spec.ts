import { readdirSync } from 'node:fs';
import { Queue } from 'bullmq';
import type { ArchivePackage, ArchiveReceipt, ArchiveTarget } from '../../src/core/connectors/ports';
import { redisConnectionOptions } from '../../src/core/queue/redis';
import { validSubmission } from '../support/fixtures';
import { TEST_REDIS_URL } from '../support/test-database';
import { approve, driveToApproval, startWorkflowHub, WorkflowHub } from '../support/workflow-hub';

/** Test seam around the port: deposits take `delayMs`, and tell when one has started. */
class SlowArchive implements ArchiveTarget {
  readonly name: string;
  started!: Promise<void>;
  private markStarted!: () => void;
  deposits = 0;
  constructor(
    private readonly inner: ArchiveTarget,
    private readonly delayMs: number,
  ) {
    this.name = inner.name;
    this.reset();
  }
  reset(): void {
    this.started = new Promise((r) => (this.markStarted = r));
  }
  checkConnection() {
    return this.inner.checkConnection();
  }
  findDeposit(key: string) {
    return this.inner.findDeposit(key);
  }
  async deposit(pkg: ArchivePackage, key: string): Promise<ArchiveReceipt> {
    this.deposits += 1;
    this.markStarted();
    await new Promise((r) => setTimeout(r, this.delayMs));
    return this.inner.deposit(pkg, key);
  }
}

describe('graceful shutdown (SIGTERM path) during an active job (PostgreSQL + Redis)', () => {
  const status = async (hub: WorkflowHub, id: string) =>
    (await hub.db.query<{ status: string }>('select status from catalogs where id = $1', [id]))[0].status;
  const waitFor = (hub: WorkflowHub) => async (id: string, statuses: string[]) => {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (statuses.includes(await status(hub, id))) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`catalog ${id} never reached ${statuses.join('|')}`);
  };

  it('stops taking jobs, lets the active deposit finish and record itself, then closes', async () => {
    let slow: SlowArchive | undefined;
    const hub = await startWorkflowHub('shutdown', {
      wrapConnectors: (c) => ({ ...c, archiveTarget: (slow = new SlowArchive(c.archiveTarget, 1500)) }),
      workflow: { shutdownGraceMs: 20_000 },
    });
    try {
      const id = await driveToApproval(hub, validSubmission(), waitFor(hub));
      await approve(hub, id);
      await slow!.started;
      const closing = Date.now();
      await hub.closeHub(); // what SIGTERM triggers (enableShutdownHooks → app.close())
      expect(Date.now() - closing).toBeGreaterThan(800); // it waited for the deposit
      expect(await status(hub, id)).toBe('COMPLETED');
      expect(readdirSync(hub.archiveDir).filter((d) => d.includes(id))).toHaveLength(1);
      const queue = new Queue('archive', {
        connection: redisConnectionOptions(TEST_REDIS_URL),
        prefix: hub.config.redis.prefix,
      });
      expect(await queue.getJobState(`${id}-archive-1`)).toBe('completed');
      await queue.close();
    } finally {
      await hub.stop();
    }
  });

  it('releases a job that outlasts the grace period; another worker finishes it, deposited exactly once', async () => {
    let slow: SlowArchive | undefined;
    const workflow = {
      shutdownGraceMs: 300,
      lockDurationMs: 1500,
      stalledIntervalMs: 1000,
      reconciler: { intervalMs: 1000, graceMs: 500 },
    };
    const hub = await startWorkflowHub('release', {
      wrapConnectors: (c) => ({ ...c, archiveTarget: (slow = new SlowArchive(c.archiveTarget, 2500)) }),
      workflow,
    });
    try {
      const id = await driveToApproval(hub, validSubmission(), waitFor(hub));
      await approve(hub, id);
      await slow!.started;
      const closing = Date.now();
      await hub.closeHub();
      expect(Date.now() - closing).toBeLessThan(2500); // did not wait for the deposit
      expect(await status(hub, id)).toBe('DELIVERING');

      // A new worker on the same database and Redis takes the stalled job over.
      const { startHub } = await import('../../src/hub');
      const { buildConnectors } = await import('../../src/connectors');
      const pino = (await import('pino')).default;
      const next = await startHub({
        config: { ...hub.config, role: 'worker', metrics: { ...hub.config.metrics, workerPort: null } },
        connectors: buildConnectors(hub.config, {}),
        logger: pino({ level: 'silent' }),
      });
      try {
        await waitFor(hub)(id, ['COMPLETED', 'FAILED']);
        expect(await status(hub, id)).toBe('COMPLETED');
      } finally {
        await next.close();
      }
      // The released attempt's deposit may have landed too: still one package (deposit by key).
      await new Promise((r) => setTimeout(r, 1500));
      expect(readdirSync(hub.archiveDir).filter((d) => d.includes(id))).toHaveLength(1);
    } finally {
      await hub.stop();
    }
  });
});
