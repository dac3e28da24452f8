import { checkConnectors, describeConnectors } from '../../admin/connector-checks';
import type { CliCommand, CliContext } from '../command';
import { printTable } from '../command';

function all(ctx: CliContext) {
  const c = ctx.connectors();
  return [
    { port: 'SigningProvider', connector: c.signingProvider },
    { port: 'ArchiveTarget', connector: c.archiveTarget },
    ...(c.resultSinks ?? []).map((binding) => ({ port: 'ResultSink', connector: binding.sink })),
  ];
}

export const connectorCommands: CliCommand[] = [
  {
    words: ['connectors', 'list'],
    usage: 'connectors list',
    description: 'List the configured connector instances',
    run: async (_args, ctx) => {
      const items = describeConnectors(all(ctx));
      if (ctx.json) ctx.print(JSON.stringify(items, null, 2));
      else
        printTable(
          ctx.print,
          ['port', 'name'],
          items.map((i) => [i.port, i.name]),
        );
      return 0;
    },
  },
  {
    words: ['connectors', 'check'],
    usage: 'connectors check',
    description: 'Call checkConnection() of every connector; exit code 1 when one fails',
    run: async (_args, ctx) => {
      const items = await checkConnectors(all(ctx));
      if (ctx.json) ctx.print(JSON.stringify(items, null, 2));
      else
        printTable(
          ctx.print,
          ['port', 'name', 'ok', 'ms', 'detail'],
          items.map((i) => [i.port, i.name, i.ok ? 'ok' : 'FAIL', i.ms, i.detail]),
        );
      return items.every((i) => i.ok) ? 0 : 1;
    },
  },
];
