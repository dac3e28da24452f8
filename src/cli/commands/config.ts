import type { CliCommand } from '../command';

export const configCommands: CliCommand[] = [
  {
    words: ['config', 'check'],
    usage: 'config check',
    description:
      'Validate the configuration (config/default.yaml + $HUB_CONFIG + environment) and print a summary',
    run: async (_args, ctx) => {
      const config = ctx.config(); // throws a ConfigError naming file, key and problem
      const summary = {
        role: config.role,
        database: config.database.url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@'),
        redis: config.redis.url.replace(/\/\/([^:@/]*):[^@/]+@/, '//$1:***@'),
        redisPrefix: config.redis.prefix,
        apiClients: config.apiClients.length,
        signing: config.signing.name,
        archive: config.archive.folder.name,
      };
      if (ctx.json) ctx.print(JSON.stringify({ ok: true, ...summary }, null, 2));
      else {
        ctx.print('Configuration is valid.');
        for (const [key, value] of Object.entries(summary)) ctx.print(`  ${key.padEnd(12)} ${value}`);
      }
      return 0;
    },
  },
];
