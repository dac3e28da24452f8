import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiClient } from '../core/auth/api-clients';
import { CurrentClient, Roles } from '../core/auth/auth.guard';
import { ApprovalService } from './approval.service';

@Controller('api/v1/catalogs')
export class ApprovalController {
  constructor(private readonly approvals: ApprovalService) {}

  @Post(':id/approval')
  @Roles('approver')
  @HttpCode(201)
  async decide(@CurrentClient() client: ApiClient, @Param('id') id: string, @Body() body: unknown, @Req() req: Request) {
    const approval = await this.approvals.decide(client, id, body, { actor: client.id, ip: req.ip });
    return {
      catalogId: id,
      decision: approval.decision,
      approver: { name: approval.approverName, client: approval.clientId },
      comment: approval.comment ?? null,
      decidedAt: approval.decidedAt.toISOString(),
    };
  }
}
