import { MikroORM } from '@mikro-orm/core';
import { Module } from '@nestjs/common';
import type { HubConfig } from '../core/config/config.schema';
import { HUB_QUEUES, HubQueues } from '../core/queue/queues';
import { HUB_CONFIG } from '../core/tokens';
import { AdminController } from './admin.controller';
import { OperatorService } from './operator.service';

@Module({
  controllers: [AdminController],
  providers: [
    {
      provide: OperatorService,
      useFactory: (orm: MikroORM, config: HubConfig, queues: HubQueues) =>
        new OperatorService(orm, config, queues),
      inject: [MikroORM, HUB_CONFIG, HUB_QUEUES],
    },
  ],
  exports: [OperatorService],
})
export class AdminModule {}
