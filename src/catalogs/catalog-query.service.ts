import { FilterQuery, MikroORM } from '@mikro-orm/core';
import { Inject, Injectable } from '@nestjs/common';
import { HubConfig, signingRulesFor } from '../core/config/config.schema';
import { HUB_CONFIG } from '../core/tokens';
import { Approval } from '../approval/approval.entities';
import { Delivery, deliveryView } from '../archive/delivery.entities';
import { CatalogEvent, eventView } from '../audit/catalog-event.entity';
import { ApiClient } from '../core/auth/api-clients';
import { Problem } from '../core/http/problem';
import { CATALOG_STATUSES, CatalogStatus } from './catalog-state';
import { Catalog, CatalogDocument, Signer } from './catalog.entities';
import { loadCatalogData } from './catalog.repository';
import { isUuid } from '../core/ids';

const LIST_PARAMETERS = ['status', 'schoolUnitCode', 'updatedAfter', 'cursor', 'limit'];

/** Strict ISO 8601 date-time (or date) within a sane range: no rollover of 2026-02-30, no '1' read as 2001. */
export function parseIsoDateTime(raw: unknown): Date | null {
  if (typeof raw !== 'string') return null;
  const match =
    /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/.exec(raw);
  if (!match) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00'] = match;
  const date = new Date(raw.length === 10 ? `${raw}T00:00:00Z` : raw);
  const calendar = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  const valid =
    !Number.isNaN(date.getTime()) &&
    calendar.getUTCMonth() === Number(mo) - 1 &&
    calendar.getUTCDate() === Number(d) &&
    Number(h) < 24 &&
    Number(mi) < 60 &&
    Number(s) < 60 &&
    Number(y) >= 1900 &&
    Number(y) <= 9999;
  return valid ? date : null;
}

export interface CatalogSummary {
  id: string;
  externalId: string;
  status: CatalogStatus;
  schoolUnitCode: string;
  courseCode: string;
  entryCount: number;
  createdAt: string;
  updatedAt: string;
}

