import { Global, Module } from '@nestjs/common';
import { ResultNotifier } from './result-notifier.service';

/** Writeback to the SAS over the ResultSink port (signed webhook). */
@Global()
@Module({ providers: [ResultNotifier], exports: [ResultNotifier] })
export class DeliveryModule {}
