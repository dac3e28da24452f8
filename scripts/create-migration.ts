/**
 * Developer tool: regenerates the initial schema migration of both dialects (PostgreSQL and SQLite)
 * from the entities.  npm run db:migration
 *
 * Until the first release the schema lives in one initial migration per dialect, regenerated when
 * entities change (MikroORM's SQLite diff re-creates tables for unchanged check constraints, so
 * incremental SQLite diffs are noisy). From the first release on, migrations are append-only.
 * Needs the local PostgreSQL (TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres).
 */
import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/core';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { buildOrmOptions, migrationsPath } from '../src/core/database/orm-options';

async function main(): Promise<void> {
  const admin = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `gch_migration_${Date.now().toString(36)}`;
  const client = new Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database "${dbName}"`);
  const pgUrl = new URL(admin);
  pgUrl.pathname = `/${dbName}`;
  const sqliteDir = mkdtempSync(join(tmpdir(), 'gch-migration-'));
  try {
    for (const [kind, url] of [
      ['postgresql', pgUrl.toString()],
      ['sqlite', `sqlite:${join(sqliteDir, 'hub.sqlite')}`],
    ] as const) {
      const folder = migrationsPath(kind);
      for (const file of readdirSync(folder)) rmSync(join(folder, file));
      const orm = await MikroORM.init({ ...buildOrmOptions(url), debug: false });
      // The typings omit the name parameter the implementation takes.
      const migrator = orm.getMigrator() as unknown as {
        createInitialMigration(path?: string, name?: string): Promise<{ fileName: string }>;
      };
      const result = await migrator.createInitialMigration(undefined, 'initial');
      console.log(`${kind}: wrote ${result.fileName}`);
      await orm.close();
    }
  } finally {
    await client.query(`drop database if exists "${dbName}" with (force)`);
    await client.end();
    rmSync(sqliteDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
