import { DynamicModule, Global, Module } from '@nestjs/common';
import { ARCHIVE_TARGET, SIGNING_PROVIDER } from '../tokens';
import type { ArchiveTarget, SigningProvider } from './ports';

export interface HubConnectors {
  signingProvider: SigningProvider;
  archiveTarget: ArchiveTarget;
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
      ],
      exports: [SIGNING_PROVIDER, ARCHIVE_TARGET],
    };
  }
}
