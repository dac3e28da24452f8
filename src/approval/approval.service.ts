import { MikroORM } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { EventActor, recordEvent } from '../audit/events';
import { Catalog, Signer } from '../catalogs/catalog.entities';
import { transition } from '../catalogs/catalog-transitions';
import { ApiClient, coversSchoolUnit } from '../core/auth/api-clients';
import { Problem } from '../core/http/problem';
import { requestStep } from '../workflow/outbox';
import { OutboxDispatcher } from '../workflow/outbox.dispatcher';
import { normalizePersonalNumber } from '../catalogs/validation/validate-catalog';
import { Approval, APPROVAL_DECISIONS, ApprovalDecision } from './approval.entities';
import type { ValidationIssue } from '../catalogs/catalog.types';

interface ApprovalRequest {
  decision: ApprovalDecision;
  approver: { name: string; personalNumber?: string };
  comment?: string;
}

/** The handläggare's four-eyes step: approve (→ delivery) or reject (→ SAS corrects). */
@Injectable()
export class ApprovalService {
  constructor(
    private readonly orm: MikroORM,
    private readonly dispatcher: OutboxDispatcher,
  ) {}

  async decide(client: ApiClient, catalogId: string, body: unknown, actor: EventActor): Promise<Approval> {
    const request = parseApprovalRequest(body);
    const em = this.orm.em.fork();
    const approval = await em.transactional(async (tx) => {
      const catalog = /^[0-9a-f-]{36}$/i.test(catalogId) ? await tx.findOne(Catalog, catalogId) : null;
      if (!catalog || catalog.municipalityCode !== client.municipalityCode || !coversSchoolUnit(client, catalog.schoolUnitCode)) {
        throw Problem.notFound('No such catalog.');
      }
      if (catalog.status !== 'AWAITING_APPROVAL') {
        throw Problem.conflict(`The catalog is ${catalog.status}; a decision is possible only in AWAITING_APPROVAL.`);
      }
      const signers = await tx.find(Signer, { catalog });
      if (request.approver.personalNumber && signers.some((s) => s.personalNumber === request.approver.personalNumber)) {
        throw Problem.validation([{ pointer: '/approver/personalNumber', code: 'approver_is_signer', detail: 'The approver signed this catalog; another person must approve it.' }]);
      }
      if (client.id === catalog.clientId) {
        throw Problem.forbidden('The API client that submitted the catalog may not approve it.');
      }
      const approval = tx.create(Approval, {
        catalog,
        decision: request.decision,
        clientId: client.id,
        approverName: request.approver.name,
        approverPersonalNumber: request.approver.personalNumber,
        comment: request.comment,
      });
      recordEvent(tx, catalog.id, 'approval.decided', actor, { decision: request.decision, approvalId: approval.id });
      if (request.decision === 'APPROVE') {
        transition(tx, catalog, 'DELIVERING', actor);
        requestStep(tx, 'catalog.archive', { catalogId: catalog.id });
      } else {
        transition(tx, catalog, 'REJECTED', actor, { comment: request.comment });
      }
      return approval;
    });
    this.dispatcher.nudge();
    return approval;
  }
}

function parseApprovalRequest(body: unknown): ApprovalRequest {
  const errors: ValidationIssue[] = [];
  const b = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  if (!APPROVAL_DECISIONS.includes(b.decision as ApprovalDecision)) {
    errors.push({ pointer: '/decision', code: 'invalid_value', detail: 'decision must be APPROVE or REJECT.' });
  }
  const approver = (b.approver && typeof b.approver === 'object' ? b.approver : undefined) as Record<string, unknown> | undefined;
  let personalNumber: string | undefined;
  if (!approver) {
    errors.push({ pointer: '/approver', code: 'required', detail: 'approver { name, personalNumber? } is required.' });
  } else {
    if (typeof approver.name !== 'string' || approver.name.trim() === '') {
      errors.push({ pointer: '/approver/name', code: 'required', detail: 'approver.name is required.' });
    }
    if (approver.personalNumber !== undefined) {
      const normalized = typeof approver.personalNumber === 'string' ? normalizePersonalNumber(approver.personalNumber) : undefined;
      if (!normalized || !normalized.ok) {
        errors.push({ pointer: '/approver/personalNumber', code: 'invalid_personal_number', detail: 'approver.personalNumber is not a valid personal number.' });
      } else personalNumber = normalized.value;
    }
  }
  if (b.comment !== undefined && (typeof b.comment !== 'string' || b.comment.length > 2000)) {
    errors.push({ pointer: '/comment', code: 'invalid_type', detail: 'comment must be a string of at most 2000 characters.' });
  }
  if (b.decision === 'REJECT' && (typeof b.comment !== 'string' || b.comment.trim() === '')) {
    errors.push({ pointer: '/comment', code: 'required', detail: 'A rejection needs a comment telling the SAS what to correct.' });
  }
  if (errors.length > 0) throw Problem.validation(errors);
  return {
    decision: b.decision as ApprovalDecision,
    approver: { name: String(approver!.name).trim(), personalNumber },
    comment: b.comment as string | undefined,
  };
}
