import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiClient } from '../core/auth/api-clients';
import { CurrentClient, Roles } from '../core/auth/auth.guard';
import type { ArchiveTarget, ResultSinkBinding, SigningProvider } from '../core/connectors/ports';
import { Problem } from '../core/http/problem';
import { ARCHIVE_TARGET, RESULT_SINKS, SIGNING_PROVIDER } from '../core/tokens';
import { Reconciler } from '../workflow/reconciler';
import { checkConnectors, describeConnectors } from './connector-checks';
import { OperatorScope, OperatorService } from './operator.service';

function scopeOf(client: ApiClient): OperatorScope {
  return { municipalityCode: client.municipalityCode, schoolUnits: client.schoolUnits };
}

function parseLimit(raw: unknown): number {
  if (raw === undefined) return 500;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    throw Problem.badRequest('Invalid query parameters.', [
      { pointer: '/limit', code: 'invalid_value', detail: 'limit must be an integer from 1 to 10000.' },
    ]);
  }
  return limit;
}

/** Operator tools (admin role): failed and stuck catalogs, retries, timelines, connectors, reconcile now. */
@Controller('admin')
@Roles('admin')
export class AdminController {
  constructor(
    private readonly operator: OperatorService,
    private readonly reconciler: Reconciler,
    @Inject(SIGNING_PROVIDER) private readonly signing: SigningProvider,
    @Inject(ARCHIVE_TARGET) private readonly archive: ArchiveTarget,
    @Inject(RESULT_SINKS) private readonly resultSinks: ResultSinkBinding[],
  ) {}

  private connectors() {
    return [
      { port: 'SigningProvider', connector: this.signing },
      { port: 'ArchiveTarget', connector: this.archive },
      ...(this.resultSinks ?? []).map((binding) => ({ port: 'ResultSink', connector: binding.sink })),
    ];
  }

  @Get('catalogs/failed')
  async failed(@CurrentClient() client: ApiClient, @Query('limit') limit?: string) {
    return { items: await this.operator.listFailed(scopeOf(client), parseLimit(limit)) };
  }

  @Get('catalogs/stuck')
  async stuck(@CurrentClient() client: ApiClient, @Query('limit') limit?: string) {
    return { items: await this.operator.listStuck(scopeOf(client), new Date(), parseLimit(limit)) };
  }

  @Get('catalogs/:id/timeline')
  timeline(@CurrentClient() client: ApiClient, @Param('id') id: string) {
    return this.operator.timeline(id, scopeOf(client));
  }

  @Post('catalogs/:id/retry')
  @HttpCode(202)
  retry(@CurrentClient() client: ApiClient, @Param('id') id: string, @Req() req: Request) {
    return this.operator.retry(id, { actor: client.id, ip: req.ip }, scopeOf(client));
  }

  @Post('catalogs/retry-failed')
  @HttpCode(202)
  async retryAll(@CurrentClient() client: ApiClient, @Req() req: Request) {
    const results = await this.operator.retryAllFailed({ actor: client.id, ip: req.ip }, scopeOf(client));
    return {
      retried: results.filter((r) => r.ok).length,
      refused: results.filter((r) => !r.ok).length,
      results,
    };
  }

  @Get('connectors')
  listConnectors() {
    return { items: describeConnectors(this.connectors()) };
  }

  @Post('connectors/check')
  @HttpCode(200)
  async check() {
    const items = await checkConnectors(this.connectors());
    return { ok: items.every((i) => i.ok), items };
  }

  /** Runs the reconciler now in this process (it also runs on its schedule in the workers). */
  @Post('reconcile')
  @HttpCode(200)
  reconcile() {
    return this.reconciler.reconcile();
  }
}
