import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiClient } from '../core/auth/api-clients';
import { CurrentClient, Roles } from '../core/auth/auth.guard';
import { ApprovalService } from './approval.service';

@Controller('api/v1/catalogs')
export class ApprovalController {
  constructor(private readonly approvals: ApprovalService) {}

  /**
   * 201 with the decision; or, where approvals must be BankID-signed, 202 with the approver's
   * signing session (the decision takes effect when the signature verifies).
   */
  @Post(':id/approval')
  @Roles('approver')
  async decide(
    @CurrentClient() client: ApiClient,
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const outcome = await this.approvals.decide(client, id, body, { actor: client.id, ip: req.ip });
    if (outcome.kind === 'signing') {
      res.status(202);
      return { catalogId: id, decision: null, signingSession: outcome.session };
    }
    res.status(201);
    const approval = outcome.approval;
    return {
      catalogId: id,
      decision: approval.decision,
      approver: { name: approval.approverName, client: approval.clientId },
      comment: approval.comment ?? null,
      decidedAt: approval.decidedAt.toISOString(),
    };
  }
}
