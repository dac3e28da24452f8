import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiClient } from '../core/auth/api-clients';
import { CurrentClient, Roles } from '../core/auth/auth.guard';
import { CatalogIngestService } from './catalog-ingest.service';
import { CatalogQueryService, summary } from './catalog-query.service';

@Controller('api/v1/catalogs')
export class CatalogsController {
  constructor(
    private readonly ingest: CatalogIngestService,
    private readonly query: CatalogQueryService,
  ) {}

  @Post()
  @Roles('sas')
  async submit(
    @CurrentClient() client: ApiClient,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const result = await this.ingest.submit(client, body, idempotencyKey, req.ip);
    const location = `/api/v1/catalogs/${result.catalog.id}`;
    res
      .status(result.created ? 201 : 200)
      .location(location)
      .json({ ...summary(result.catalog), warnings: result.warnings });
  }

  @Get()
  @Roles('sas', 'approver', 'admin')
  list(@CurrentClient() client: ApiClient, @Query() query: Record<string, unknown>) {
    return this.query.list(client, query);
  }

  @Get(':id')
  @Roles('sas', 'approver', 'admin')
  get(@CurrentClient() client: ApiClient, @Param('id') id: string) {
    return this.query.detail(client, id);
  }

  @Get(':id/document')
  @Roles('sas', 'approver', 'admin')
  @HttpCode(200)
  async document(
    @CurrentClient() client: ApiClient,
    @Param('id') id: string,
    @Res() res: Response,
  ): Promise<void> {
    const doc = await this.query.document(client, id);
    res
      .type('application/pdf')
      .setHeader('Content-Disposition', `inline; filename="betygskatalog-${id}.pdf"`)
      .setHeader('Digest', `sha-256=${Buffer.from(doc.sha256, 'hex').toString('base64')}`)
      .send(doc.content);
  }
}
