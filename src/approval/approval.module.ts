import { Module } from '@nestjs/common';
import { SigningModule } from '../signing/signing.module';
import { ApprovalController } from './approval.controller';
import { ApprovalService } from './approval.service';

@Module({ imports: [SigningModule], controllers: [ApprovalController], providers: [ApprovalService] })
export class ApprovalModule {}
