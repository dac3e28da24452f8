import { existsSync, readFileSync } from 'node:fs';
import type {
  ArchivePackage,
  ArchiveReceipt,
  ArchiveTarget,
  ConnectionCheck,
} from '../../src/core/connectors/ports';
import { ConnectorError } from '../../src/core/errors';

export interface FaultOptions {
  /** Fraction of deposit/findDeposit calls that fail with a retryable error before reaching the archive. */
  failRate: number;
  /** Fraction of deposits that reach the archive but then report a (retryable) timeout: the retry must find it. */
  failAfterDepositRate: number;
  /** Fraction of deposits after which the whole process dies (SIGKILL) before the hub records the receipt. */
  dieAfterDepositRate: number;
  /** While this file exists, deposits for the catalog ids listed in it are refused permanently. */
  permanentFile?: string;
  random?: () => number;
}

/**
 * Test/chaos only: wraps a real ArchiveTarget and injects the faults a real peer shows. Fault
 * injection lives here, around the port, never in product code.
 */
export class FaultyArchiveTarget implements ArchiveTarget {
  readonly name: string;
  private readonly random: () => number;

  constructor(
    private readonly inner: ArchiveTarget,
    private readonly faults: FaultOptions,
  ) {
    this.name = inner.name;
    this.random = faults.random ?? Math.random;
  }

  checkConnection(): Promise<ConnectionCheck> {
    return this.inner.checkConnection();
  }

  async findDeposit(depositKey: string): Promise<ArchiveReceipt | null> {
    this.maybeFail('findDeposit');
    return this.inner.findDeposit(depositKey);
  }

  async deposit(pkg: ArchivePackage, depositKey: string): Promise<ArchiveReceipt> {
    if (this.refused(depositKey)) {
      throw ConnectorError.permanent(
        'archive.refused',
        'The archive refused the package: submission agreement does not cover this school unit (injected fault)',
      );
    }
    this.maybeFail('deposit');
    const receipt = await this.inner.deposit(pkg, depositKey);
    if (this.random() < this.faults.dieAfterDepositRate) {
      // The worst moment: stored in the archive, not yet recorded by the hub.
      process.kill(process.pid, 'SIGKILL');
    }
    if (this.random() < this.faults.failAfterDepositRate) {
      throw ConnectorError.retryable(
        'archive.timeout',
        'archive did not answer in time (injected, after storing the package)',
      );
    }
    return receipt;
  }

  private maybeFail(operation: string): void {
    if (this.random() < this.faults.failRate) {
      throw ConnectorError.retryable(
        'archive.unavailable',
        `archive ${operation}: 503 Service Unavailable (injected)`,
      );
    }
  }

  private refused(depositKey: string): boolean {
    const file = this.faults.permanentFile;
    if (!file || !existsSync(file)) return false;
    const ids = readFileSync(file, 'utf8').split(/\s+/).filter(Boolean);
    return ids.some((id) => depositKey.startsWith(id));
  }
}
