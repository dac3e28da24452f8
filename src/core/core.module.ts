import { MikroOrmModule } from '@mikro-orm/nestjs';
import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { ApiClientRegistry } from './auth/api-clients';
import { HubConfig } from './config/config.schema';
import { buildOrmOptions } from './database/orm-options';
import { QUEUE_NAMES } from '../workflow/job-catalogue';
import { redisConnectionOptions } from './queue/redis';
import { HUB_CONFIG } from './tokens';
import { Logger } from '@nestjs/common';

const ormLogger = new Logger('database');

/** Platform only: configuration, database, queues, auth. Business modules depend on it. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: HubConfig): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        MikroOrmModule.forRoot({
          ...buildOrmOptions(config.database.url, config.database.debug, (message) => ormLogger.log(message)),
          registerRequestContext: true,
        }),
        BullModule.forRoot({
          connection: redisConnectionOptions(config.redis.url),
          prefix: config.redis.prefix,
        }),
        BullModule.registerQueue(...QUEUE_NAMES.map((name) => ({ name }))),
      ],
      providers: [
        { provide: HUB_CONFIG, useValue: config },
        { provide: ApiClientRegistry, useValue: new ApiClientRegistry(config.apiClients) },
      ],
      exports: [HUB_CONFIG, ApiClientRegistry, BullModule],
    };
  }
}
