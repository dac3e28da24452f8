import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRootLogger } from '../core/logging/logger';
import { generateTerm } from './catalog-generator';
import { startDemoEnvironment } from './demo-environment';
import { PrivateRedis, redisAnswers, redisServerOnPath, startPrivateRedis } from './private-redis';
import { HubApi, listAll, runLimited, signAs, sleep } from './sas-driver';

interface DemoArgs {
  participations: number;
  out: string;
  serve: boolean;
  seed: number;
  port?: number;
}

const USAGE = `Usage: npm run demo -- [--participations N] [--out DIR] [--seed N] [--serve [--port P]]
  --participations N  course participations to generate (default 16000, Sundsvall's yearly volume)
  --out DIR           where the archive packages land (default ./demo-out/archive)
  --serve             start everything, print URLs and API keys, stay up until Ctrl-C`;

export function parseDemoArgs(argv: string[]): DemoArgs {
  const args: DemoArgs = { participations: 16000, out: 'demo-out/archive', serve: false, seed: 2281 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    const positiveInt = (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1)
        throw new Error(`${flag} must be a positive whole number, got "${v}"\n${USAGE}`);
      return n;
    };
    if (flag === '--participations') args.participations = positiveInt(value());
    else if (flag === '--out') args.out = value();
    else if (flag === '--seed') args.seed = positiveInt(value());
    else if (flag === '--port') args.port = positiveInt(value());
    else if (flag === '--serve') args.serve = true;
    else if (flag === '--help' || flag === '-h') throw new Error(USAGE);
    else throw new Error(`Unknown option ${flag}\n${USAGE}`);
  }
  return args;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** A catalog with one grading teacher, so the signing example needs no signerPersonalNumber. */
function sampleCatalog(seed: number): Record<string, unknown> {
  const { catalogs } = generateTerm({ participations: 300, seed });
  return catalogs.find((c) => (c.gradingTeachers as unknown[]).length === 1 && !c.principal) ?? catalogs[0];
}

export async function runDemoCli(argv: string[]): Promise<number> {
  let args: DemoArgs;
  try {
    args = parseDemoArgs(argv);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }

  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  let privateRedis: PrivateRedis | undefined;
  if (!(await redisAnswers(redisUrl))) {
    if (!redisServerOnPath()) {
      console.error(
        `No Redis answers at ${redisUrl} and no redis-server is on the PATH: install one (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set REDIS_URL.`,
      );
      return 1;
    }
    privateRedis = await startPrivateRedis();
    console.log(
      `No Redis at ${redisUrl}: started a private one at ${privateRedis.url} (no persistence; stopped at exit).`,
    );
  }

  const workDir = mkdtempSync(join(tmpdir(), 'gch-demo-'));
  const archiveDir = resolve(args.out);
  const logger = createRootLogger(process.env.LOG_LEVEL ?? 'error');
  const env = await startDemoEnvironment({
    archiveDir,
    workDir,
    redisUrl: privateRedis?.url ?? redisUrl,
    databaseUrl: process.env.DATABASE_URL,
    port: args.serve ? (args.port ?? 3000) : 0,
    logger,
  });
  const shutdown = async () => {
    await env.close();
    await privateRedis?.stop();
    rmSync(workDir, { recursive: true, force: true });
  };

  if (args.serve) {
    // One generated catalog to try the API with, and the simulator's client certificate for curl.
    const samplePath = join(workDir, 'sample-catalog.json');
    writeFileSync(samplePath, JSON.stringify(sampleCatalog(args.seed), null, 2));
    const certs = join(workDir, 'bankid-simulator');
    const mtls = `--cacert ${certs}/server-ca.pem --cert ${certs}/rp-client.pem --key ${certs}/rp-client.key`;
    console.log(`Grade-catalog hub (role all) at ${env.url}
  BankID simulator:  ${env.simulator.url}  (orders complete after one collect)
  Archive packages:  ${archiveDir}
  API keys:
    sas       ${env.keys.sas}
    approver  ${env.keys.approver}
    admin     ${env.keys.admin}
Try:
  curl -s ${env.url}/api/v1/catalogs -H "Authorization: Bearer ${env.keys.sas}" -H 'content-type: application/json' -d @${samplePath}
  curl -s ${env.url}/api/v1/catalogs/<id> -H "Authorization: Bearer ${env.keys.sas}"
  curl -s ${env.url}/api/v1/catalogs/<id>/signing-sessions -H "Authorization: Bearer ${env.keys.sas}" -H 'content-type: application/json' -d '{"endUserIp":"192.0.2.10"}'
  curl -s ${env.url}/api/v1/catalogs/<id>/approval -H "Authorization: Bearer ${env.keys.approver}" -H 'content-type: application/json' -d '{"decision":"APPROVE","approver":{"name":"Handläggare"}}'
  curl -s ${env.url}/health/ready
  curl -s ${mtls} ${env.simulator.controlUrl}/orders     (the simulator's orders, over mTLS)
Ctrl-C stops everything.`);
    await new Promise<void>((resolveStop) => {
      process.once('SIGINT', () => resolveStop());
      process.once('SIGTERM', () => resolveStop());
    });
    await shutdown();
    return 0;
  }

  try {
    return await runWorkload(args, env.url, env.keys, archiveDir);
  } finally {
    await shutdown();
  }
}

