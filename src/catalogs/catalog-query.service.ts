import { FilterQuery, MikroORM } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { Approval } from '../approval/approval.entities';
import { Delivery } from '../archive/delivery.entities';
import { CatalogEvent } from '../audit/catalog-event.entity';
import { ApiClient } from '../core/auth/api-clients';
import { Problem } from '../core/http/problem';
import { CATALOG_STATUSES, CatalogStatus } from './catalog-state';
import { Catalog, CatalogDocument, Signer } from './catalog.entities';
import { loadCatalogData } from './catalog.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
  constructor(private readonly orm: MikroORM) {}

  /** SAS clients see their own catalogs; approvers and admins those of their municipality and units. */
  private scopeFilter(client: ApiClient): FilterQuery<Catalog> {
    if (client.roles.includes('sas') && !client.roles.includes('approver') && !client.roles.includes('admin')) {
      return { clientId: client.id };
    }
    return client.schoolUnits.includes('*')
      ? { municipalityCode: client.municipalityCode }
      : { municipalityCode: client.municipalityCode, schoolUnitCode: { $in: [...client.schoolUnits] } };
  }

  async findVisible(client: ApiClient, id: string): Promise<Catalog> {
    if (!UUID.test(id)) throw Problem.notFound('No such catalog.');
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
      em.find(CatalogEvent, { catalogId: catalog.id }, { orderBy: { at: 'asc', id: 'asc' } }),
    ]);
    return {
      ...summary(catalog),
      documentSha256: catalog.documentSha256 ?? null,
      failure: catalog.status === 'FAILED' ? { step: catalog.failedStep, reason: catalog.failureReason } : null,
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
        approver: { name: a.approverName, personalNumber: a.approverPersonalNumber ?? null, client: a.clientId },
        comment: a.comment ?? null,
        decidedAt: a.decidedAt.toISOString(),
      })),
      deliveries: deliveries.map((d) => ({ kind: d.kind, target: d.target, key: d.deliveryKey, receipt: d.receipt, at: d.createdAt.toISOString() })),
      timeline: events.map((e) => ({ type: e.type, actor: e.actor, at: e.at.toISOString(), data: e.data ?? null })),
    };
  }

  async list(client: ApiClient, query: Record<string, unknown>): Promise<{ items: CatalogSummary[]; nextCursor: string | null }> {
    const errors = [];
    const filter: FilterQuery<Catalog>[] = [this.scopeFilter(client)];
    const status = query.status;
    if (status !== undefined) {
      if (typeof status !== 'string' || !CATALOG_STATUSES.includes(status as CatalogStatus)) {
        errors.push({ pointer: '/status', code: 'invalid_value', detail: `status must be one of ${CATALOG_STATUSES.join(', ')}.` });
      } else filter.push({ status: status as CatalogStatus });
    }
    if (query.schoolUnitCode !== undefined) {
      if (typeof query.schoolUnitCode !== 'string' || !/^\d{8}$/.test(query.schoolUnitCode)) {
        errors.push({ pointer: '/schoolUnitCode', code: 'invalid_school_unit_code', detail: 'schoolUnitCode must be 8 digits.' });
      } else filter.push({ schoolUnitCode: query.schoolUnitCode });
    }
    if (query.updatedAfter !== undefined) {
      const date = typeof query.updatedAfter === 'string' ? new Date(query.updatedAfter) : new Date(NaN);
      if (Number.isNaN(date.getTime())) {
        errors.push({ pointer: '/updatedAfter', code: 'invalid_date', detail: 'updatedAfter must be an ISO 8601 date-time.' });
      } else filter.push({ updatedAt: { $gt: date } });
    }
    const limit = query.limit === undefined ? 50 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
      errors.push({ pointer: '/limit', code: 'invalid_value', detail: 'limit must be an integer from 1 to 500.' });
    }
    if (query.cursor !== undefined) {
      const cursor = decodeCursor(query.cursor);
      if (!cursor) errors.push({ pointer: '/cursor', code: 'invalid_cursor', detail: 'cursor is not one this API returned.' });
      else filter.push({ $or: [{ createdAt: { $gt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { $gt: cursor.id } }] });
    }
    if (errors.length > 0) throw Problem.badRequest('Invalid query parameters.', errors);
    const rows = await this.orm.em.fork().find(Catalog, { $and: filter }, { orderBy: { createdAt: 'asc', id: 'asc' }, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(summary),
      nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
    };
  }

  async document(client: ApiClient, id: string): Promise<CatalogDocument> {
    const catalog = await this.findVisible(client, id);
    const docs = await this.orm.em.fork().find(CatalogDocument, { catalog: catalog.id }, { populate: ['content'], orderBy: { createdAt: 'desc' } });
    const doc = docs.find((d) => d.kind === 'SEALED') ?? docs[0];
    if (!doc) throw Problem.notFound('The catalog document has not been rendered yet.');
    return doc;
  }
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
    return Number.isNaN(createdAt.getTime()) || !UUID.test(id) ? null : { createdAt, id };
  } catch {
    return null;
  }
}
