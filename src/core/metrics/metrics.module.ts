import { DynamicModule, Global, Module } from '@nestjs/common';
import { HubMetrics } from './hub-metrics';
import { MetricsController } from './metrics.controller';

/** One metrics registry per process; /metrics is served by the api role (workers: see worker-metrics-server). */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(options: { serveHttp: boolean; metrics?: HubMetrics }): DynamicModule {
    return {
      module: MetricsModule,
      controllers: options.serveHttp ? [MetricsController] : [],
      providers: [{ provide: HubMetrics, useValue: options.metrics ?? new HubMetrics() }],
      exports: [HubMetrics],
    };
  }
}
