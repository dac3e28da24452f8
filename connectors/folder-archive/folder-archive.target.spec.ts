import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { archiveInputFixture } from '../../src/archive/__tests__/archive-input.fixture';
import { MetsValidator } from '../../src/archive/mets-validator';
import { SipPackageBuilder } from '../../src/archive/sip-package.builder';
import type { ArchivePackage } from '../../src/core/connectors/ports';
import { ConnectorError } from '../../src/core/errors';
import { folderArchiveConfigSchema } from './config';
import { FolderArchiveTarget, RECEIPT_FILE } from './folder-archive.target';

const pkg = new SipPackageBuilder().build(archiveInputFixture());
const depositKey = 'archive:7f9c2d4e-1a2b-4c3d-8e9f-0a1b2c3d4e5f:v2';
const fixedNow = () => new Date('2026-06-10T12:00:00.000Z');

function packageFolders(directory: string): string[] {
  return readdirSync(directory).filter((name) => !name.startsWith('.'));
}

async function rejection(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ConnectorError) return error;
    throw error;
  }
  throw new Error('expected a ConnectorError');
}

describe('FolderArchiveTarget', () => {
  let directory: string;
  let target: FolderArchiveTarget;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'folder-archive-'));
    target = new FolderArchiveTarget({ name: 'archive-test', directory }, { now: fixedNow });
  });

  afterEach(() => {
    chmodSync(directory, 0o755);
    rmSync(directory, { recursive: true, force: true });
  });

  it('validates its config with zod', () => {
    expect(folderArchiveConfigSchema.parse({ directory: '/srv/archive' })).toEqual({
      name: 'folder-archive',
      directory: '/srv/archive',
    });
    expect(() => folderArchiveConfigSchema.parse({ directory: '' })).toThrow();
    expect(() => folderArchiveConfigSchema.parse({ directory: '/x', extra: 1 })).toThrow();
  });

  it('deposits the whole package as <objectId>/ with a receipt, and the stored package still validates', async () => {
    const receipt = await target.deposit(pkg, depositKey);
    expect(receipt).toEqual({
      depositKey,
      archiveReference: pkg.objectId,
      depositedAt: '2026-06-10T12:00:00.000Z',
    });
    expect(packageFolders(directory)).toEqual([pkg.objectId]);
    for (const file of pkg.files) {
      expect(readFileSync(join(directory, pkg.objectId, file.path)).equals(file.content)).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(directory, pkg.objectId, RECEIPT_FILE), 'utf8'))).toEqual(receipt);
    expect(readdirSync(join(directory, '.incoming'))).toEqual([]);
    await expect(target.findDeposit(depositKey)).resolves.toEqual(receipt);
    await expect(target.findDeposit('some-other-key')).resolves.toBeNull();

    const stored: ArchivePackage = {
      objectId: pkg.objectId,
      files: pkg.files.map((file) => ({
        path: file.path,
        content: readFileSync(join(directory, pkg.objectId, file.path)),
      })),
    };
    expect(new MetsValidator().checkPackageProfile(stored)).toEqual([]);
  });

  it('deposits exactly once per key: a second deposit returns the same receipt and stores nothing', async () => {
    const first = await target.deposit(pkg, depositKey);
    const later = new FolderArchiveTarget(
      { name: 'archive-test', directory },
      { now: () => new Date('2027-01-01T00:00:00Z') },
    );
    const second = await later.deposit(pkg, depositKey);
    expect(second).toEqual(first);
    expect(packageFolders(directory)).toEqual([pkg.objectId]);
  });

  it('concurrent deposits with one key (two instances, as two processes would) leave one folder and one receipt', async () => {
    const other = new FolderArchiveTarget(
      { name: 'archive-test', directory },
      { now: () => new Date('2026-06-10T12:00:01.000Z') },
    );
    const receipts = await Promise.all([
      target.deposit(pkg, depositKey),
      other.deposit(pkg, depositKey),
      target.deposit(pkg, depositKey),
    ]);
    expect(new Set(receipts.map((receipt) => JSON.stringify(receipt))).size).toBe(1);
    expect(packageFolders(directory)).toEqual([pkg.objectId]);
    expect(readdirSync(join(directory, '.incoming'))).toEqual([]);
  });

  it('recovers when the folder was renamed into place but the key index was never written', async () => {
    const receipt = await target.deposit(pkg, depositKey);
    // Simulate the crash window: the package folder exists, the index entry does not.
    rmSync(join(directory, '.keys'), { recursive: true, force: true });
    await expect(target.findDeposit(depositKey)).resolves.toBeNull();

    const again = await new FolderArchiveTarget({ name: 'archive-test', directory }).deposit(pkg, depositKey);
    expect(again).toEqual(receipt);
    expect(packageFolders(directory)).toEqual([pkg.objectId]);
    await expect(target.findDeposit(depositKey)).resolves.toEqual(receipt); // index repaired
  });

  it('recovers when a crash left a temp folder and an index entry but no package folder', async () => {
    const keyHash = createHash('sha256').update(depositKey).digest('hex');
    mkdirSync(join(directory, '.keys'), { recursive: true });
    writeFileSync(
      join(directory, '.keys', `${keyHash}.json`),
      JSON.stringify({ depositKey, objectId: pkg.objectId }),
    );
    const leftover = join(directory, '.incoming', `${keyHash.slice(0, 16)}-deadbeef`);
    mkdirSync(join(leftover, 'metadata'), { recursive: true });
    writeFileSync(join(leftover, 'METS.xml'), 'half written');

    await expect(target.findDeposit(depositKey)).resolves.toBeNull();
    const receipt = await target.deposit(pkg, depositKey);
    expect(receipt.depositKey).toBe(depositKey);
    expect(packageFolders(directory)).toEqual([pkg.objectId]);
    expect(readFileSync(join(directory, pkg.objectId, 'METS.xml')).equals(pkg.files[0]!.content)).toBe(true);
  });

  it('never overwrites a folder that belongs to another deposit key', async () => {
    await target.deposit(pkg, depositKey);
    const error = await rejection(target.deposit(pkg, 'a-different-key'));
    expect([error.kind, error.code]).toEqual(['permanent', 'archive.conflict']);
  });

  it.each([
    ['parent traversal', '../escape.txt'],
    ['nested traversal', 'representations/../../escape.txt'],
    ['absolute path', '/etc/passwd'],
    ['backslash path', 'representations\\rep1\\x'],
    ['receipt file', RECEIPT_FILE],
  ])('rejects a package with a %s as a permanent invalid_package, writing nothing', async (_label, path) => {
    const evil: ArchivePackage = { ...pkg, files: [...pkg.files, { path, content: Buffer.from('x') }] };
    const error = await rejection(target.deposit(evil, depositKey));
    expect([error.kind, error.code]).toEqual(['permanent', 'archive.invalid_package']);
    expect(packageFolders(directory)).toEqual([]);
    expect(existsSync(join(directory, '..', 'escape.txt'))).toBe(false);
  });

  it('rejects an unsafe objectId as permanent', async () => {
    for (const objectId of ['..', '../x', 'a/b', '.hidden', '']) {
      const error = await rejection(target.deposit({ ...pkg, objectId }, depositKey));
      expect([error.kind, error.code]).toEqual(['permanent', 'archive.invalid_package']);
    }
  });

  const runningAsRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  (runningAsRoot ? it.skip : it)('maps a write failure (EACCES) to a retryable archive.io', async () => {
    chmodSync(directory, 0o500);
    const error = await rejection(target.deposit(pkg, depositKey));
    expect([error.kind, error.code]).toEqual(['retryable', 'archive.io']);
    await expect(target.checkConnection()).resolves.toMatchObject({ ok: false });
  });

  it('maps a full disk (ENOSPC) to a retryable archive.io and leaves no package folder', async () => {
    const fsPromises = jest.requireActual<typeof import('node:fs/promises')>('node:fs/promises');
    const realOpen = fsPromises.open;
    const spy = jest.spyOn(fsPromises, 'open').mockImplementation(async (path, flags, mode) => {
      if (String(path).endsWith('betygskatalog.pdf'))
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      return realOpen(path, flags, mode);
    });
    try {
      const error = await rejection(target.deposit(pkg, depositKey));
      expect([error.kind, error.code]).toEqual(['retryable', 'archive.io']);
      expect(error.message).toContain('ENOSPC');
    } finally {
      spy.mockRestore();
    }
    expect(packageFolders(directory)).toEqual([]);
    expect(readdirSync(join(directory, '.incoming'))).toEqual([]);
    // After the disk has space again, the retry succeeds.
    await expect(target.deposit(pkg, depositKey)).resolves.toMatchObject({ depositKey });
  });

  it('maps a missing target directory to a retryable archive.io and does not create it', async () => {
    const missingDirectory = join(directory, 'not-mounted');
    const unmounted = new FolderArchiveTarget({ directory: missingDirectory });
    const missingError = await rejection(unmounted.deposit(pkg, depositKey));
    expect([missingError.kind, missingError.code]).toEqual(['retryable', 'archive.io']);
    expect(existsSync(missingDirectory)).toBe(false);
    await expect(unmounted.checkConnection()).resolves.toMatchObject({ ok: false });
  });

  it('maps a target that is not a directory to a retryable archive.io', async () => {
    const missing = new FolderArchiveTarget({ directory: join(directory, 'not-mounted', 'x') });
    // The parent is a file, so stat fails with ENOTDIR.
    writeFileSync(join(directory, 'not-mounted'), 'a file, not a folder');
    const error = await rejection(missing.deposit(pkg, depositKey));
    expect([error.kind, error.code]).toEqual(['retryable', 'archive.io']);
    await expect(missing.checkConnection()).resolves.toMatchObject({ ok: false });
  });

  it('checkConnection reports a writable directory and cleans temp folders older than an hour', async () => {
    const stale = join(directory, '.incoming', 'stale-crash');
    const fresh = join(directory, '.incoming', 'fresh-in-progress');
    mkdirSync(stale, { recursive: true });
    mkdirSync(fresh, { recursive: true });
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(stale, twoHoursAgo, twoHoursAgo);

    const check = await target.checkConnection();
    expect(check.ok).toBe(true);
    expect(check.detail).toContain('removed 1 stale');
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
  });
});
