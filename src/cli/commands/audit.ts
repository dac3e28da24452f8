import { verifyAuditTrail } from '../../audit/audit-verify';
import type { CliCommand } from '../command';
import { printTable, UsageError } from '../command';
import { isUuid } from '../../core/ids';

export const auditCommands: CliCommand[] = [
  {
    words: ['audit', 'verify'],
    usage: 'audit verify [catalogId]',
    description:
      'Verify the hash-chained event log of one catalog or of all; exit 1 when a row was changed, added or deleted',
    run: async (args, ctx) => {
      if (args.length > 1 || (args[0] !== undefined && !isUuid(args[0])))
        throw new UsageError('give at most one catalog id');
      const result = await verifyAuditTrail(await ctx.orm(), args[0]);
      if (ctx.json) ctx.print(JSON.stringify(result, null, 2));
      else {
        if (result.problems.length > 0) {
          printTable(
            ctx.print,
            ['catalog', 'seq', 'problem', 'detail'],
            result.problems.map((p) => [p.catalogId, p.seq, p.problem, p.detail]),
          );
        }
        ctx.print(
          `${result.ok ? 'OK' : 'TAMPERED'}: ${result.catalogsChecked} catalog(s), ${result.eventsChecked} event(s), ${result.problems.length} problem(s)`,
        );
      }
      return result.ok ? 0 : 1;
    },
  },
];
