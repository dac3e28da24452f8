import { MikroORM } from '@mikro-orm/core';
import { Controller, Get, Query } from '@nestjs/common';
import { Roles } from '../core/auth/auth.guard';
import { Problem } from '../core/http/problem';
import { verifyAuditTrail } from './audit-verify';
import { isUuid } from '../core/ids';

/** Operators verify the hash-chained event log (same check as the CLI's `audit verify`). */
@Controller('admin/audit')
export class AuditController {
  constructor(private readonly orm: MikroORM) {}

  @Get('verify')
  @Roles('admin')
  verify(@Query('catalogId') catalogId?: string) {
    if (catalogId !== undefined && !isUuid(catalogId))
      throw Problem.badRequest('catalogId must be a catalog id.');
    return verifyAuditTrail(this.orm, catalogId);
  }
}
