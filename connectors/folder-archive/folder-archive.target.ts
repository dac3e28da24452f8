import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type {
  ArchivePackage,
  ArchiveReceipt,
  ArchiveTarget,
  ConnectionCheck,
} from '../../src/core/connectors/ports';
import { ConnectorError } from '../../src/core/errors';
import { folderArchiveConfigSchema, type FolderArchiveConfig } from './config';

export interface FolderArchiveTargetOptions {
  /** Clock for `depositedAt` (tests). */
  now?: () => Date;
  /** Temp folders older than this are a crashed deposit and removed (default one hour). */
  staleIncomingAgeMs?: number;
}

/** Receipt file inside every deposited package folder: the source of truth for "deposited". */
export const RECEIPT_FILE = '.deposit.json';
const INCOMING_DIR = '.incoming';
const KEYS_DIR = '.keys';
const SAFE_OBJECT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
const ONE_HOUR_MS = 60 * 60 * 1000;

interface KeyIndexEntry {
  depositKey: string;
  objectId: string;
}

function errnoCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined;
}

function invalidPackage(message: string): ConnectorError {
  return ConnectorError.permanent('archive.invalid_package', message);
}

/**
 * Validates package paths before anything touches the disk: a path that escapes the package
 * folder (`../x`, `/etc/x`) or collides with another is a bug in the package, not a transient fault.
 */
export function assertSafePackage(pkg: ArchivePackage): void {
  if (typeof pkg.objectId !== 'string' || !SAFE_OBJECT_ID.test(pkg.objectId)) {
    throw invalidPackage(`objectId "${String(pkg.objectId)}" is not a safe folder name`);
  }
  if (!Array.isArray(pkg.files) || pkg.files.length === 0) throw invalidPackage('package has no files');
  const filePaths = new Set<string>();
  const directoryPaths = new Set<string>();
  for (const file of pkg.files) {
    const path = file.path;
    if (typeof path !== 'string' || path.length === 0 || path.length > 1024)
      throw invalidPackage('file path is empty or too long');
    if (path.startsWith('/') || path.includes('\\') || path.includes('\0') || /^[A-Za-z]:/.test(path)) {
      throw invalidPackage(`file path "${path}" must be relative and '/'-separated`);
    }
    const segments = path.split('/');
    if (
      segments.some(
        (segment) => segment === '' || segment === '.' || segment === '..' || segment.length > 255,
      )
    ) {
      throw invalidPackage(`file path "${path}" has an empty, "." or ".." segment`);
    }
    if (path === RECEIPT_FILE)
      throw invalidPackage(`file path "${path}" is reserved for the deposit receipt`);
    if (!Buffer.isBuffer(file.content)) throw invalidPackage(`file "${path}" has no Buffer content`);
    if (filePaths.has(path) || directoryPaths.has(path))
      throw invalidPackage(`file path "${path}" occurs twice or is also a folder`);
    filePaths.add(path);
    for (let depth = 1; depth < segments.length; depth += 1) {
      const directory = segments.slice(0, depth).join('/');
      if (filePaths.has(directory)) throw invalidPackage(`"${directory}" is both a file and a folder`);
      directoryPaths.add(directory);
    }
  }
}

/**
 * ArchiveTarget that deposits E-ARK/FGS packages as folders `<directory>/<objectId>/`.
 *
 * Exactly once per deposit key, crash-safe:
 *   1. write the package + receipt into `.incoming/<key-hash>-<random>/`, fsync everything;
 *   2. record `.keys/<sha256(key)>.json` → objectId (an index, so lookups never scan);
 *   3. `rename` the temp folder to `<objectId>` — atomic on one filesystem, and it fails when the
 *      folder already exists, so a concurrent or earlier deposit wins and we return its receipt.
 * The receipt inside the folder is the truth; the index only says where to look.
 */
export class FolderArchiveTarget implements ArchiveTarget {
  readonly name: string;
  readonly directory: string;
  private readonly now: () => Date;
  private readonly staleIncomingAgeMs: number;
  /** Same-key deposits in this process run one after another (cross-process safety is the rename). */
  private readonly inFlight = new Map<string, Promise<ArchiveReceipt>>();
  private startup: Promise<void> | null = null;

