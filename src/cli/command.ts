import type { MikroORM } from '@mikro-orm/core';
import type { HubConfig } from '../core/config/config.schema';
import type { HubConnectors } from '../core/connectors/connectors.module';
import type { HubQueues } from '../core/queue/queues';

/** What a command can ask for; everything is opened lazily and closed by main. */
export interface CliContext {
  config(): HubConfig;
  orm(): Promise<MikroORM>;
  queues(): HubQueues;
  connectors(): HubConnectors;
  /** Human output (stdout). */
  print(line?: string): void;
  /** --json was given: print JSON instead of tables. */
  json: boolean;
  /** Who acts, for the audit trail (the OS user). */
  actor: string;
}

/**
 * One CLI command. `words` is how it is invoked (e.g. ['failed', 'list']); `run` returns the exit
 * code. Add a command: write it in a file under commands/ and add it to the list in commands/index.ts.
 */
export interface CliCommand {
  words: string[];
  usage: string;
  description: string;
  run(args: string[], ctx: CliContext): Promise<number>;
}

/** Thrown for bad arguments: main prints the message and the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Prints rows as an aligned text table. */
export function printTable(
  print: (line: string) => void,
  headers: string[],
  rows: (string | number | null | undefined)[][],
): void {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  for (const [index, row] of cells.entries()) {
    print(row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join('  '));
    if (index === 0) print(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}
