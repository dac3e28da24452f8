import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AdminModule } from './admin/admin.module';
import { QueueBoardModule } from './admin/queue-board.module';
import { ApprovalModule } from './approval/approval.module';
import { ArchiveModule } from './archive/archive.module';
import { AuditModule } from './audit/audit.module';
import { DeliveryModule } from './delivery/delivery.module';
import { CatalogsModule } from './catalogs/catalogs.module';
import { ApiKeyGuard } from './core/auth/auth.guard';
import type { HubConfig, HubRole } from './core/config/config.schema';
import { ConnectorsModule, HubConnectors } from './core/connectors/connectors.module';
import { CoreModule } from './core/core.module';
import { HealthModule } from './core/health/health.module';
import { HubMetrics } from './core/metrics/hub-metrics';
import { MetricsModule } from './core/metrics/metrics.module';
import { ProblemFilter } from './core/http/problem.filter';
import { requireJsonBody } from './core/http/json-body.middleware';
import { requestIdMiddleware } from './core/http/request-id.middleware';
import { DocumentsModule } from './documents/documents.module';
import { SigningModule } from './signing/signing.module';
import { WorkflowModule } from './workflow/workflow.module';

export type { HubConnectors };

export function runsApi(role: HubRole): boolean {
  return role === 'api' || role === 'all';
}

/** Composition root: platform (core, connectors, workflow) under the business modules. */
@Module({})
export class AppModule implements NestModule {
  static forRoot(
    config: HubConfig,
    connectors: HubConnectors,
    options: { metrics?: HubMetrics } = {},
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config),
        ConnectorsModule.forRoot(connectors),
        MetricsModule.forRoot({ serveHttp: runsApi(config.role), metrics: options.metrics }),
        WorkflowModule.forRoot(config.role),
        HealthModule,
        AdminModule,
        ...(runsApi(config.role) ? [QueueBoardModule.forRoot(config)] : []),
        CatalogsModule,
        DocumentsModule,
        SigningModule,
        ApprovalModule,
        DeliveryModule,
        AuditModule,
        ArchiveModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(requestIdMiddleware).forRoutes('*');
    consumer.apply(requireJsonBody).forRoutes('api/*path');
  }
}
