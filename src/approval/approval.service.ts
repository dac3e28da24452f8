import { EntityManager, MikroORM } from '@mikro-orm/core';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { EventActor, recordEvent, WORKER_ACTOR } from '../audit/events';
import { Catalog, Signer } from '../catalogs/catalog.entities';
import { loadCatalogData } from '../catalogs/catalog.repository';
import { transition } from '../catalogs/catalog-transitions';
import type { ValidationIssue } from '../catalogs/catalog.types';
import { ApiClient, coversSchoolUnit } from '../core/auth/api-clients';
import { HubConfig, signingRulesFor } from '../core/config/config.schema';
import type { EvidenceVerification, SigningCompletion } from '../core/connectors/ports';
import { forUpdate } from '../core/database/locking';
import { Problem } from '../core/http/problem';
import { objectBody, parseText, rejectUnknownFields } from '../core/http/request-input';
import { HUB_CONFIG } from '../core/tokens';
import { ResultNotifier } from '../delivery/result-notifier.service';
import { Signature, SigningSession, SigningSessionItem } from '../signing/signing.entities';
import {
  parseEndUserIp,
  parsePersonalNumberField,
  SessionView,
  SigningService,
} from '../signing/signing.service';
import { approvalSummary } from '../signing/visible-data';
import { requestStep } from '../workflow/outbox';
import { OutboxDispatcher } from '../workflow/outbox.dispatcher';
import { Approval, APPROVAL_DECISIONS, ApprovalDecision } from './approval.entities';
import { isUuid } from '../core/ids';

interface ApprovalRequest {
  decision: ApprovalDecision;
  approver: { name: string; personalNumber?: string };
  comment?: string;
  endUserIp?: string;
}

export type DecisionOutcome =
  { kind: 'decided'; approval: Approval } | { kind: 'signing'; session: SessionView };

/**
 * The handläggare's four-eyes step: approve (→ delivery) or reject (→ SAS corrects). The
 * approver is never a signer of the catalog (by personal number) and never the API client that
 * submitted it or drove its signing. Where the municipality requires it, the decision itself is
 * BankID-signed by the approver (signer = APPROVER) and takes effect when that signature verifies.
 */
