import { OperatorService } from '../../admin/operator.service';
import type { CliCommand, CliContext } from '../command';
import { printTable, UsageError } from '../command';

async function operator(ctx: CliContext, withQueues = false): Promise<OperatorService> {
  return new OperatorService(await ctx.orm(), ctx.config(), withQueues ? ctx.queues() : undefined);
}

export const catalogCommands: CliCommand[] = [
  {
    words: ['failed', 'list'],
    usage: 'failed list',
    description: 'List FAILED catalogs with the failed step and the reason',
    run: async (_args, ctx) => {
      const items = await (await operator(ctx)).listFailed(undefined, 10_000);
      if (ctx.json) ctx.print(JSON.stringify(items, null, 2));
      else {
        printTable(
          ctx.print,
          ['catalog', 'failed at', 'step', 'reason'],
          items.map((i) => [i.id, i.failedAt, i.failedStep, i.reason]),
        );
        ctx.print(`${items.length} failed catalog(s)`);
      }
      return 0;
    },
  },
  {
    words: ['stuck', 'list'],
    usage: 'stuck list',
    description: 'List catalogs waiting longer than the configured limit in their status',
    run: async (_args, ctx) => {
      const items = await (await operator(ctx)).listStuck(undefined, new Date(), 10_000);
      if (ctx.json) ctx.print(JSON.stringify(items, null, 2));
      else {
        printTable(
          ctx.print,
          ['catalog', 'status', 'since', 'hours'],
          items.map((i) => [i.id, i.status, i.since, (i.waitingMs / 3_600_000).toFixed(1)]),
        );
        ctx.print(`${items.length} stuck catalog(s)`);
      }
      return 0;
    },
  },
  {
    words: ['retry'],
    usage: 'retry <catalogId> | retry --all-failed',
    description:
      'Retry the failed step of one FAILED catalog, or of all of them (the running hub sends the jobs)',
    run: async (args, ctx) => {
      if (args.length !== 1) throw new UsageError('give one catalog id or --all-failed');
      const service = await operator(ctx);
      const actor = { actor: ctx.actor };
      const results =
        args[0] === '--all-failed'
          ? await service.retryAllFailed(actor)
          : [await service.retry(args[0], actor)];
      if (ctx.json) ctx.print(JSON.stringify(results, null, 2));
      else {
        printTable(
          ctx.print,
          ['catalog', 'result', 'step', 'now', 'job'],
          results.map((r) => [
            r.catalogId,
            r.ok ? 'retried' : `refused: ${r.error}`,
            r.step,
            r.status,
            r.jobId,
          ]),
        );
        ctx.print(
          `${results.filter((r) => r.ok).length} retried, ${results.filter((r) => !r.ok).length} refused`,
        );
      }
      return results.every((r) => r.ok) ? 0 : 1;
    },
  },
  {
    words: ['timeline'],
    usage: 'timeline <catalogId>',
    description: "A catalog's status, failure, deliveries, current job and every event",
    run: async (args, ctx) => {
      if (args.length !== 1) throw new UsageError('give one catalog id');
      const view = await (await operator(ctx, true)).timeline(args[0]);
      if (ctx.json) {
        ctx.print(JSON.stringify(view, null, 2));
        return 0;
      }
      const failure = view.failure as { step: string; reason: string } | null;
      ctx.print(
        `catalog ${String(view.id)} (${String(view.externalId)}): ${String(view.status)} since ${String(view.statusChangedAt)}`,
      );
      if (failure) ctx.print(`  failed step ${failure.step}: ${failure.reason}`);
      for (const job of view.jobs as { job: string; jobId: string; state: string }[])
        ctx.print(`  job ${job.job} ${job.jobId}: ${job.state}`);
      for (const d of view.deliveries as { kind: string; target: string; key: string }[])
        ctx.print(`  delivered ${d.kind} to ${d.target} (key ${d.key})`);
      printTable(
        ctx.print,
        ['at', 'event', 'actor', 'data'],
        (view.timeline as { at: string; type: string; actor: string; data: unknown }[]).map((e) => [
          e.at,
          e.type,
          e.actor,
          e.data ? JSON.stringify(e.data) : '',
        ]),
      );
      return 0;
    },
  },
];
