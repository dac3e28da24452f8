import type { CliCommand } from '../command';
import { auditCommands } from './audit';
import { catalogCommands } from './catalogs';
import { configCommands } from './config';
import { connectorCommands } from './connectors';
import { migrateCommands } from './migrate';

/** Every CLI command. To add a group: export a CliCommand[] from a file in this folder and list it here. */
export const COMMANDS: CliCommand[] = [
  ...configCommands,
  ...connectorCommands,
  ...catalogCommands,
  ...migrateCommands,
  ...auditCommands,
];