async function runWorkload(
  args: DemoArgs,
  url: string,
  keys: { sas: string; approver: string },
  archiveDir: string,
): Promise<number> {
  const sas = new HubApi(url, keys.sas);
  const approver = new HubApi(url, keys.approver);
  const term = generateTerm({ participations: args.participations, seed: args.seed });
  const total = term.catalogs.length;
  const signersByExternalId = new Map<string, string[]>();
  for (const c of term.catalogs as {
    externalId: string;
    gradingTeachers: { personalNumber: string }[];
    principal?: { personalNumber: string };
  }[]) {
    signersByExternalId.set(c.externalId, [
      ...c.gradingTeachers.map((t) => t.personalNumber),
      ...(c.principal ? [c.principal.personalNumber] : []),
    ]);
  }
  console.log(
    `Demo: ${total} catalogs, ${term.participations} participations, ${term.teachers.length} teachers → ${url}`,
  );
  const started = Date.now();
  const problems: string[] = [];

  // 1. The SAS submits every catalog over REST.
  const submitting = runLimited(term.catalogs, 8, async (body) => {
    try {
      await sas.call('POST', '/api/v1/catalogs', body);
    } catch (error) {
      problems.push((error as Error).message);
    }
  });

  // 2. Teachers sign, one BankID order at a time per person (BankID cancels parallel orders).
  const scheduled = new Set<string>();
  const signerQueues = new Map<string, Promise<void>>();
  const signingFailures: string[] = [];
  const scheduleSigning = (catalogId: string, personalNumber: string) => {
    const previous = signerQueues.get(personalNumber) ?? Promise.resolve();
    signerQueues.set(
      personalNumber,
      previous.then(async () => {
        for (let attempt = 1; attempt <= 3; attempt++) {
          try {
            const view = await signAs(sas, catalogId, personalNumber);
            if (view.status === 'COMPLETE') return;
          } catch (error) {
            if (attempt === 3) signingFailures.push((error as Error).message);
          }
          await sleep(500);
        }
      }),
    );
  };

  let done = false;
  let finished = 0;
  const counts = new Map<string, number>();
  const pipeline = (async () => {
    while (!done) {
      for (const c of await listAll(sas, 'AWAITING_SIGNATURE')) {
        if (scheduled.has(c.id)) continue;
        scheduled.add(c.id);
        for (const pn of signersByExternalId.get(c.externalId) ?? []) scheduleSigning(c.id, pn);
      }
      // 3. The handläggare approves what is signed.
      const toApprove = await listAll(approver, 'AWAITING_APPROVAL');
      await runLimited(toApprove, 4, async (c) => {
        try {
          await approver.call('POST', `/api/v1/catalogs/${c.id}/approval`, {
            decision: 'APPROVE',
            approver: { name: 'Handläggare Demo' },
            comment: 'Kontrollerad',
          });
        } catch (error) {
          if ((error as { status?: number }).status !== 409) problems.push((error as Error).message);
        }
      });
      await sleep(1000);
    }
  })();

  // 4. Progress until every catalog has reached an end state.
  const states = [
    'RECEIVED',
    'AWAITING_SIGNATURE',
    'AWAITING_APPROVAL',
    'DELIVERING',
    'COMPLETED',
    'FAILED',
    'DECLINED',
    'REJECTED',
    'WITHDRAWN',
  ];
  let lastProgress = Date.now();
  let lastFinished = -1;
  await submitting;
  const submittedAt = Date.now();
  while (true) {
    for (const s of states) counts.set(s, (await listAll(sas, s)).length);
    finished = ['COMPLETED', 'FAILED', 'DECLINED', 'REJECTED', 'WITHDRAWN'].reduce(
      (n, s) => n + (counts.get(s) ?? 0),
      0,
    );
    const line = states
      .filter((s) => counts.get(s))
      .map((s) => `${s.toLowerCase()} ${counts.get(s)}`)
      .join(' · ');
    process.stdout.write(`[${seconds(Date.now() - started).padStart(8)}] ${line}\n`);
    if (finished + problems.length >= total) break;
    if (finished !== lastFinished) {
      lastFinished = finished;
      lastProgress = Date.now();
    } else if (Date.now() - lastProgress > 5 * 60_000) {
      problems.push('no progress for 5 minutes');
      break;
    }
    await sleep(2000);
  }
  done = true;
  await pipeline;
  const wall = Date.now() - started;

  // 5. Summary from the hub's own timelines.
  const completed = await listAll(sas, 'COMPLETED');
  const stageDurations = new Map<string, number[]>();
  let entries = 0;
  await runLimited(completed, 8, async (c) => {
    const detail = (
      await sas.call<{
        entryCount: number;
        timeline: { type: string; at: string; data: { to?: string } | null }[];
      }>('GET', `/api/v1/catalogs/${c.id}`)
    ).body;
    entries += detail.entryCount;
    const at = new Map<string, number>();
    for (const e of detail.timeline) {
      if (e.type === 'catalog.received') at.set('RECEIVED', Date.parse(e.at));
      if (e.type === 'catalog.status' && e.data?.to) at.set(e.data.to, Date.parse(e.at));
    }
    const stages: [string, string, string][] = [
      ['render PDF/A', 'RECEIVED', 'AWAITING_SIGNATURE'],
      ['BankID signing (incl. queueing per teacher)', 'AWAITING_SIGNATURE', 'AWAITING_APPROVAL'],
      ['waiting for approval', 'AWAITING_APPROVAL', 'DELIVERING'],
      ['package + validate + deposit', 'DELIVERING', 'COMPLETED'],
      ['end to end', 'RECEIVED', 'COMPLETED'],
    ];
    for (const [label, from, to] of stages) {
      const a = at.get(from);
      const b = at.get(to);
      if (a !== undefined && b !== undefined)
        stageDurations.set(label, [...(stageDurations.get(label) ?? []), b - a]);
    }
  });
  const packages = existsSync(archiveDir)
    ? readdirSync(archiveDir, { withFileTypes: true }).filter(
        (d) => d.isDirectory() && !d.name.startsWith('.') && existsSync(join(archiveDir, d.name, 'METS.xml')),
      ).length
    : 0;

  console.log('\nSummary');
  console.log(`  catalogs submitted       ${total}`);
  console.log(`  catalogs completed       ${completed.length}`);
  console.log(`  entries (participations) ${entries} completed of ${term.participations}`);
  for (const s of states)
    if (s !== 'COMPLETED' && counts.get(s)) console.log(`  ${s.toLowerCase().padEnd(24)} ${counts.get(s)}`);
  console.log(`  archive packages         ${packages} in ${archiveDir}`);
  console.log(
    `  wall time                ${seconds(wall)} (all submitted after ${seconds(submittedAt - started)})`,
  );
  console.log(
    `  throughput               ${(completed.length / (wall / 60000)).toFixed(1)} catalogs/min, ${(entries / (wall / 60000)).toFixed(0)} participations/min`,
  );
  console.log(`  peak memory (RSS)        ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  console.log('  stage durations          median / p95 / max');
  for (const [label, values] of stageDurations) {
    values.sort((a, b) => a - b);
    console.log(
      `    ${label.padEnd(44)} ${seconds(quantile(values, 0.5))} / ${seconds(quantile(values, 0.95))} / ${seconds(values[values.length - 1])}`,
    );
  }
  for (const p of [...problems, ...signingFailures].slice(0, 10)) console.log(`  problem: ${p}`);
  const ok = completed.length === total && packages >= total && problems.length === 0;
  console.log(ok ? '\nEvery catalog COMPLETED.' : '\nNot every catalog completed: see above.');
  return ok ? 0 : 1;
}
