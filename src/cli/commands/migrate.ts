import { MikroORM } from '@mikro-orm/core';
import { buildOrmOptions } from '../../core/database/orm-options';
import type { CliCommand } from '../command';

export const migrateCommands: CliCommand[] = [
  {
    words: ['migrate'],
    usage: 'migrate',
    description: 'Apply pending database migrations (the api role also does this at start-up)',
    run: async (_args, ctx) => {
      const orm = await MikroORM.init(buildOrmOptions(ctx.config().database.url));
      try {
        const applied = await orm.getMigrator().up();
        if (ctx.json) ctx.print(JSON.stringify({ applied: applied.map((m) => m.name) }));
        else
          ctx.print(
            applied.length === 0
              ? 'Database is up to date.'
              : `Applied: ${applied.map((m) => m.name).join(', ')}`,
          );
      } finally {
        await orm.close();
      }
      return 0;
    },
  },
];
