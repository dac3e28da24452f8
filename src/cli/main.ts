import { runCli } from './cli';

/** `npm run cli -- <command>`: administrator tools (see `npm run cli -- --help`). */
runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