@Injectable()
export class CatalogQueryService {
  constructor(
    private readonly orm: MikroORM,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  /** SAS clients see their own catalogs; approvers and admins those of their municipality and units. */
  private scopeFilter(client: ApiClient): FilterQuery<Catalog> {
    if (
      client.roles.includes('sas') &&
      !client.roles.includes('approver') &&
      !client.roles.includes('admin')
    ) {
      return { clientId: client.id };
    }
    return client.schoolUnits.includes('*')
      ? { municipalityCode: client.municipalityCode }
      : { municipalityCode: client.municipalityCode, schoolUnitCode: { $in: [...client.schoolUnits] } };
  }

  async findVisible(client: ApiClient, id: string): Promise<Catalog> {
    if (!isUuid(id)) throw Problem.notFound('No such catalog.');
    const catalog = await this.orm.em.fork().findOne(Catalog, { $and: [{ id }, this.scopeFilter(client)] });
    if (!catalog) throw Problem.notFound('No such catalog.');
    return catalog;
  }

  async detail(client: ApiClient, id: string): Promise<Record<string, unknown>> {
    const catalog = await this.findVisible(client, id);
    const em = this.orm.em.fork();
    const [data, signers, approvals, deliveries, events] = await Promise.all([
      loadCatalogData(em, catalog),
      em.find(Signer, { catalog: catalog.id }, { orderBy: { position: 'asc' } }),
      em.find(Approval, { catalog: catalog.id }, { orderBy: { decidedAt: 'asc' } }),
      em.find(Delivery, { catalog: catalog.id }, { orderBy: { createdAt: 'asc' } }),
      em.find(CatalogEvent, { catalogId: catalog.id }, { orderBy: { seq: 'asc' } }),
    ]);
    return {
      ...summary(catalog),
      documentSha256: catalog.documentSha256 ?? null,
      failure:
        catalog.status === 'FAILED' ? { step: catalog.failedStep, reason: catalog.failureReason } : null,
      completedAt: catalog.completedAt?.toISOString() ?? null,
      catalog: data,
      signers: signers.map((s) => ({
        role: s.role,
        personalNumber: s.personalNumber,
        name: s.name,
        signed: Boolean(s.signedAt),
        signedAt: s.signedAt?.toISOString() ?? null,
      })),
      approval: approvals.map((a) => ({
        decision: a.decision,
        approver: {
          name: a.approverName,
          personalNumber: a.approverPersonalNumber ?? null,
          client: a.clientId,
        },
        comment: a.comment ?? null,
        decidedAt: a.decidedAt.toISOString(),
      })),
      deliveries: deliveries.map(deliveryView),
      signing: signingStatus(this.config, catalog, signers),
      timeline: events.map(eventView),
    };
  }

  async list(
    client: ApiClient,
    query: Record<string, unknown>,
  ): Promise<{ items: CatalogSummary[]; nextCursor: string | null }> {
    const errors = [];
    // A misspelt filter must not silently return everything.
    for (const key of Object.keys(query)) {
      if (!LIST_PARAMETERS.includes(key))
        errors.push({
          pointer: `/${key}`,
          code: 'unknown_parameter',
          detail: `Unknown query parameter; use ${LIST_PARAMETERS.join(', ')}.`,
        });
    }
    const filter: FilterQuery<Catalog>[] = [this.scopeFilter(client)];
    const status = query.status;
    if (status !== undefined) {
      if (typeof status !== 'string' || !CATALOG_STATUSES.includes(status as CatalogStatus)) {
        errors.push({
          pointer: '/status',
          code: 'invalid_value',
          detail: `status must be one of ${CATALOG_STATUSES.join(', ')}.`,
        });
      } else filter.push({ status: status as CatalogStatus });
    }
    if (query.schoolUnitCode !== undefined) {
      if (typeof query.schoolUnitCode !== 'string' || !/^\d{8}$/.test(query.schoolUnitCode)) {
        errors.push({
          pointer: '/schoolUnitCode',
          code: 'invalid_school_unit_code',
          detail: 'schoolUnitCode must be 8 digits.',
        });
      } else filter.push({ schoolUnitCode: query.schoolUnitCode });
    }
    if (query.updatedAfter !== undefined) {
      const date = parseIsoDateTime(query.updatedAfter);
      if (!date) {
        errors.push({
          pointer: '/updatedAfter',
          code: 'invalid_date',
          detail: 'updatedAfter must be an ISO 8601 date-time.',
        });
      } else filter.push({ updatedAt: { $gt: date } });
    }
    const limit =
      query.limit === undefined
        ? 50
        : typeof query.limit === 'string' && /^\d{1,3}$/.test(query.limit)
          ? Number(query.limit)
          : NaN;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
      errors.push({
        pointer: '/limit',
        code: 'invalid_value',
        detail: 'limit must be an integer from 1 to 500.',
      });
    }
    if (query.cursor !== undefined) {
      const cursor = decodeCursor(query.cursor);
      if (!cursor)
        errors.push({
          pointer: '/cursor',
          code: 'invalid_cursor',
          detail: 'cursor is not one this API returned.',
        });
      else
        filter.push({
          $or: [
            { createdAt: { $gt: cursor.createdAt } },
            { createdAt: cursor.createdAt, id: { $gt: cursor.id } },
          ],
        });
    }
    if (errors.length > 0) throw Problem.badRequest('Invalid query parameters.', errors);
    const rows = await this.orm.em
      .fork()
      .find(Catalog, { $and: filter }, { orderBy: { createdAt: 'asc', id: 'asc' }, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(summary),
      nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
    };
  }

  async document(client: ApiClient, id: string): Promise<CatalogDocument> {
    const catalog = await this.findVisible(client, id);
    const docs = await this.orm.em
      .fork()
      .find(
        CatalogDocument,
        { catalog: catalog.id },
        { populate: ['content'], orderBy: { createdAt: 'desc' } },
      );
    const doc = docs.find((d) => d.kind === 'SEALED') ?? docs[0];
    if (!doc) throw Problem.notFound('The catalog document has not been rendered yet.');
    return doc;
  }
}

/** Signing order, deadline and whether the catalog is overdue (reported, never dropped). */
function signingStatus(config: HubConfig, catalog: Catalog, signers: Signer[]): Record<string, unknown> {
  const rules = signingRulesFor(config, catalog.municipalityCode);
  const deadline = rules.deadlineMinutes
    ? new Date(catalog.createdAt.getTime() + rules.deadlineMinutes * 60_000)
    : null;
  const awaiting = catalog.status === 'AWAITING_SIGNATURE';
  return {
    order: rules.order,
    required: signers.length,
    signed: signers.filter((s) => s.signedAt).length,
    deadline: deadline?.toISOString() ?? null,
    overdue: Boolean(awaiting && deadline && deadline.getTime() <= Date.now()),
  };
}

export function summary(catalog: Catalog): CatalogSummary {
  return {
    id: catalog.id,
    externalId: catalog.externalId,
    status: catalog.status,
    schoolUnitCode: catalog.schoolUnitCode,
    courseCode: catalog.courseCode,
    entryCount: catalog.entryCount,
    createdAt: catalog.createdAt.toISOString(),
    updatedAt: catalog.updatedAt.toISOString(),
  };
}

function encodeCursor(catalog: Catalog): string {
  return Buffer.from(JSON.stringify([catalog.createdAt.toISOString(), catalog.id])).toString('base64url');
}

function decodeCursor(raw: unknown): { createdAt: Date; id: string } | null {
  if (typeof raw !== 'string') return null;
  try {
    const [at, id] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as [string, string];
    const createdAt = new Date(at);
    return Number.isNaN(createdAt.getTime()) || !isUuid(id) ? null : { createdAt, id };
  } catch {
    return null;
  }
}
