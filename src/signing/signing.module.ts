import { Module } from '@nestjs/common';
import { CatalogLifecycleService } from './catalog-lifecycle.service';
import { SigningDeadlineService } from './signing-deadline.service';
import { SigningController } from './signing.controller';
import { SigningService } from './signing.service';

@Module({
  controllers: [SigningController],
  providers: [SigningService, CatalogLifecycleService, SigningDeadlineService],
  exports: [SigningService],
})
export class SigningModule {}
