import { MikroORM } from '@mikro-orm/core';
import { Inject, Injectable } from '@nestjs/common';
import { EventActor } from '../audit/events';
import { Catalog, Signer } from '../catalogs/catalog.entities';
import { transition } from '../catalogs/catalog-transitions';
import type { ValidationIssue } from '../catalogs/catalog.types';
import { ApiClient } from '../core/auth/api-clients';
import type { HubConfig } from '../core/config/config.schema';
import { forUpdate } from '../core/database/locking';
import { Problem } from '../core/http/problem';
import { objectBody, parseText, rejectUnknownFields } from '../core/http/request-input';
import { HUB_CONFIG } from '../core/tokens';
import { ResultNotifier } from '../delivery/result-notifier.service';
import { OutboxDispatcher } from '../workflow/outbox.dispatcher';
import { findOwnCatalog, parsePersonalNumberField, SigningService } from './signing.service';

const MAX_REASON = 2000;

/** The side exits before signing is done: the teacher declines, the SAS withdraws. */
@Injectable()
export class CatalogLifecycleService {
  constructor(
    private readonly orm: MikroORM,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly signing: SigningService,
    private readonly results: ResultNotifier,
    private readonly dispatcher: OutboxDispatcher,
  ) {}

  /** A grading teacher refuses to sign (POST /catalogs/{id}/decline): → DECLINED, the SAS is told why. */
  async decline(client: ApiClient, catalogId: string, body: unknown, actor: EventActor): Promise<Catalog> {
    const errors: ValidationIssue[] = [];
    const b = objectBody(body, errors);
    const personalNumber = parsePersonalNumberField(b.signerPersonalNumber, '/signerPersonalNumber', errors);
    const reason = parseReason(b.reason, true, errors);
    rejectUnknownFields(b, ['signerPersonalNumber', 'reason'], errors);
    if (errors.length > 0) throw Problem.validation(errors);
    const em = this.orm.em.fork();
    const catalog = await findOwnCatalog(em, client, catalogId);
    const signer = await em.findOne(Signer, { catalog, personalNumber });
    if (!signer)
      throw Problem.validation([
        {
          pointer: '/signerPersonalNumber',
          code: 'not_a_signer',
          detail: 'This person is not a required signer of the catalog.',
        },
      ]);
    if (signer.role !== 'GRADING_TEACHER') {
      throw Problem.validation([
        {
          pointer: '/signerPersonalNumber',
          code: 'not_a_teacher',
          detail: 'Only a grading teacher of the catalog can decline to sign it.',
        },
      ]);
    }
    if (signer.signedAt)
      throw Problem.conflict(
        'This teacher has already signed the catalog; a signed catalog cannot be declined.',
      );
    this.assertStatus(catalog, ['AWAITING_SIGNATURE'], 'declined');
    // The status change comes first, under the catalog's row lock, so a signature completing at the
    // same moment either lands before it (then this is a 409) or finds the catalog DECLINED.
    const updated = await em.fork().transactional(async (tx) => {
      const current = await tx.findOneOrFail(Catalog, catalog.id, forUpdate(this.config.database.url));
      this.assertStatus(current, ['AWAITING_SIGNATURE'], 'declined');
      const currentSigner = await tx.findOneOrFail(Signer, signer.id, { refresh: true });
      if (currentSigner.signedAt) {
        throw Problem.conflict(
          'This teacher has already signed the catalog; a signed catalog cannot be declined.',
        );
      }
      transition(tx, current, 'DECLINED', actor, { reason, signer: signer.id, role: signer.role });
      this.results.enqueue(tx, current, 'catalog.declined', {
        reason,
        signerPosition: signer.position + 1,
        signerRole: signer.role,
      });
      return current;
    });
    await this.signing.cancelSessionsFor(catalog.id, actor, 'catalog declined');
    this.dispatcher.nudge();
    return updated;
  }

  /** The SAS withdraws a catalog before it is signed (POST /catalogs/{id}/withdraw): → WITHDRAWN. */
  async withdraw(client: ApiClient, catalogId: string, body: unknown, actor: EventActor): Promise<Catalog> {
    const errors: ValidationIssue[] = [];
    // Every withdraw field is optional: no body at all is fine.
    const b = objectBody(body, errors, { absentIsEmpty: true });
    const reason = parseReason(b.reason, false, errors);
    rejectUnknownFields(b, ['reason'], errors);
    if (errors.length > 0) throw Problem.validation(errors);
    const em = this.orm.em.fork();
    const catalog = await findOwnCatalog(em, client, catalogId);
    const allowed = ['RECEIVED', 'AWAITING_SIGNATURE'] as const;
    this.assertStatus(catalog, allowed, 'withdrawn');
    const updated = await em.fork().transactional(async (tx) => {
      const current = await tx.findOneOrFail(Catalog, catalog.id, forUpdate(this.config.database.url));
      this.assertStatus(current, allowed, 'withdrawn');
      transition(tx, current, 'WITHDRAWN', actor, reason ? { reason } : undefined);
      this.results.enqueue(tx, current, 'catalog.withdrawn', reason ? { reason } : {});
      return current;
    });
    // Orders still open at BankID are cancelled once the catalog can no longer be signed.
    await this.signing.cancelSessionsFor(catalog.id, actor, 'catalog withdrawn');
    this.dispatcher.nudge();
    return updated;
  }

  private assertStatus(catalog: Catalog, allowed: readonly string[], what: string): void {
    if (!allowed.includes(catalog.status)) {
      throw Problem.conflict(
        `The catalog is ${catalog.status}; it can be ${what} only in ${allowed.join(' or ')}.`,
      );
    }
  }
}

function parseReason(value: unknown, required: boolean, errors: ValidationIssue[]): string | undefined {
  return parseText(value, '/reason', errors, { max: MAX_REASON, required, multiline: true, what: 'reason' });
}