  constructor(
    config: FolderArchiveConfig | { name?: string; directory: string },
    options: FolderArchiveTargetOptions = {},
  ) {
    const parsed = folderArchiveConfigSchema.parse(config);
    this.name = parsed.name;
    this.directory = resolve(parsed.directory);
    this.now = options.now ?? (() => new Date());
    this.staleIncomingAgeMs = options.staleIncomingAgeMs ?? ONE_HOUR_MS;
  }

  static fromConfig(rawConfig: unknown, options?: FolderArchiveTargetOptions): FolderArchiveTarget {
    return new FolderArchiveTarget(folderArchiveConfigSchema.parse(rawConfig), options);
  }

  async checkConnection(): Promise<ConnectionCheck> {
    try {
      const info = await stat(this.directory);
      if (!info.isDirectory()) return { ok: false, detail: `${this.directory} is not a directory` };
      await access(this.directory, constants.W_OK);
      // access() can say yes on a read-only mount: prove it by writing a probe file.
      await mkdir(join(this.directory, INCOMING_DIR), { recursive: true });
      const probe = join(this.directory, INCOMING_DIR, `.probe-${randomBytes(6).toString('hex')}`);
      await this.writeFileDurably(probe, Buffer.from('probe'));
      await rm(probe, { force: true });
      const removed = await this.removeStaleIncoming();
      return {
        ok: true,
        detail: `${this.directory} is writable${removed > 0 ? `; removed ${removed} stale temp folder(s)` : ''}`,
      };
    } catch (error) {
      return {
        ok: false,
        detail: `${this.directory}: ${errnoCode(error) ?? (error instanceof Error ? error.message : String(error))}`,
      };
    }
  }

  async findDeposit(depositKey: string): Promise<ArchiveReceipt | null> {
    try {
      const entry = await this.readKeyIndex(depositKey);
      if (!entry) return null;
      // The index is written before the rename, so it may point at a deposit that never finished.
      return await this.readReceipt(entry.objectId, depositKey);
    } catch (error) {
      throw this.ioError('findDeposit', error);
    }
  }

  async deposit(pkg: ArchivePackage, depositKey: string): Promise<ArchiveReceipt> {
    if (typeof depositKey !== 'string' || depositKey.length === 0)
      throw invalidPackage('depositKey is empty');
    assertSafePackage(pkg);
    // Chain behind any same-key deposit of this process so the second one finds the first's receipt.
    const previous = this.inFlight.get(depositKey) ?? Promise.resolve();
    const attempt = previous.catch(() => undefined).then(() => this.depositSerialised(pkg, depositKey));
    this.inFlight.set(depositKey, attempt);
    void attempt
      .finally(() => {
        if (this.inFlight.get(depositKey) === attempt) this.inFlight.delete(depositKey);
      })
      .catch(() => undefined);
    return attempt;
  }

  private async depositSerialised(pkg: ArchivePackage, depositKey: string): Promise<ArchiveReceipt> {
    try {
      // Never create the target itself: a missing folder usually means an unmounted share.
      const info = await stat(this.directory);
      if (!info.isDirectory())
        throw Object.assign(new Error(`${this.directory} is not a directory`), { code: 'ENOTDIR' });
      await this.ensureStarted();
      const earlier = await this.findDeposit(depositKey);
      if (earlier) return earlier;

      // The folder may exist without an index entry (index lost, or written by an older version).
      const existing = await this.existingReceiptFor(pkg.objectId, depositKey);
      if (existing) {
        await this.writeKeyIndex({ depositKey, objectId: pkg.objectId });
        return existing;
      }

      const receipt: ArchiveReceipt = {
        depositKey,
        archiveReference: pkg.objectId,
        depositedAt: this.now().toISOString(),
      };
      const incoming = await this.writeIncoming(pkg, depositKey, receipt);
      try {
        await this.writeKeyIndex({ depositKey, objectId: pkg.objectId });
        return await this.publish(incoming, pkg.objectId, depositKey, receipt);
      } finally {
        await rm(incoming, { recursive: true, force: true });
      }
    } catch (error) {
      throw this.ioError('deposit', error);
    }
  }

