import { createBankIdSigningProvider } from '../connectors/bankid/config';
import { FolderArchiveTarget } from '../connectors/folder-archive';
import { createWebhookSink } from '../connectors/webhook-sink';
import type { HubConnectors } from './app.module';
import type { HubConfig } from './core/config/config.schema';

/** Composition root for connectors: configuration in, port implementations out. */
export function buildConnectors(config: HubConfig, env: NodeJS.ProcessEnv = process.env): HubConnectors {
  return {
    signingProvider: createBankIdSigningProvider(config.signing.name, config.signing.bankid, env),
    archiveTarget: new FolderArchiveTarget(config.archive.folder),
    resultSinks: config.resultSinks.map((sink) => ({
      municipalityCode: sink.municipalityCode,
      sink: createWebhookSink(sink, env),
    })),
  };
}
