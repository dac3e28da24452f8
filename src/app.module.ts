import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ApprovalController } from './approval/approval.controller';
import { ApprovalService } from './approval/approval.service';
import { ArchiveService } from './archive/archive.service';
import { CatalogIngestService } from './catalogs/catalog-ingest.service';
import { CatalogQueryService } from './catalogs/catalog-query.service';
import { CatalogsController } from './catalogs/catalogs.controller';
import { ApiKeyGuard } from './core/auth/auth.guard';
import type { HubConfig, HubRole } from './core/config/config.schema';
import type { ArchiveTarget, SigningProvider } from './core/connectors/ports';
import { CoreModule } from './core/core.module';
import { HealthController } from './core/health/health.controller';
import { ProblemFilter } from './core/http/problem.filter';
import { requestIdMiddleware } from './core/http/request-id.middleware';
import { ARCHIVE_TARGET, SIGNING_PROVIDER } from './core/tokens';
import { DocumentService } from './documents/document.service';
import { SigningController } from './signing/signing.controller';
import { SigningService } from './signing/signing.service';
import { JobHandlerRegistry } from './workflow/job-handlers';
import { OutboxDispatcher } from './workflow/outbox.dispatcher';
import { ArchiveProcessor, DocumentsProcessor, SigningProcessor } from './workflow/processors';

export interface HubConnectors {
  signingProvider: SigningProvider;
  archiveTarget: ArchiveTarget;
}

export function runsApi(role: HubRole): boolean {
  return role === 'api' || role === 'all';
}

export function runsWorker(role: HubRole): boolean {
  return role === 'worker' || role === 'all';
}

@Module({})
export class AppModule implements NestModule {
  static forRoot(config: HubConfig, connectors: HubConnectors): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config)],
      controllers: runsApi(config.role)
        ? [CatalogsController, SigningController, ApprovalController, HealthController]
        : [],
      providers: [
        { provide: SIGNING_PROVIDER, useValue: connectors.signingProvider },
        { provide: ARCHIVE_TARGET, useValue: connectors.archiveTarget },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        JobHandlerRegistry,
        OutboxDispatcher,
        CatalogIngestService,
        CatalogQueryService,
        DocumentService,
        SigningService,
        ApprovalService,
        ArchiveService,
        ...(runsWorker(config.role) ? [DocumentsProcessor, SigningProcessor, ArchiveProcessor] : []),
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(requestIdMiddleware).forRoutes('*');
  }
}
