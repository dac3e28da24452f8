/**
 * npm run chaos -- [--catalogs N] [--workers W] [--kill-every MIN-MAX seconds] [--fail-rate F] [--keep]
 * Kills workers, flushes Redis, makes the archive fail; prints what was completed, lost and duplicated.
 */
import { DEFAULT_CHAOS, formatChaosTable, runChaos } from '../test/chaos/chaos-run';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const options = {
    ...DEFAULT_CHAOS,
    catalogs: 500,
    keepWorkDir: false,
    log: (line: string) => console.log(line),
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--catalogs') options.catalogs = Number(value());
    else if (flag === '--workers') options.workers = Number(value());
    else if (flag === '--fail-rate') options.failRate = Number(value());
    else if (flag === '--kill-every') {
      const [min, max] = value()
        .split('-')
        .map((s) => Number(s) * 1000);
      options.killEveryMs = [min, max ?? min];
    } else if (flag === '--keep') options.keepWorkDir = true;
    else throw new Error(`Unknown option ${flag}`);
  }
  if (!Number.isInteger(options.catalogs) || options.catalogs < 2)
    throw new Error('--catalogs must be a whole number ≥ 2');
  console.log(
    `Chaos: ${options.catalogs} catalogs, 1 api + ${options.workers} worker processes, kill every ${options.killEveryMs.map((m) => m / 1000).join('–')} s, archive fail rate ${options.failRate}`,
  );
  const result = await runChaos(options);
  console.log('\nChaos result');
  console.log(formatChaosTable(result));
  console.log(`\nlost ${result.lost}, duplicates ${result.duplicates}`);
  const ok =
    result.lost === 0 &&
    result.duplicates === 0 &&
    result.permanentFailure?.retriedTo === 'COMPLETED' &&
    result.problems.length === 0;
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
