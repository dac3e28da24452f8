import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiClient } from '../core/auth/api-clients';
import { CurrentClient, Roles } from '../core/auth/auth.guard';
import { SigningService } from './signing.service';

@Controller('api/v1')
export class SigningController {
  constructor(private readonly signing: SigningService) {}

  @Post('catalogs/:id/signing-sessions')
  @Roles('sas')
  @HttpCode(201)
  start(@CurrentClient() client: ApiClient, @Param('id') id: string, @Body() body: unknown, @Req() req: Request) {
    return this.signing.start(client, id, body, { actor: client.id, ip: req.ip });
  }

  @Get('signing-sessions/:id')
  @Roles('sas')
  get(@CurrentClient() client: ApiClient, @Param('id') id: string) {
    return this.signing.get(client, id);
  }

  @Delete('signing-sessions/:id')
  @Roles('sas')
  cancel(@CurrentClient() client: ApiClient, @Param('id') id: string, @Req() req: Request) {
    return this.signing.cancel(client, id, { actor: client.id, ip: req.ip });
  }
}
