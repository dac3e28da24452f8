/**
 * The chaos run (issue 3 "Prove it"): N catalogs through separate api and worker processes on
 * PostgreSQL while workers are SIGKILLed at random moments and restarted, Redis is FLUSHALLed
 * once, the archive fails a fraction of calls (retryable) and refuses one catalog (permanent).
 * Used by `npm run chaos` (scripts/chaos.ts) and, small, by test/chaos/chaos.e2e.ts.
 *
 * Redis is a private redis-server started here, so FLUSHALL never touches anyone else's data.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { startBankIdSimulator } from '../../connectors/bankid/simulator';
import { RECEIPT_FILE } from '../../connectors/folder-archive';
import { generateApiKeys, roleApiClients, simulatorSigningConfig } from '../../src/demo/demo-environment';
import { startPrivateRedis } from '../../src/demo/private-redis';
import { HubApi, listAll, runLimited, sleep } from '../../src/demo/sas-driver';
import { createTestDatabase } from '../support/test-database';

const REPO = resolve(__dirname, '../..');

export interface ChaosOptions {
  catalogs: number;
  workers: number;
  /** Random pause between two worker kills. */
  killEveryMs: [number, number];
  /** Fraction of archive calls failing with a retryable error. */
  failRate: number;
  failAfterDepositRate: number;
  dieAfterDepositRate: number;
  /** FLUSHALL once this fraction of catalogs is COMPLETED. */
  flushAtFraction: number;
  /** Give up when nothing changes for this long. */
  stallTimeoutMs: number;
  log?: (line: string) => void;
  keepWorkDir?: boolean;
}

export const DEFAULT_CHAOS: ChaosOptions = {
  catalogs: 100,
  workers: 3,
  killEveryMs: [3000, 7000],
  failRate: 0.2,
  failAfterDepositRate: 0.05,
  dieAfterDepositRate: 0.01,
  flushAtFraction: 0.35,
  stallTimeoutMs: 180_000,
};

export interface ChaosResult {
  submitted: number;
  /** When every catalog had reached an end state, before the operator retry. */
  completedAtEnd: number;
  failedAtEnd: number;
  /** After the operator retried the refused catalog. */
  completed: number;
  failed: number;
  duplicates: number;
  lost: number;
  /** Completed catalogs with no package in the archive. */
  missingPackages: number;
  kills: number;
  /** Worker exits we did not cause (the injected die-after-deposit). */
  crashes: number;
  flushes: number;
  /** Processes that exited by themselves after SIGTERM at the end (graceful shutdown), of all. */
  gracefulExits: string;
  permanentFailure: {
    catalogId: string;
    status: string;
    reason: string | null;
    retriedTo: string;
    packages: number;
  } | null;
  seconds: number;
  problems: string[];
}

interface HubProcess {
  role: 'api' | 'worker';
  child: ChildProcess;
  ready: Promise<string>;
  killedByUs: boolean;
}

function catalogsFor(count: number): Record<string, unknown>[] {
  const numbers = JSON.parse(
    readFileSync(join(REPO, 'src/demo/data/testpersonnummer.json'), 'utf8'),
  ) as string[];
  const adults = [...new Set(numbers)].filter(
    (pn) => Number(pn.slice(0, 4)) >= 1960 && Number(pn.slice(0, 4)) <= 2004,
  );
  const teachers = adults.slice(0, 60);
  const students = adults.slice(60);
  const run = randomBytes(3).toString('hex');
  return Array.from({ length: count }, (_, i) => ({
    externalId: `chaos-${run}-${i}`,
    municipalityCode: '2281',
    schoolUnit: { code: '21822811', name: 'Komvux Sundsvall, gymnasial nivå' },
    organizer: { name: 'Sundsvalls kommun', organisationNumber: '212000-2411' },
    course: { kind: 'COURSE', code: 'MATMAT01a', name: 'Matematik 1a', points: 100, schoolForm: 'VUX' },
    gradingTeachers: [
      {
        personalNumber: teachers[i % teachers.length],
        name: `Lärare ${i % teachers.length}`,
        legitimated: true,
      },
    ],
    entries: [0, 1, 2].map((k) => ({
      student: {
        personalNumber: students[(i * 3 + k) % students.length],
        givenName: 'Elev',
        familyName: `Nummer ${k}`,
      },
      grade: 'ABCDE'[(i + k) % 5],
      gradeDate: '2026-11-20',
    })),
  }));
}