  /** Step 1: the whole package and its receipt in a private temp folder, durably on disk. */
  private async writeIncoming(
    pkg: ArchivePackage,
    depositKey: string,
    receipt: ArchiveReceipt,
  ): Promise<string> {
    const incoming = join(
      this.directory,
      INCOMING_DIR,
      `${keyHash(depositKey).slice(0, 16)}-${randomBytes(8).toString('hex')}`,
    );
    await mkdir(incoming, { recursive: true });
    try {
      const directories = new Set<string>([incoming]);
      for (const file of pkg.files) {
        const target = join(incoming, ...file.path.split('/'));
        const parent = dirname(target);
        if (!directories.has(parent)) {
          await mkdir(parent, { recursive: true });
          for (
            let directory = parent;
            directory.startsWith(incoming) && !directories.has(directory);
            directory = dirname(directory)
          ) {
            directories.add(directory);
          }
        }
        await this.writeFileDurably(target, file.content);
      }
      await this.writeFileDurably(
        join(incoming, RECEIPT_FILE),
        Buffer.from(`${JSON.stringify(receipt, null, 2)}\n`, 'utf8'),
      );
      // New directory entries are durable only once their parent directories are synced.
      for (const directory of [...directories].sort((a, b) => b.length - a.length))
        await syncDirectory(directory);
    } catch (error) {
      // A half-written temp folder is useless (e.g. disk full): remove it now, not an hour later.
      await rm(incoming, { recursive: true, force: true }).catch(() => undefined);
      throw error;
    }
    return incoming;
  }