@Injectable()
export class ApprovalService implements OnModuleInit {
  constructor(
    private readonly orm: MikroORM,
    private readonly dispatcher: OutboxDispatcher,
    private readonly signing: SigningService,
    private readonly results: ResultNotifier,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  onModuleInit(): void {
    this.signing.onComplete('APPROVAL', (tx, session, completion, verification) =>
      this.completeSignedDecision(tx, session, completion, verification),
    );
  }

  async decide(
    client: ApiClient,
    catalogId: string,
    body: unknown,
    actor: EventActor,
  ): Promise<DecisionOutcome> {
    const request = parseApprovalRequest(body);
    const em = this.orm.em.fork();
    const catalog = await this.assertMayDecide(em, client, catalogId, request);
    if (signingRulesFor(this.config, catalog.municipalityCode).approvalRequiresBankId) {
      const errors: ValidationIssue[] = [];
      if (!request.approver.personalNumber) {
        errors.push({
          pointer: '/approver/personalNumber',
          code: 'required',
          detail: 'This municipality requires BankID-signed approvals: approver.personalNumber is required.',
        });
      }
      const endUserIp = parseEndUserIp(request.endUserIp, errors);
      if (errors.length > 0) throw Problem.validation(errors);
      const data = await loadCatalogData(em, catalog);
      const session = await this.signing.openSession({
        client,
        purpose: 'APPROVAL',
        personalNumber: request.approver.personalNumber!,
        endUserIp,
        items: [{ catalog, signer: null, documentSha256: catalog.documentSha256! }],
        userVisibleData: approvalSummary(data, catalog.documentSha256!, request.decision, request.comment),
        signedSha256: catalog.documentSha256!,
        pendingDecision: {
          decision: request.decision,
          approverName: request.approver.name,
          comment: request.comment,
          ip: actor.ip,
        },
        actor,
      });
      return { kind: 'signing', session };
    }
    const approval = await em.fork().transactional(async (tx) => {
      // Locked: of two racing decisions the second waits, then sees the first and gets a 409.
      const current = await this.assertMayDecide(tx, client, catalogId, request, true);
      return this.applyDecision(
        tx,
        current,
        client.id,
        request.decision,
        request.approver,
        request.comment,
        actor,
      );
    });
    this.dispatcher.nudge();
    return { kind: 'decided', approval };
  }

  private async assertMayDecide(
    em: EntityManager,
    client: ApiClient,
    catalogId: string,
    request: ApprovalRequest,
    lock = false,
  ): Promise<Catalog> {
    const catalog = isUuid(catalogId)
      ? await em.findOne(Catalog, catalogId, lock ? forUpdate(this.config.database.url) : {})
      : null;
    if (
      !catalog ||
      catalog.municipalityCode !== client.municipalityCode ||
      !coversSchoolUnit(client, catalog.schoolUnitCode)
    ) {
      throw Problem.notFound('No such catalog.');
    }
    if (catalog.status !== 'AWAITING_APPROVAL') {
      throw Problem.conflict(
        `The catalog is ${catalog.status}; a decision is possible only in AWAITING_APPROVAL.`,
      );
    }
    const [signers, signatures] = await Promise.all([
      em.find(Signer, { catalog }),
      em.find(Signature, { catalog }),
    ]);
    const pn = request.approver.personalNumber;
    if (
      pn &&
      (signers.some((s) => s.personalNumber === pn) || signatures.some((s) => s.personalNumber === pn))
    ) {
      throw Problem.validation([
        {
          pointer: '/approver/personalNumber',
          code: 'approver_is_signer',
          detail: 'The approver signed this catalog; another person must approve it.',
        },
      ]);
    }
    if (client.id === catalog.clientId) {
      throw Problem.forbidden('The API client that submitted the catalog may not approve it.');
    }
    const drove = await em.count(SigningSessionItem, {
      catalog,
      session: { clientId: client.id, purpose: { $ne: 'APPROVAL' } },
    });
    if (drove > 0)
      throw Problem.forbidden(
        'The API client that started a signing session for the catalog may not approve it.',
      );
    return catalog;
  }

  private applyDecision(
    tx: EntityManager,
    catalog: Catalog,
    clientId: string,
    decision: ApprovalDecision,
    approver: { name: string; personalNumber?: string },
    comment: string | undefined,
    actor: EventActor,
    evidence?: Pick<Approval, 'signatureXmlBase64' | 'ocspResponseBase64' | 'verification'>,
  ): Approval {
    const approval = tx.create(Approval, {
      catalog,
      decision,
      clientId,
      approverName: approver.name,
      approverPersonalNumber: approver.personalNumber,
      comment,
      ...(evidence ?? {}),
    });
    recordEvent(tx, catalog.id, 'approval.decided', actor, {
      decision,
      approvalId: approval.id,
      bankIdSigned: Boolean(evidence),
    });
    if (decision === 'APPROVE') {
      transition(tx, catalog, 'DELIVERING', actor);
      requestStep(tx, 'catalog.archive', { catalogId: catalog.id });
    } else {
      transition(tx, catalog, 'REJECTED', actor, { comment });
      this.results.enqueue(tx, catalog, 'catalog.rejected', { reason: comment });
    }
    return approval;
  }

  /** An APPROVAL session completed with verified evidence: the decision takes effect now. */
  private async completeSignedDecision(
    tx: EntityManager,
    session: SigningSession,
    completion: SigningCompletion,
    verification: EvidenceVerification,
  ): Promise<void> {
    const catalog = await tx.findOneOrFail(Catalog, session.catalog.id, forUpdate(this.config.database.url));
    const pending = session.pendingDecision!;
    if (catalog.status !== 'AWAITING_APPROVAL') {
      recordEvent(tx, catalog.id, 'approval.ignored', WORKER_ACTOR, {
        sessionId: session.id,
        reason: `catalog is ${catalog.status}`,
      });
      return;
    }
    this.applyDecision(
      tx,
      catalog,
      session.clientId,
      pending.decision,
      { name: pending.approverName, personalNumber: completion.personalNumber },
      pending.comment,
      { actor: session.clientId, ip: pending.ip },
      {
        signatureXmlBase64: completion.signatureXmlBase64,
        ocspResponseBase64: completion.ocspResponseBase64,
        verification: { valid: true, checkedAt: new Date().toISOString(), checks: verification.checks },
      },
    );
  }
}

function parseApprovalRequest(body: unknown): ApprovalRequest {
  const errors: ValidationIssue[] = [];
  const b = objectBody(body, errors);
  if (!APPROVAL_DECISIONS.includes(b.decision as ApprovalDecision)) {
    errors.push({
      pointer: '/decision',
      code: 'invalid_value',
      detail: 'decision must be APPROVE or REJECT.',
    });
  }
  const approver = (b.approver && typeof b.approver === 'object' ? b.approver : undefined) as
    Record<string, unknown> | undefined;
  let personalNumber: string | undefined;
  let name: string | undefined;
  if (!approver) {
    errors.push({
      pointer: '/approver',
      code: 'required',
      detail: 'approver { name, personalNumber? } is required.',
    });
  } else {
    name = parseText(approver.name, '/approver/name', errors, {
      max: 200,
      required: true,
      what: 'approver.name',
    });
    rejectUnknownFields(approver, ['name', 'personalNumber'], errors, '/approver');
    if (approver.personalNumber !== undefined) {
      personalNumber = parsePersonalNumberField(approver.personalNumber, '/approver/personalNumber', errors);
    }
  }
  const comment = parseText(b.comment, '/comment', errors, {
    max: 2000,
    multiline: true,
    // A rejection tells the SAS what to correct.
    required: b.decision === 'REJECT',
    what: 'comment',
  });
  if (b.endUserIp !== undefined && typeof b.endUserIp !== 'string') {
    errors.push({ pointer: '/endUserIp', code: 'invalid_type', detail: 'endUserIp must be a string.' });
  }
  rejectUnknownFields(b, ['decision', 'approver', 'comment', 'endUserIp'], errors);
  if (errors.length > 0) throw Problem.validation(errors);
  return {
    decision: b.decision as ApprovalDecision,
    approver: { name: name!, personalNumber },
    comment,
    endUserIp: b.endUserIp as string | undefined,
  };
}
