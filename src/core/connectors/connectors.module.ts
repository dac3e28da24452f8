import { DynamicModule, Global, Module } from '@nestjs/common';
import { ARCHIVE_TARGET, RESULT_SINKS, SIGNING_PROVIDER } from '../tokens';
import type { ArchiveTarget, ResultSinkBinding, SigningProvider } from './ports';

export interface HubConnectors {
  signingProvider: SigningProvider;
  archiveTarget: ArchiveTarget;
  /** Optional: without sinks, SAS-facing events live only in the timeline. */
  resultSinks?: ResultSinkBinding[];
}

/** Makes the configured connector instances injectable by their port token. */
@Global()
@Module({})
export class ConnectorsModule {
  static forRoot(connectors: HubConnectors): DynamicModule {
    return {
      module: ConnectorsModule,
      providers: [
        { provide: SIGNING_PROVIDER, useValue: connectors.signingProvider },
        { provide: ARCHIVE_TARGET, useValue: connectors.archiveTarget },
        { provide: RESULT_SINKS, useValue: connectors.resultSinks ?? [] },
      ],
      exports: [SIGNING_PROVIDER, ARCHIVE_TARGET, RESULT_SINKS],
    };
  }
}