/** Packages in the archive folder per catalog id (from each package's deposit receipt). */
export function packagesByCatalog(archiveDir: string): Map<string, number> {
  const counts = new Map<string, number>();
  if (!existsSync(archiveDir)) return counts;
  for (const entry of readdirSync(archiveDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const receiptPath = join(archiveDir, entry.name, RECEIPT_FILE);
    if (!existsSync(receiptPath)) continue;
    const { depositKey } = JSON.parse(readFileSync(receiptPath, 'utf8')) as { depositKey: string };
    const catalogId = depositKey.slice(0, 36);
    counts.set(catalogId, (counts.get(catalogId) ?? 0) + 1);
  }
  return counts;
}

export async function runChaos(input: Partial<ChaosOptions> = {}): Promise<ChaosResult> {
  const options = { ...DEFAULT_CHAOS, ...input };
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const problems: string[] = [];
  const workDir = mkdtempSync(join(tmpdir(), 'gch-chaos-'));
  const archiveDir = join(workDir, 'archive');
  mkdirSync(archiveDir, { recursive: true });
  const permanentFile = join(workDir, 'refuse-catalogs.txt');
  const logStream = createWriteStream(join(workDir, 'processes.log'));

  const redis = await startPrivateRedis();
  const db = await createTestDatabase('gch_chaos');
  const simulator = await startBankIdSimulator({ autoCompleteAfterCollects: 1 });
  const processes: HubProcess[] = [];
  let stopping = false;
  let kills = 0;
  let crashes = 0;
  let flushes = 0;
  let stopped: { clean: number; total: number } | undefined;
  /** SIGTERM every process (graceful shutdown); SIGKILL what has not exited after 15 s. */
  const stopProcesses = async (): Promise<{ clean: number; total: number }> => {
    if (stopped) return stopped;
    stopping = true;
    const live = processes.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
    const results = await Promise.all(
      live.map(
        (p) =>
          new Promise<boolean>((resolveExit) => {
            const timer = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
            p.child.once('exit', (_code, signal) => {
              clearTimeout(timer);
              resolveExit(signal !== 'SIGKILL');
            });
            p.child.kill('SIGTERM');
          }),
      ),
    );
    stopped = { clean: results.filter(Boolean).length, total: results.length };
    return stopped;
  };

  try {
    const keys = generateApiKeys();
    const configFile = join(workDir, 'hub.yaml');
    writeFileSync(
      configFile,
      stringify({
        http: { host: '127.0.0.1', port: 0 },
        database: { url: db.url },
        redis: { url: redis.url, prefix: 'chaos' },
        apiClients: roleApiClients('chaos', keys),
        workflow: {
          collectIntervalMs: 300,
          outboxPollMs: 250,
          concurrency: { documents: 2, signing: 8, archive: 2, maintenance: 1 },
          lockDurationMs: 5000,
          stalledIntervalMs: 3000,
          maxStalledCount: 2,
          shutdownGraceMs: 5000,
          reconciler: { intervalMs: 3000, graceMs: 10_000 },
        },
        metrics: { workerPort: null },
        signing: simulatorSigningConfig(simulator, join(workDir, 'bankid')),
        archive: { folder: { name: 'chaos-archive', directory: archiveDir }, validatorEngine: 'auto' },
      }),
    );

    const spawnHub = (role: 'api' | 'worker'): HubProcess => {
      const child = spawn(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', join(REPO, 'test/chaos/hub-entry.ts'), role],
        {
          cwd: REPO,
          env: {
            ...process.env,
            HUB_CONFIG: configFile,
            LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'error',
            TS_NODE_PROJECT: join(REPO, 'tsconfig.json'),
            CHAOS_FAIL_RATE: String(options.failRate),
            CHAOS_FAIL_AFTER_DEPOSIT_RATE: String(options.failAfterDepositRate),
            CHAOS_DIE_AFTER_DEPOSIT_RATE: String(options.dieAfterDepositRate),
            CHAOS_PERMANENT_FILE: permanentFile,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const hub: HubProcess = { role, child, killedByUs: false, ready: Promise.resolve('') };
      hub.ready = new Promise<string>((resolveReady, rejectReady) => {
        let buffer = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          buffer += chunk.toString('utf8');
          const match = /READY (\S+)/.exec(buffer);
          if (match) resolveReady(match[1]);
          logStream.write(`[${role} ${child.pid}] ${chunk.toString('utf8')}`);
        });
        child.stderr!.on('data', (chunk: Buffer) =>
          logStream.write(`[${role} ${child.pid}] ${chunk.toString('utf8')}`),
        );
        child.once('exit', (code, signal) => {
          rejectReady(new Error(`${role} exited before it was ready (code ${code}, signal ${signal})`));
          if (!hub.killedByUs && !stopping) {
            crashes += 1;
            log(`  ${role} ${child.pid} died on its own (${signal ?? code}); restarting`);
            if (role === 'worker') replaceWorker(hub);
            else problems.push(`api process exited (${signal ?? code})`);
          }
        });
      });
      hub.ready.catch(() => undefined);
      processes.push(hub);
      return hub;
    };
    const replaceWorker = (old: HubProcess) => {
      const index = processes.indexOf(old);
      if (index >= 0) processes.splice(index, 1);
      if (!stopping) spawnHub('worker');
    };

    log(`work dir ${workDir}; database ${db.name}; private Redis ${redis.url}`);
    const api = spawnHub('api');
    const url = await api.ready; // the api role migrates the database first
    for (let i = 0; i < options.workers; i++) spawnHub('worker');
    await Promise.all(processes.filter((p) => p.role === 'worker').map((p) => p.ready));
    log(
      `api at ${url}; ${options.workers} workers ready after ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    const sas = new HubApi(url, keys.sas);
    const approver = new HubApi(url, keys.approver);
    const admin = new HubApi(url, keys.admin);

    // The chaos monkey: SIGKILL a random worker at random moments, start a new one.
    let monkeyOn = true;
    const monkey = (async () => {
      while (monkeyOn) {
        const [min, max] = options.killEveryMs;
        await sleep(min + Math.random() * (max - min));
        if (!monkeyOn) break;
        const workers = processes.filter(
          (p) => p.role === 'worker' && p.child.exitCode === null && p.child.signalCode === null,
        );
        if (workers.length === 0) continue;
        const victim = workers[Math.floor(Math.random() * workers.length)];
        victim.killedByUs = true;
        victim.child.kill('SIGKILL');
        kills += 1;
        replaceWorker(victim);
      }
    })();

    // 1. Submit.
    const bodies = catalogsFor(options.catalogs);
    const ids: string[] = [];
    await runLimited(bodies, 8, async (body) => {
      const created = await sas.call<{ id: string }>('POST', '/api/v1/catalogs', body);
      ids.push(created.body.id);
    });
    // One catalog the archive will refuse permanently.
    const refusedId = ids[0];
    writeFileSync(permanentFile, `${refusedId}\n`);
    log(
      `submitted ${ids.length} catalogs in ${((Date.now() - started) / 1000).toFixed(1)} s; the archive refuses ${refusedId}`,
    );

    // 2. Sign (one BankID order at a time per person) and approve, like a SAS and a handläggare.
    const scheduled = new Set<string>();
    const perSigner = new Map<string, Promise<void>>();
    const signOne = async (catalogId: string, personalNumber: string) => {
      for (let attempt = 1; attempt <= 5; attempt++) {
        try {
          const started = await sas.call<{ sessionId: string; status: string }>(
            'POST',
            `/api/v1/catalogs/${catalogId}/signing-sessions`,
            {
              signerPersonalNumber: personalNumber,
              endUserIp: '192.0.2.10',
            },
          );
          let status = started.body.status;
          const deadline = Date.now() + 120_000;
          while (status === 'PENDING' && Date.now() < deadline) {
            await sleep(500);
            status = (
              await sas.call<{ status: string }>('GET', `/api/v1/signing-sessions/${started.body.sessionId}`)
            ).body.status;
          }
          if (status === 'COMPLETE') return;
        } catch (error) {
          const status = (error as { status?: number }).status;
          if (status === 409 || status === 422) {
            // Already signed, or not signable now: look again later.
            const detail = await sas.call<{
              status: string;
              signers: { personalNumber: string; signed: boolean }[];
            }>('GET', `/api/v1/catalogs/${catalogId}`);
            if (
              detail.body.status !== 'AWAITING_SIGNATURE' ||
              detail.body.signers.find((s) => s.personalNumber === personalNumber)?.signed
            )
              return;
          }
        }
        await sleep(500 * attempt);
      }
    };
    const signersByExternalId = new Map<string, string[]>(
      bodies.map((b) => [
        b.externalId as string,
        (b.gradingTeachers as { personalNumber: string }[]).map((t) => t.personalNumber),
      ]),
    );
    let driving = true;
    const signingDriver = (async () => {
      while (driving) {
        try {
          for (const c of await listAll(sas, 'AWAITING_SIGNATURE')) {
            if (scheduled.has(c.id)) continue;
            scheduled.add(c.id);
            for (const personalNumber of signersByExternalId.get(c.externalId) ?? []) {
              const previous = perSigner.get(personalNumber) ?? Promise.resolve();
              perSigner.set(
                personalNumber,
                previous.then(() => signOne(c.id, personalNumber)).catch(() => undefined),
              );
            }
          }
        } catch (error) {
          log(`  signing driver: ${(error as Error).message}`);
        }
        await sleep(1000);
      }
    })();
    const approvalDriver = (async () => {
      while (driving) {
        try {
          await runLimited(await listAll(approver, 'AWAITING_APPROVAL'), 4, async (c) => {
            await approver
              .call('POST', `/api/v1/catalogs/${c.id}/approval`, {
                decision: 'APPROVE',
                approver: { name: 'Handläggare Kaos' },
                comment: 'ok',
              })
              .catch((error: { status?: number; message?: string }) => {
                if (error.status !== 409) {
                  problems.push(`approve: ${error.message}`);
                  log(`  approve ${c.id}: ${error.message}`);
                }
              });
          });
        } catch (error) {
          log(`  approval driver: ${(error as Error).message}`);
        }
        await sleep(1000);
      }
    })();
    const driver = Promise.all([signingDriver, approvalDriver]);

    // 3. Watch progress; FLUSHALL once mid-run; stop when every catalog is in an end state.
    const terminal = ['COMPLETED', 'FAILED', 'DECLINED', 'REJECTED', 'WITHDRAWN'];
    let lastChange = Date.now();
    let lastLine = '';
    let counts = new Map<string, number>();
    for (;;) {
      counts = new Map();
      for (const status of [
        'RECEIVED',
        'AWAITING_SIGNATURE',
        'AWAITING_APPROVAL',
        'DELIVERING',
        ...terminal,
      ]) {
        counts.set(status, (await listAll(admin, status)).length);
      }
      const line = [...counts]
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${s.toLowerCase()} ${n}`)
        .join(' · ');
      if (line !== lastLine) {
        lastLine = line;
        lastChange = Date.now();
        log(
          `[${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s] ${line}  (kills ${kills}, flushes ${flushes})`,
        );
      }
      const completed = counts.get('COMPLETED') ?? 0;
      if (flushes === 0 && completed >= options.catalogs * options.flushAtFraction) {
        const client = new Redis(redis.url);
        await client.flushall();
        client.disconnect();
        flushes += 1;
        log(`  FLUSHALL on Redis with ${options.catalogs - completed} catalogs still in flight`);
      }
      const finished = terminal.reduce((n, s) => n + (counts.get(s) ?? 0), 0);
      if (finished >= options.catalogs && flushes > 0) break;
      if (Date.now() - lastChange > options.stallTimeoutMs) {
        problems.push(`no progress for ${options.stallTimeoutMs / 1000} s: ${line}`);
        break;
      }
      await sleep(2000);
    }
    monkeyOn = false;
    await monkey;
    const completedAtEnd = counts.get('COMPLETED') ?? 0;
    const failedAtEnd = counts.get('FAILED') ?? 0;
    const runSeconds = (Date.now() - started) / 1000;

    // 4. The operator removes the fault and retries the failed catalog.
    let permanentFailure: ChaosResult['permanentFailure'] = null;
    const refused = (
      await admin.call<{ status: string; failure: { reason: string } | null }>(
        'GET',
        `/api/v1/catalogs/${refusedId}`,
      )
    ).body;
    rmSync(permanentFile, { force: true });
    let retriedTo = refused.status;
    if (refused.status === 'FAILED') {
      await admin.call('POST', `/admin/catalogs/${refusedId}/retry`);
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline) {
        retriedTo = (await admin.call<{ status: string }>('GET', `/api/v1/catalogs/${refusedId}`)).body
          .status;
        if (retriedTo === 'COMPLETED' || retriedTo === 'FAILED') break;
        await sleep(500);
      }
    }
    driving = false;
    await driver;

    // 5. Count: every package in the archive, by catalog.
    const packages = packagesByCatalog(archiveDir);
    const completedIds = (await listAll(admin, 'COMPLETED')).map((c) => c.id);
    const failedIds = (await listAll(admin, 'FAILED')).map((c) => c.id);
    const duplicates = [...packages.values()].reduce((n, count) => n + Math.max(0, count - 1), 0);
    const missingPackages = completedIds.filter((id) => !packages.has(id)).length;
    const ended = new Set([...completedIds, ...failedIds]);
    const lost = ids.filter((id) => !ended.has(id)).length + missingPackages;
    permanentFailure = {
      catalogId: refusedId,
      status: refused.status,
      reason: refused.failure?.reason ?? null,
      retriedTo,
      packages: packages.get(refusedId) ?? 0,
    };
    const shutdown = await stopProcesses();
    return {
      submitted: ids.length,
      completedAtEnd,
      failedAtEnd,
      completed: completedIds.length,
      failed: failedIds.length,
      duplicates,
      lost,
      missingPackages,
      kills,
      crashes,
      flushes,
      gracefulExits: `${shutdown.clean}/${shutdown.total}`,
      permanentFailure,
      seconds: runSeconds,
      problems,
    };
  } finally {
    await stopProcesses();
    logStream.end();
    await simulator.close();
    await redis.stop();
    await db.drop().catch(() => undefined);
    if (!options.keepWorkDir) rmSync(workDir, { recursive: true, force: true });
  }
}

export function formatChaosTable(result: ChaosResult): string {
  const rows: [string, string | number][] = [
    ['submitted', result.submitted],
    ['completed', `${result.completedAtEnd} (${result.completed} after the operator retry)`],
    ['failed', `${result.failedAtEnd} (${result.failed} after the operator retry)`],
    ['duplicates in archive', result.duplicates],
    ['lost', result.lost],
    ['worker kills (SIGKILL)', result.kills],
    ['worker crashes after deposit', result.crashes],
    ['Redis FLUSHALL', result.flushes],
    ['clean exits on SIGTERM', result.gracefulExits],
    ['time', `${result.seconds.toFixed(1)} s`],
  ];
  const lines = rows.map(([k, v]) => `  ${k.padEnd(30)} ${v}`);
  if (result.permanentFailure) {
    const p = result.permanentFailure;
    lines.push(
      `  refused catalog                ${p.catalogId}: ${p.status} (${p.reason ?? 'no reason'}) → operator retry → ${p.retriedTo}, ${p.packages} package(s)`,
    );
  }
  for (const problem of result.problems.slice(0, 10)) lines.push(`  problem: ${problem}`);
  return lines.join('\n');
}
