import { readdirSync } from 'node:fs';
import type { ArchivePackage, ArchiveReceipt, ArchiveTarget } from '../../src/core/connectors/ports';
import { ConnectorError } from '../../src/core/errors';
import { validSubmission } from '../support/fixtures';
import { approve, driveToApproval, startWorkflowHub, WorkflowHub } from '../support/workflow-hub';

/** Stores the package, then "loses the answer" once — what a worker dying after the deposit looks like to the retry. */
class LosesFirstAnswer implements ArchiveTarget {
  readonly name: string;
  storedDeposits = 0;
  lookups = 0;
  constructor(private readonly inner: ArchiveTarget) {
    this.name = inner.name;
  }
  checkConnection() {
    return this.inner.checkConnection();
  }
  async findDeposit(key: string) {
    this.lookups += 1;
    return this.inner.findDeposit(key);
  }
  async deposit(pkg: ArchivePackage, key: string): Promise<ArchiveReceipt> {
    const receipt = await this.inner.deposit(pkg, key);
    this.storedDeposits += 1;
    if (this.storedDeposits === 1)
      throw ConnectorError.retryable(
        'archive.timeout',
        'no answer from the archive (after it stored the package)',
      );
    return receipt;
  }
}

describe('idempotent deposit: a retry after an unrecorded deposit finds it instead of depositing again', () => {
  let hub: WorkflowHub;
  let archive: LosesFirstAnswer | undefined;

  beforeAll(async () => {
    hub = await startWorkflowHub('idempotency', {
      wrapConnectors: (c) => ({ ...c, archiveTarget: (archive = new LosesFirstAnswer(c.archiveTarget)) }),
    });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('completes with exactly one package and one delivery receipt', async () => {
    const status = async (id: string) =>
      (await hub.db.query<{ status: string }>('select status from catalogs where id = $1', [id]))[0].status;
    const waitFor = async (id: string, statuses: string[]) => {
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline && !statuses.includes(await status(id)))
        await new Promise((r) => setTimeout(r, 100));
      return status(id);
    };
    const id = await driveToApproval(hub, validSubmission(), waitFor);
    await approve(hub, id);
    expect(await waitFor(id, ['COMPLETED', 'FAILED'])).toBe('COMPLETED');
    expect(archive!.storedDeposits).toBe(1); // the retry found the receipt at the archive and did not deposit again
    expect(archive!.lookups).toBeGreaterThanOrEqual(2);
    expect(readdirSync(hub.archiveDir).filter((d) => d.includes(id))).toHaveLength(1);
    const deliveries = await hub.db.query<{ delivery_key: string }>(
      'select delivery_key from deliveries where catalog_id = $1',
      [id],
    );
    expect(deliveries.map((d) => d.delivery_key)).toEqual([`${id}-v1-wf-archive`]);
    const events = await hub.db.query<{ type: string }>(
      "select type from catalog_events where catalog_id = $1 and type = 'archive.deposited'",
      [id],
    );
    expect(events).toHaveLength(1);
  });
});
