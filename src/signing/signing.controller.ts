import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiClient } from '../core/auth/api-clients';
import { CurrentClient, Roles } from '../core/auth/auth.guard';
import { summary } from '../catalogs/catalog-query.service';
import { CatalogLifecycleService } from './catalog-lifecycle.service';
import { SigningService } from './signing.service';

@Controller('api/v1')
export class SigningController {
  constructor(
    private readonly signing: SigningService,
    private readonly lifecycle: CatalogLifecycleService,
  ) {}

  @Post('catalogs/:id/signing-sessions')
  @Roles('sas')
  @HttpCode(201)
  start(
    @CurrentClient() client: ApiClient,
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() req: Request,
  ) {
    return this.signing.start(client, id, body, { actor: client.id, ip: req.ip });
  }

  /** Bulk: one BankID order over up to 50 catalogs of one teacher. */
  @Post('signing-sessions')
  @Roles('sas')
  @HttpCode(201)
  startBulk(@CurrentClient() client: ApiClient, @Body() body: unknown, @Req() req: Request) {
    return this.signing.startBulk(client, body, { actor: client.id, ip: req.ip });
  }

  @Get('signing-sessions/:id')
  @Roles('sas', 'approver')
  get(@CurrentClient() client: ApiClient, @Param('id') id: string) {
    return this.signing.get(client, id);
  }

  @Delete('signing-sessions/:id')
  @Roles('sas', 'approver')
  cancel(@CurrentClient() client: ApiClient, @Param('id') id: string, @Req() req: Request) {
    return this.signing.cancel(client, id, { actor: client.id, ip: req.ip });
  }

  @Post('catalogs/:id/decline')
  @Roles('sas')
  @HttpCode(200)
  async decline(
    @CurrentClient() client: ApiClient,
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() req: Request,
  ) {
    return summary(await this.lifecycle.decline(client, id, body, { actor: client.id, ip: req.ip }));
  }

  @Post('catalogs/:id/withdraw')
  @Roles('sas')
  @HttpCode(200)
  async withdraw(
    @CurrentClient() client: ApiClient,
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() req: Request,
  ) {
    return summary(await this.lifecycle.withdraw(client, id, body, { actor: client.id, ip: req.ip }));
  }
}
