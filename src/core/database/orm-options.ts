import { Options, ReflectMetadataProvider } from '@mikro-orm/core';
import { BetterSqliteDriver } from '@mikro-orm/better-sqlite';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ALL_ENTITIES } from './entities';

export type DatabaseKind = 'postgresql' | 'sqlite';

export function databaseKind(url: string): DatabaseKind {
  return url.startsWith('sqlite:') ? 'sqlite' : 'postgresql';
}

/** Migrations differ per dialect, so each has its own committed folder. */
export function migrationsPath(kind: DatabaseKind): string {
  return join(__dirname, 'migrations', kind);
}

/** `log` receives MikroORM's own messages (migrations applied, queries when debug is on). */
export function buildOrmOptions(
  url: string,
  debug = false,
  log: (message: string) => void = () => undefined,
): Options {
  const kind = databaseKind(url);
  const common = {
    entities: ALL_ENTITIES,
    // Explicit property types everywhere: no reliance on emitted decorator metadata.
    metadataProvider: ReflectMetadataProvider,
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    extensions: [Migrator],
    debug,
    logger: log,
    allowGlobalContext: false,
    forceUtcTimezone: true,
    migrations: {
      path: migrationsPath(kind),
      pathTs: migrationsPath(kind),
      glob: '!(*.d).{js,ts}',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      emit: 'ts' as const,
    },
  };
  if (kind === 'sqlite') {
    const file = resolve(url.slice('sqlite:'.length) || 'data/hub.sqlite');
    mkdirSync(dirname(file), { recursive: true });
    return { ...common, driver: BetterSqliteDriver, dbName: file } as Options;
  }
  return {
    ...common,
    driver: PostgreSqlDriver,
    clientUrl: url,
    pool: { min: 0, max: 10 },
  } as Options;
}