  /** Step 3: atomic rename into place; losing the race means someone else's deposit stands. */
  private async publish(
    incoming: string,
    objectId: string,
    depositKey: string,
    receipt: ArchiveReceipt,
  ): Promise<ArchiveReceipt> {
    const finalFolder = join(this.directory, objectId);
    try {
      await rename(incoming, finalFolder);
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'EEXIST' || code === 'ENOTEMPTY' || code === 'EISDIR') {
        const winner = await this.existingReceiptFor(objectId, depositKey);
        if (winner) return winner;
      }
      throw error;
    }
    await syncDirectory(this.directory);
    return receipt;
  }

  /**
   * Receipt of an existing `<objectId>` folder deposited under this key; null when there is no
   * such folder; a permanent error when the folder belongs to something else (never overwrite).
   */
  private async existingReceiptFor(objectId: string, depositKey: string): Promise<ArchiveReceipt | null> {
    let raw: string;
    try {
      raw = await readFile(join(this.directory, objectId, RECEIPT_FILE), 'utf8');
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw error;
      const folderExists = await stat(join(this.directory, objectId)).then(
        () => true,
        (statError: unknown) => {
          if (errnoCode(statError) === 'ENOENT') return false;
          throw statError;
        },
      );
      if (folderExists)
        throw ConnectorError.permanent(
          'archive.conflict',
          `${objectId} already exists in ${this.directory} without a deposit receipt`,
        );
      return null;
    }
    const receipt = parseReceipt(raw);
    if (!receipt)
      throw ConnectorError.permanent('archive.conflict', `${objectId}/${RECEIPT_FILE} is unreadable`);
    if (receipt.depositKey !== depositKey) {
      throw ConnectorError.permanent(
        'archive.conflict',
        `${objectId} was already deposited under another deposit key`,
      );
    }
    return receipt;
  }

  private async readReceipt(objectId: string, depositKey: string): Promise<ArchiveReceipt | null> {
    try {
      const receipt = parseReceipt(await readFile(join(this.directory, objectId, RECEIPT_FILE), 'utf8'));
      return receipt && receipt.depositKey === depositKey ? receipt : null;
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return null;
      throw error;
    }
  }

  private keyIndexPath(depositKey: string): string {
    return join(this.directory, KEYS_DIR, `${keyHash(depositKey)}.json`);
  }

  private async readKeyIndex(depositKey: string): Promise<KeyIndexEntry | null> {
    try {
      const entry = JSON.parse(
        await readFile(this.keyIndexPath(depositKey), 'utf8'),
      ) as Partial<KeyIndexEntry>;
      if (
        entry.depositKey !== depositKey ||
        typeof entry.objectId !== 'string' ||
        !SAFE_OBJECT_ID.test(entry.objectId)
      )
        return null;
      return { depositKey, objectId: entry.objectId };
    } catch (error) {
      if (errnoCode(error) === 'ENOENT' || error instanceof SyntaxError) return null;
      throw error;
    }
  }

  /** Step 2: index entry, written atomically (temp file + rename) so a reader never sees half of it. */
  private async writeKeyIndex(entry: KeyIndexEntry): Promise<void> {
    const keysDirectory = join(this.directory, KEYS_DIR);
    await mkdir(keysDirectory, { recursive: true });
    const target = this.keyIndexPath(entry.depositKey);
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    await this.writeFileDurably(temporary, Buffer.from(`${JSON.stringify(entry)}\n`, 'utf8'));
    await rename(temporary, target);
    await syncDirectory(keysDirectory);
  }

  private async writeFileDurably(path: string, content: Buffer): Promise<void> {
    // 'wx': never write through into something that is already there.
    const handle = await open(path, 'wx');
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  private ensureStarted(): Promise<void> {
    // Crash leftovers are cleaned once per process before the first deposit (and by checkConnection).
    this.startup ??= this.removeStaleIncoming().then(
      () => undefined,
      () => {
        this.startup = null;
      },
    );
    return this.startup;
  }

  /** Removes `.incoming/*` older than the stale age (a crashed deposit); returns how many. */
  async removeStaleIncoming(): Promise<number> {
    const incomingRoot = join(this.directory, INCOMING_DIR);
    let names: string[];
    try {
      names = await readdir(incomingRoot);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return 0;
      throw error;
    }
    const cutoff = Date.now() - this.staleIncomingAgeMs;
    let removed = 0;
    for (const name of names) {
      const path = join(incomingRoot, name);
      try {
        const info = await stat(path);
        if (info.mtimeMs < cutoff) {
          await rm(path, { recursive: true, force: true });
          removed += 1;
        }
      } catch (error) {
        if (errnoCode(error) !== 'ENOENT') throw error;
      }
    }
    return removed;
  }

  private ioError(operation: string, error: unknown): ConnectorError {
    if (error instanceof ConnectorError) return error;
    const code = errnoCode(error);
    if (code === 'ENAMETOOLONG') return invalidPackage(`a package path is too long for ${this.directory}`);
    // Disk full, permissions, I/O errors, a share that is not mounted: all may heal, so retry.
    return ConnectorError.retryable(
      'archive.io',
      `folder archive ${this.name}: ${operation} failed${code ? ` (${code})` : ''}: ${error instanceof Error ? error.message : String(error)}`,
      error,
    );
  }
}

function keyHash(depositKey: string): string {
  return createHash('sha256').update(depositKey, 'utf8').digest('hex');
}

function parseReceipt(raw: string): ArchiveReceipt | null {
  try {
    const value = JSON.parse(raw) as Partial<ArchiveReceipt>;
    if (
      typeof value.depositKey === 'string' &&
      typeof value.archiveReference === 'string' &&
      typeof value.depositedAt === 'string'
    ) {
      return {
        depositKey: value.depositKey,
        archiveReference: value.archiveReference,
        depositedAt: value.depositedAt,
      };
    }
    return null;
  } catch {
    return null;
  }
}

async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some filesystems (e.g. certain network mounts) refuse fsync on directories; the data files are synced.
    if (errnoCode(error) !== 'EINVAL' && errnoCode(error) !== 'EPERM') throw error;
  } finally {
    await handle.close();
  }
}
