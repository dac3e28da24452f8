import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Inject, Injectable } from '@nestjs/common';
import { canonicalJson } from '../core/canonical-json';
import { recordEvent } from '../audit/events';
import { ApiClient, coversSchoolUnit } from '../core/auth/api-clients';
import { HubConfig, signingRulesFor } from '../core/config/config.schema';
import { HUB_CONFIG } from '../core/tokens';
import { Problem } from '../core/http/problem';
import { requestStep } from '../workflow/outbox';
import { OutboxDispatcher } from '../workflow/outbox.dispatcher';
import { Catalog, CatalogEntry, Signer } from './catalog.entities';
import type { CatalogData } from './catalog.types';
import { validateCatalogSubmission } from './validation/validate-catalog';
import { sha256Hex } from '../core/hashing';

export interface IngestResult {
  created: boolean;
  catalog: Catalog;
  warnings: { pointer: string; code: string; detail: string }[];
}

@Injectable()
export class CatalogIngestService {
  constructor(
    private readonly em: EntityManager,
    private readonly dispatcher: OutboxDispatcher,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  async submit(
    client: ApiClient,
    body: unknown,
    idempotencyKeyHeader: string | undefined,
    ip?: string,
  ): Promise<IngestResult> {
    // A blank header counts as none; the key is opaque text, only length and control characters matter.
    const header = idempotencyKeyHeader?.trim() || undefined;
    const headerPointer = '/headers/idempotency-key';
    if (header && header.length > 200) {
      throw Problem.badRequest('The Idempotency-Key header is too long.', [
        {
          pointer: headerPointer,
          code: 'too_long',
          detail: 'Idempotency-Key header: at most 200 characters.',
        },
      ]);
    }
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    if (header && /[\u0000-\u001f\u007f]/.test(header)) {
      throw Problem.badRequest('The Idempotency-Key header contains control characters.', [
        {
          pointer: headerPointer,
          code: 'invalid_characters',
          detail: 'Idempotency-Key header: no control characters.',
        },
      ]);
    }
    const result = validateCatalogSubmission(body);
    if (!result.ok) throw Problem.validation(result.errors);
    const data = result.catalog;
    this.assertScope(client, data);
    await this.assertCorrectable(client, data);

    // Stored as a digest: fixed width whatever the SAS sends, and header keys never collide with defaults.
    const idempotencyKey = header
      ? `header:${sha256Hex(header)}`
      : `externalId:${sha256Hex(data.externalId)}`;
    const requestHash = sha256Hex(canonicalJson(body));

    const replay = await this.findReplay(client, idempotencyKey, requestHash);
    if (replay) return { created: false, catalog: replay, warnings: result.warnings };

    const em = this.em.fork();
    try {
      const catalog = await em.transactional(async (tx) => {
        const catalog = this.buildCatalog(tx, client, data, idempotencyKey, requestHash);
        recordEvent(
          tx,
          catalog.id,
          'catalog.received',
          { actor: client.id, ip },
          {
            externalId: data.externalId,
            entries: data.entries.length,
            warnings: result.warnings.map((w) => w.code),
          },
        );
        requestStep(tx, 'catalog.render', { catalogId: catalog.id });
        return catalog;
      });
      this.dispatcher.nudge();
      return { created: true, catalog, warnings: result.warnings };
    } catch (error) {
      // A concurrent request with the same key won the insert: answer as a replay.
      if (error instanceof UniqueConstraintViolationException) {
        const winner = await this.findReplay(client, idempotencyKey, requestHash);
        if (winner) return { created: false, catalog: winner, warnings: result.warnings };
      }
      throw error;
    }
  }

  private assertScope(client: ApiClient, data: CatalogData): void {
    const errors = [];
    if (data.municipalityCode !== client.municipalityCode) {
      errors.push({
        pointer: '/municipalityCode',
        code: 'out_of_scope',
        detail: 'This API client may not submit catalogs for that municipality.',
      });
    }
    if (!coversSchoolUnit(client, data.schoolUnit.code)) {
      errors.push({
        pointer: '/schoolUnit/code',
        code: 'out_of_scope',
        detail: 'This API client may not submit catalogs for that school unit.',
      });
    }
    if (errors.length > 0)
      throw new Problem(
        403,
        'Forbidden',
        "The catalog is outside this API client's scope.",
        undefined,
        errors,
      );
  }

  /** A correction references a completed catalog the same SAS may see; nothing signed is overwritten. */
  private async assertCorrectable(client: ApiClient, data: CatalogData): Promise<void> {
    if (!data.corrects) return;
    const original = await this.em
      .fork()
      .findOne(Catalog, { id: data.corrects.catalogId, clientId: client.id });
    if (!original) {
      throw Problem.validation([
        {
          pointer: '/corrects/catalogId',
          code: 'not_found',
          detail: 'No catalog with this id was submitted by this client.',
        },
      ]);
    }
    if (original.status !== 'COMPLETED') {
      throw Problem.validation([
        {
          pointer: '/corrects/catalogId',
          code: 'not_completed',
          detail: `Only a COMPLETED catalog can be corrected; this one is ${original.status}.`,
        },
      ]);
    }
  }

  private async findReplay(
    client: ApiClient,
    idempotencyKey: string,
    requestHash: string,
  ): Promise<Catalog | null> {
    const existing = await this.em.fork().findOne(Catalog, { clientId: client.id, idempotencyKey });
    if (!existing) return null;
    if (existing.requestHash !== requestHash) {
      throw Problem.conflict(
        'The Idempotency-Key (or externalId) was already used with a different request body.',
      );
    }
    return existing;
  }

  private buildCatalog(
    em: EntityManager,
    client: ApiClient,
    data: CatalogData,
    idempotencyKey: string,
    requestHash: string,
  ): Catalog {
    const { entries, ...header } = data;
    const catalog = em.create(Catalog, {
      clientId: client.id,
      idempotencyKey,
      requestHash,
      externalId: data.externalId,
      municipalityCode: data.municipalityCode,
      schoolUnitCode: data.schoolUnit.code,
      courseCode: data.course.code,
      header,
      entryCount: entries.length,
    });
    entries.forEach((entry, position) => {
      em.create(CatalogEntry, {
        catalog,
        position,
        studentPersonalNumber: entry.student.personalNumber,
        givenName: entry.student.givenName,
        familyName: entry.student.familyName,
        securityMarking: entry.student.securityMarking,
        grade: entry.grade,
        gradeDate: entry.gradeDate,
        examination: entry.examination ?? false,
        previousGrade: entry.previousGrade,
        thesis: entry.thesis,
        specialization: entry.specialization,
      });
    });
    requiredSigners(data, signingRulesFor(this.config, data.municipalityCode).principalSigns).forEach(
      (signer, position) => {
        em.create(Signer, { catalog, position, ...signer });
      },
    );
    return catalog;
  }
}

/**
 * Every grading teacher signs; rektor too for komvuxarbete (DOMAIN.md "Who signs"), or for every
 * catalog that names one when the municipality's rule `principalSigns` is ALWAYS.
 */
export function requiredSigners(
  data: CatalogData,
  principalSigns: 'KOMVUX_THESIS' | 'ALWAYS' = 'KOMVUX_THESIS',
): Pick<Signer, 'role' | 'personalNumber' | 'name'>[] {
  const signers: Pick<Signer, 'role' | 'personalNumber' | 'name'>[] = data.gradingTeachers.map((t) => ({
    role: 'GRADING_TEACHER' as const,
    personalNumber: t.personalNumber,
    name: t.name,
  }));
  if ((data.course.kind === 'KOMVUX_THESIS' || principalSigns === 'ALWAYS') && data.principal) {
    if (!signers.some((s) => s.personalNumber === data.principal!.personalNumber)) {
      signers.push({
        role: 'PRINCIPAL',
        personalNumber: data.principal.personalNumber,
        name: data.principal.name,
      });
    }
  }
  return signers;
}
