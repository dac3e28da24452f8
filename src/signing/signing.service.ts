import { EntityManager, MikroORM, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { EventActor, recordEvent, WORKER_ACTOR } from '../audit/events';
import { Catalog, Signer } from '../catalogs/catalog.entities';
import { loadCatalogData } from '../catalogs/catalog.repository';
import { transition } from '../catalogs/catalog-transitions';
import type { CatalogData, ValidationIssue } from '../catalogs/catalog.types';
import { normalizePersonalNumber } from '../catalogs/validation/validate-catalog';
import { ApiClient } from '../core/auth/api-clients';
import { HubConfig, signingRulesFor } from '../core/config/config.schema';
import type { EvidenceVerification, SigningCompletion, SigningProvider } from '../core/connectors/ports';
import { ConnectorError } from '../core/errors';
import { forUpdate } from '../core/database/locking';
import { normaliseEndUserIp } from '../core/http/end-user-ip';
import { Problem } from '../core/http/problem';
import { hasUnsafeCharacters, rejectUnknownFields } from '../core/http/request-input';
import { HUB_CONFIG, SIGNING_PROVIDER } from '../core/tokens';
import { JobHandlerRegistry } from '../workflow/job-handlers';
import { requestStep } from '../workflow/outbox';
import { OutboxDispatcher } from '../workflow/outbox.dispatcher';
import { canonicalJson } from '../core/canonical-json';
import { RejectedEvidence, Signature, SigningSession, SigningSessionItem } from './signing.entities';
import { bulkSigningSummary, signingSummary } from './visible-data';
import { isUuid } from '../core/ids';
import { sha256Hex } from '../core/hashing';

export const MAX_BULK_CATALOGS = 50;
/** A reservation that never got a BankID order (process died in between) is released after this. */
const STALE_RESERVATION_MS = 60_000;

export interface StartSessionRequest {
  signerPersonalNumber?: string;
  endUserIp: string;
  sameDevice?: boolean;
  returnUrl?: string;
}

export interface SessionView {
  sessionId: string;
  /** The (first) catalog; `catalogIds` lists every catalog of a bulk session. */
  catalogId: string;
  catalogIds: string[];
  purpose: SigningSession['purpose'];
  status: SigningSession['status'];
  hintCode: string | null;
  /** BankID's recommended user message (RFA code + Swedish text) for the current state. */
  message: { code: string; text: string };
  qrData: string | null;
  autoStartToken: string | null;
}

/** What a session covers: one item per catalog (signer = null for an approval). */
export interface SessionItemSpec {
  catalog: Catalog;
  signer: Signer | null;
  documentSha256: string;
}

export interface OpenSessionSpec {
  client: ApiClient;
  purpose: SigningSession['purpose'];
  personalNumber: string;
  endUserIp: string;
  sameDevice?: boolean;
  returnUrl?: string;
  items: SessionItemSpec[];
  userVisibleData: string;
  /** Hex SHA-256 put in userNonVisibleData. */
  signedSha256: string;
  manifest?: string;
  pendingDecision?: SigningSession['pendingDecision'];
  actor: EventActor;
}

/** What happens when a session of a given purpose completes with verified evidence. */
export type CompletionHandler = (
  tx: EntityManager,
  session: SigningSession,
  completion: SigningCompletion,
  verification: EvidenceVerification,
) => Promise<void>;

/**
 * The end user's address as BankID expects it (IPv4-mapped IPv6 as plain IPv4), or null. Stricter
 * than the normaliser itself: no zone ids (fe80::1%eth0), which mean nothing outside this host.
 */
export function normalizeEndUserIp(raw: string): string | null {
  const trimmed = raw.trim();
  if (trimmed.length === 0 || trimmed.length > 45 || trimmed.includes('%')) return null;
  try {
    return normaliseEndUserIp(trimmed);
  } catch {
    return null;
  }
}

/** Canonical manifest of a bulk order: its SHA-256 is what the teacher signs. */
export function bulkManifest(items: { catalogId: string; documentSha256: string }[]): string {
  return canonicalJson({
    type: 'grade-catalog-bulk-signature',
    version: 1,
    documents: [...items]
      .sort((a, b) => (a.catalogId < b.catalogId ? -1 : 1))
      .map((i) => ({ catalogId: i.catalogId, documentSha256: i.documentSha256 })),
  });
}

@Injectable()
export class SigningService implements OnModuleInit {
  private readonly completionHandlers = new Map<SigningSession['purpose'], CompletionHandler>();

  constructor(
    private readonly orm: MikroORM,
    @Inject(SIGNING_PROVIDER) private readonly provider: SigningProvider,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly jobs: JobHandlerRegistry,
    private readonly dispatcher: OutboxDispatcher,
  ) {
    this.completionHandlers.set('SIGN', (tx, session, completion, verification) =>
      this.recordSignatures(tx, session, completion, verification),
    );
    this.completionHandlers.set('BULK', (tx, session, completion, verification) =>
      this.recordSignatures(tx, session, completion, verification),
    );
  }

  onModuleInit(): void {
    this.jobs.register('signing.collect', {
      handle: ({ sessionId, poll }) => this.collect(sessionId, poll),
      onGiveUp: ({ sessionId }, error) => this.giveUpCollecting(sessionId, error),
    });
  }

  /** The approval module completes APPROVAL sessions (it owns what a signed decision does). */
  onComplete(purpose: SigningSession['purpose'], handler: CompletionHandler): void {
    this.completionHandlers.set(purpose, handler);
  }

  // ------------------------------------------------------------------ start

  async start(client: ApiClient, catalogId: string, body: unknown, actor: EventActor): Promise<SessionView> {
    const request = parseStartRequest(body);
    const em = this.orm.em.fork();
    const catalog = await findOwnCatalog(em, client, catalogId);
    const signers = await em.find(Signer, { catalog }, { orderBy: { position: 'asc' } });
    const unsigned = signers.filter((s) => !s.signedAt);
    let signer: Signer | undefined;
    if (request.signerPersonalNumber) {
      signer = signers.find((s) => s.personalNumber === request.signerPersonalNumber);
      if (!signer) {
        throw Problem.validation([
          {
            pointer: '/signerPersonalNumber',
            code: 'not_a_signer',
            detail: 'This person is not a required signer of the catalog.',
          },
        ]);
      }
    } else if (unsigned.length === 1) {
      signer = unsigned[0];
    } else if (unsigned.length > 1) {
      throw Problem.validation([
        {
          pointer: '/signerPersonalNumber',
          code: 'required',
          detail: 'The catalog has several unsigned signers: say which one signs.',
        },
      ]);
    }
    this.assertCanSign(catalog, signers, signer);
    const data = await loadCatalogData(em, catalog);
    const documentSha256 = catalog.documentSha256!;
    return this.openSession({
      client,
      purpose: 'SIGN',
      personalNumber: signer!.personalNumber,
      endUserIp: request.endUserIp,
      sameDevice: request.sameDevice,
      returnUrl: request.returnUrl,
      items: [{ catalog, signer: signer!, documentSha256 }],
      userVisibleData: signingSummary(data, documentSha256),
      signedSha256: documentSha256,
      actor,
    });
  }

  /** One BankID order over up to 50 catalogs of the same teacher (POST /signing-sessions). */
  async startBulk(client: ApiClient, body: unknown, actor: EventActor): Promise<SessionView> {
    const request = parseStartRequest(body, true);
    const catalogIds = request.catalogIds!;
    if (!request.signerPersonalNumber) {
      throw Problem.validation([
        {
          pointer: '/signerPersonalNumber',
          code: 'required',
          detail: 'signerPersonalNumber (the teacher who signs every catalog) is required.',
        },
      ]);
    }
    const em = this.orm.em.fork();
    const items: SessionItemSpec[] = [];
    const data: { catalog: CatalogData; documentSha256: string }[] = [];
    const errors: ValidationIssue[] = [];
    for (const [index, id] of catalogIds.entries()) {
      const catalog = isUuid(id) ? await em.findOne(Catalog, { id, clientId: client.id }) : null;
      if (!catalog) {
        errors.push({ pointer: `/catalogIds/${index}`, code: 'not_found', detail: 'No such catalog.' });
        continue;
      }
      const signers = await em.find(Signer, { catalog }, { orderBy: { position: 'asc' } });
      const signer = signers.find((s) => s.personalNumber === request.signerPersonalNumber);
      try {
        if (!signer) throw Problem.validation([], 'This person is not a required signer of the catalog.');
        this.assertCanSign(catalog, signers, signer);
      } catch (error) {
        if (!(error instanceof Problem)) throw error;
        errors.push({
          pointer: `/catalogIds/${index}`,
          code: error.status === 409 ? 'not_signable' : 'not_a_signer',
          detail: error.detail,
        });
        continue;
      }
      items.push({ catalog, signer: signer!, documentSha256: catalog.documentSha256! });
      data.push({ catalog: await loadCatalogData(em, catalog), documentSha256: catalog.documentSha256! });
    }
    if (errors.length > 0)
      throw Problem.validation(
        errors,
        'Every catalog of a bulk signature must be signable by this teacher now.',
      );
    const manifest = bulkManifest(
      items.map((i) => ({ catalogId: i.catalog.id, documentSha256: i.documentSha256 })),
    );
    const manifestSha256 = sha256Hex(manifest);
    return this.openSession({
      client,
      purpose: 'BULK',
      personalNumber: request.signerPersonalNumber,
      endUserIp: request.endUserIp,
      sameDevice: request.sameDevice,
      returnUrl: request.returnUrl,
      items,
      userVisibleData: bulkSigningSummary(data, manifestSha256),
      signedSha256: manifestSha256,
      manifest,
      actor,
    });
  }

  private assertCanSign(catalog: Catalog, signers: Signer[], signer: Signer | undefined): void {
    if (catalog.status !== 'AWAITING_SIGNATURE') {
      throw Problem.conflict(
        `The catalog is ${catalog.status}; signing is possible only in AWAITING_SIGNATURE.`,
      );
    }
    if (!signer) throw Problem.conflict('Every required signer has signed the catalog.');
    if (signer.signedAt) throw Problem.conflict('This signer has already signed the catalog.');
    if (signingRulesFor(this.config, catalog.municipalityCode).order === 'SEQUENTIAL') {
      const before = signers.find((s) => s.position < signer.position && !s.signedAt);
      if (before) {
        throw Problem.conflict(
          `Signing order is sequential: signer ${before.position + 1} (${before.role}) must sign before signer ${signer.position + 1}.`,
        );
      }
    }
  }

  /**
   * Reserves the person (one pending BankID order per person, a database rule), starts the
   * BankID order, then records the session and its first collect in one transaction.
   */
  async openSession(spec: OpenSessionSpec): Promise<SessionView> {
    const sessionId = await this.reserve(spec);
    let order;
    try {
      order = await this.provider.startSign({
        personalNumber: spec.personalNumber,
        endUserIp: spec.endUserIp,
        userVisibleData: spec.userVisibleData,
        userNonVisibleData: Buffer.from(spec.signedSha256, 'hex'),
        ...(spec.returnUrl ? { returnUrl: spec.returnUrl } : {}),
      });
    } catch (error) {
      const code = error instanceof ConnectorError ? error.code.replace(/^bankid\./, '') : 'startFailed';
      await this.finishSession(sessionId, 'FAILED', code, `BankID refused the order: ${code}`);
      throw error;
    }
    try {
      await this.orm.em.fork().transactional(async (tx) => {
        const session = await tx.findOneOrFail(SigningSession, sessionId);
        session.orderRef = order.orderRef;
        session.autoStartToken = order.autoStartToken;
        session.qrStartToken = order.qrStartToken;
        session.qrStartSecret = order.qrStartSecret;
        session.hintCode = 'outstandingTransaction';
        for (const item of spec.items) {
          recordEvent(tx, item.catalog.id, 'signing.started', spec.actor, {
            sessionId,
            purpose: spec.purpose,
            ...(item.signer ? { signer: item.signer.id, role: item.signer.role } : { role: 'APPROVER' }),
            ...(spec.manifest ? { manifestSha256: spec.signedSha256, catalogs: spec.items.length } : {}),
          });
        }
        requestStep(
          tx,
          'signing.collect',
          { sessionId, poll: 1 },
          { delayMs: this.config.workflow.collectIntervalMs },
        );
      });
    } catch (error) {
      // Never leave an order at BankID that no session tracks: it would block the signer's next try.
      await this.provider.cancel(order.orderRef).catch(() => undefined);
      await this.finishSession(sessionId, 'FAILED', 'internalError', 'could not record the session').catch(
        () => undefined,
      );
      throw error;
    }
    this.dispatcher.nudge();
    return this.get(spec.client, sessionId);
  }

  private async reserve(spec: OpenSessionSpec): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.orm.em.fork().transactional(async (tx) => {
          const first = spec.items[0];
          const session = tx.create(SigningSession, {
            catalog: tx.getReference(Catalog, first.catalog.id),
            signer: first.signer ? tx.getReference(Signer, first.signer.id) : undefined,
            purpose: spec.purpose,
            personalNumber: spec.personalNumber,
            activePerson: spec.personalNumber,
            clientId: spec.client.id,
            endUserIp: spec.endUserIp,
            sameDevice: spec.sameDevice ?? false,
            documentSha256: spec.signedSha256,
            userVisibleData: spec.userVisibleData,
            manifest: spec.manifest,
            pendingDecision: spec.pendingDecision,
          });
          for (const item of spec.items) {
            tx.create(SigningSessionItem, {
              session,
              catalog: tx.getReference(Catalog, item.catalog.id),
              signer: item.signer ? tx.getReference(Signer, item.signer.id) : undefined,
              documentSha256: item.documentSha256,
            });
          }
          return session.id;
        });
      } catch (error) {
        if (!(error instanceof UniqueConstraintViolationException) || attempt > 0) {
          if (error instanceof UniqueConstraintViolationException) throw personBusy();
          throw error;
        }
        // Someone holds the person. A reservation that never got an order (crash) is released.
        const em = this.orm.em.fork();
        const holder = await em.findOne(SigningSession, { activePerson: spec.personalNumber });
        if (
          holder &&
          holder.orderRef === '' &&
          Date.now() - holder.createdAt.getTime() > STALE_RESERVATION_MS
        ) {
          await this.finishSession(holder.id, 'FAILED', 'startFailed', 'reservation without a BankID order');
          continue;
        }
        if (holder) throw personBusy();
      }
    }
  }

  // ------------------------------------------------------------------ read, cancel

  async get(client: ApiClient, sessionId: string): Promise<SessionView> {
    const em = this.orm.em.fork();
    const session = isUuid(sessionId)
      ? await em.findOne(SigningSession, { id: sessionId, clientId: client.id })
      : null;
    if (!session) throw Problem.notFound('No such signing session.');
    const items = await em.find(SigningSessionItem, { session }, { orderBy: { catalog: 'asc' } });
    return this.view(
      session,
      items.map((i) => i.catalog.id),
    );
  }

  async cancel(client: ApiClient, sessionId: string, actor: EventActor): Promise<SessionView> {
    const em = this.orm.em.fork();
    const session = isUuid(sessionId)
      ? await em.findOne(SigningSession, { id: sessionId, clientId: client.id })
      : null;
    if (!session) throw Problem.notFound('No such signing session.');
    if (session.status === 'PENDING') {
      if (session.orderRef) await this.provider.cancel(session.orderRef).catch(ignoreGoneOrder);
      await this.finishSession(
        sessionId,
        'FAILED',
        'cancelled',
        'cancelled by the SAS',
        actor,
        'signing.cancelled',
      );
    }
    return this.get(client, sessionId);
  }

  /**
   * Cancels every pending session that covers the catalog (decline, withdraw): at BankID and here.
   * Runs before the caller's status change; a bulk session is cancelled as a whole.
   */
  async cancelSessionsFor(catalogId: string, actor: EventActor, reason: string): Promise<number> {
    const em = this.orm.em.fork();
    const items = await em.find(
      SigningSessionItem,
      { catalog: catalogId, session: { status: 'PENDING' } },
      { populate: ['session'] },
    );
    for (const item of items) {
      if (item.session.orderRef) await this.provider.cancel(item.session.orderRef).catch(ignoreGoneOrder);
      await this.finishSession(item.session.id, 'FAILED', 'cancelled', reason, actor, 'signing.cancelled');
    }
    return items.length;
  }

  // ------------------------------------------------------------------ collect

  /** One collect poll: pending → poll again in 2 s; failed → session over; complete → verify and record. */
  async collect(sessionId: string, poll: number): Promise<void> {
    const em = this.orm.em.fork();
    const session = await em.findOne(SigningSession, sessionId);
    if (!session || session.status !== 'PENDING' || !session.orderRef) return;
    const result = await this.provider.collect(session.orderRef);
    if (result.status === 'pending') {
      await em.transactional(async (tx) => {
        const current = await tx.findOneOrFail(SigningSession, sessionId);
        if (current.status !== 'PENDING') return;
        current.hintCode = result.hintCode;
        current.collectCount = poll;
        requestStep(
          tx,
          'signing.collect',
          { sessionId, poll: poll + 1 },
          { delayMs: this.config.workflow.collectIntervalMs },
        );
      });
      this.dispatcher.nudge();
      return;
    }
    if (result.status === 'failed') {
      await this.finishSession(
        sessionId,
        'FAILED',
        result.hintCode,
        `BankID order failed: ${result.hintCode}`,
      );
      return;
    }
    const completion = result.completion;
    const verification = await this.provider.verifyCompletion(completion, {
      personalNumber: session.personalNumber,
      userVisibleData: session.userVisibleData,
      userNonVisibleData: Buffer.from(session.documentSha256, 'hex'),
    });
    const checkedAt = new Date().toISOString();
    if (!verification.valid) {
      const failed = verification.checks.filter((c) => !c.ok).map((c) => c.name);
      await this.orm.em.fork().transactional(async (tx) => {
        tx.create(RejectedEvidence, {
          session: tx.getReference(SigningSession, sessionId),
          signatureXmlBase64: completion.signatureXmlBase64,
          ocspResponseBase64: completion.ocspResponseBase64,
          verification: { valid: false, checkedAt, checks: verification.checks },
        });
        for (const catalogId of await this.catalogIdsOf(tx, sessionId)) {
          recordEvent(tx, catalogId, 'signing.evidenceRejected', WORKER_ACTOR, {
            sessionId,
            failedChecks: failed,
          });
        }
      });
      await this.finishSession(
        sessionId,
        'FAILED',
        'verificationFailed',
        `Signature evidence rejected: ${failed.join(', ')}`,
      );
      return;
    }
    await this.orm.em.fork().transactional(async (tx) => {
      // Locked: a cancel or failure racing this completion waits, then sees it COMPLETE.
      const current = await tx.findOneOrFail(SigningSession, sessionId, forUpdate(this.config.database.url));
      if (current.status !== 'PENDING') return;
      current.status = 'COMPLETE';
      current.activePerson = null;
      current.hintCode = undefined;
      current.finishedAt = new Date();
      const handler = this.completionHandlers.get(current.purpose);
      if (!handler) throw new Error(`no completion handler for ${current.purpose} sessions`);
      await handler(tx, current, completion, verification);
    });
    this.dispatcher.nudge();
  }

  /** SIGN and BULK: a verified signature for every catalog the session covers. */
  private async recordSignatures(
    tx: EntityManager,
    session: SigningSession,
    completion: SigningCompletion,
    verification: EvidenceVerification,
  ): Promise<void> {
    const items = await tx.find(
      SigningSessionItem,
      { session },
      { populate: ['signer'], orderBy: { catalog: 'asc' } },
    );
    const now = new Date();
    for (const item of items) {
      // The catalog's row lock orders this against withdraw, decline and other signers (in id order: no deadlock).
      const catalog = await tx.findOneOrFail(Catalog, item.catalog.id, forUpdate(this.config.database.url));
      const signer = item.signer;
      if (
        !signer ||
        signer.signedAt ||
        catalog.status !== 'AWAITING_SIGNATURE' ||
        catalog.documentSha256 !== item.documentSha256
      ) {
        recordEvent(tx, catalog.id, 'signing.ignored', WORKER_ACTOR, {
          sessionId: session.id,
          reason: `catalog is ${catalog.status} or already signed by this signer`,
        });
        continue;
      }
      signer.signedAt = now;
      tx.create(Signature, {
        catalog,
        signer,
        session,
        personalNumber: completion.personalNumber,
        name: completion.name,
        documentSha256: item.documentSha256,
        manifest: session.manifest,
        manifestSha256: session.manifest ? session.documentSha256 : undefined,
        signatureXmlBase64: completion.signatureXmlBase64,
        ocspResponseBase64: completion.ocspResponseBase64,
        verification: { valid: true, checkedAt: now.toISOString(), checks: verification.checks },
        signedAt: now,
      });
      recordEvent(tx, catalog.id, 'signing.completed', WORKER_ACTOR, {
        sessionId: session.id,
        signer: signer.id,
        role: signer.role,
        verified: true,
        ...(session.manifest ? { bulk: true, manifestSha256: session.documentSha256 } : {}),
      });
      const signers = await tx.find(Signer, { catalog });
      if (signers.every((s) => s.signedAt)) transition(tx, catalog, 'AWAITING_APPROVAL', WORKER_ACTOR);
    }
  }

  private async catalogIdsOf(em: EntityManager, sessionId: string): Promise<string[]> {
    const items = await em.find(SigningSessionItem, { session: sessionId });
    return items.map((i) => i.catalog.id);
  }

  /** Ends a pending session (failed/cancelled) and releases the person. The catalogs stay where they are. */
  async finishSession(
    sessionId: string,
    status: 'FAILED',
    hintCode: string,
    reason: string,
    actor: EventActor = WORKER_ACTOR,
    eventType = 'signing.failed',
  ): Promise<void> {
    await this.orm.em.fork().transactional(async (tx) => {
      const current = await tx.findOne(SigningSession, sessionId, forUpdate(this.config.database.url));
      if (!current || current.status !== 'PENDING') return;
      current.status = status;
      current.hintCode = hintCode;
      current.activePerson = null;
      current.finishedAt = new Date();
      if (!current.orderRef) return; // a reservation that never became an order: nothing to report
      for (const catalogId of await this.catalogIdsOf(tx, sessionId)) {
        recordEvent(tx, catalogId, eventType, actor, { sessionId, hintCode, reason });
      }
    });
  }

  /**
   * Collecting gave up (e.g. a permanent BankID error): cancel the order at BankID too, or it would
   * keep the person busy and block the SAS's next attempt with alreadyInProgress.
   */
  private async giveUpCollecting(sessionId: string, error: Error): Promise<void> {
    const session = await this.orm.em.fork().findOne(SigningSession, sessionId);
    if (session?.status === 'PENDING' && session.orderRef) {
      await this.provider.cancel(session.orderRef).catch(ignoreGoneOrder);
    }
    await this.finishSession(sessionId, 'FAILED', 'collectFailed', error.message);
  }

  private view(session: SigningSession, catalogIds: string[]): SessionView {
    const pending = session.status === 'PENDING';
    const seconds = Math.max(0, Math.floor((Date.now() - session.createdAt.getTime()) / 1000));
    const status =
      session.status === 'PENDING' ? 'pending' : session.status === 'COMPLETE' ? 'complete' : 'failed';
    return {
      sessionId: session.id,
      catalogId: session.catalog.id,
      catalogIds,
      purpose: session.purpose,
      status: session.status,
      hintCode: session.hintCode ?? null,
      message: this.provider.userMessage(status, session.hintCode, { sameDevice: session.sameDevice }),
      qrData: pending && session.qrStartSecret ? this.provider.qrData(session, seconds) : null,
      autoStartToken: pending && session.autoStartToken ? session.autoStartToken : null,
    };
  }
}

function personBusy(): Problem {
  return Problem.conflict(
    'A BankID signing for this person is already in progress (one order per person at a time). Finish or cancel it (DELETE /api/v1/signing-sessions/{id}), then start again.',
  );
}

/** Cancelling an order BankID no longer knows is fine. */
function ignoreGoneOrder(error: unknown): void {
  if (error instanceof ConnectorError && error.code === 'bankid.invalidParameters') return;
  throw error;
}

/** The SAS sees only its own catalogs; anything else is 404, not 403. */
export async function findOwnCatalog(
  em: EntityManager,
  client: ApiClient,
  catalogId: string,
): Promise<Catalog> {
  const catalog = isUuid(catalogId)
    ? await em.findOne(Catalog, { id: catalogId, clientId: client.id })
    : null;
  if (!catalog) throw Problem.notFound('No such catalog.');
  return catalog;
}

/** 10 or 12 digits with or without separator and a valid check digit → the 12-digit form. */
export function parsePersonalNumberField(
  value: unknown,
  pointer: string,
  errors: ValidationIssue[],
): string | undefined {
  const result = typeof value === 'string' && value.length <= 20 ? normalizePersonalNumber(value) : undefined;
  if (!result || !result.ok) {
    errors.push({
      pointer,
      code: 'invalid_personal_number',
      detail: `${pointer.slice(1)} is not a valid personal number (10 or 12 digits with a valid check digit).`,
    });
    return undefined;
  }
  return result.value;
}

export function parseEndUserIp(value: unknown, errors: ValidationIssue[]): string {
  if (typeof value !== 'string') {
    errors.push({
      pointer: '/endUserIp',
      code: 'required',
      detail: "endUserIp (the end user's IP address) is required.",
    });
    return '';
  }
  const normalized = normalizeEndUserIp(value);
  if (!normalized)
    errors.push({
      pointer: '/endUserIp',
      code: 'invalid_ip',
      detail: 'endUserIp must be an IPv4 or IPv6 address.',
    });
  return normalized ?? '';
}

function parseStartRequest(body: unknown, bulk = false): StartSessionRequest & { catalogIds?: string[] } {
  const errors: ValidationIssue[] = [];
  const b = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  const endUserIp = parseEndUserIp(b.endUserIp, errors);
  const signerPersonalNumber =
    b.signerPersonalNumber !== undefined
      ? parsePersonalNumberField(b.signerPersonalNumber, '/signerPersonalNumber', errors)
      : undefined;
  if (b.sameDevice !== undefined && typeof b.sameDevice !== 'boolean') {
    errors.push({ pointer: '/sameDevice', code: 'invalid_type', detail: 'sameDevice must be a boolean.' });
  }
  if (b.returnUrl !== undefined) {
    let ok = false;
    try {
      ok =
        typeof b.returnUrl === 'string' &&
        b.returnUrl.length <= 2000 &&
        !hasUnsafeCharacters(b.returnUrl) &&
        new URL(b.returnUrl).protocol === 'https:';
    } catch {
      ok = false;
    }
    if (!ok)
      errors.push({
        pointer: '/returnUrl',
        code: 'invalid_url',
        detail: 'returnUrl must be an https URL (where BankID returns the user on the same device).',
      });
  }
  let catalogIds: string[] | undefined;
  if (bulk) {
    if (
      !Array.isArray(b.catalogIds) ||
      b.catalogIds.length === 0 ||
      b.catalogIds.some((id) => typeof id !== 'string')
    ) {
      errors.push({
        pointer: '/catalogIds',
        code: 'required',
        detail: 'catalogIds must be a non-empty array of catalog ids.',
      });
    } else if (b.catalogIds.length > MAX_BULK_CATALOGS) {
      errors.push({
        pointer: '/catalogIds',
        code: 'too_many',
        detail: `At most ${MAX_BULK_CATALOGS} catalogs in one BankID order.`,
      });
    } else if (
      new Set((b.catalogIds as string[]).map((id) => id.toLowerCase())).size !== b.catalogIds.length
    ) {
      errors.push({
        pointer: '/catalogIds',
        code: 'duplicate',
        detail: 'catalogIds must not repeat a catalog.',
      });
    } else catalogIds = (b.catalogIds as string[]).map((id) => id.toLowerCase());
  }
  rejectUnknownFields(
    b,
    ['endUserIp', 'signerPersonalNumber', 'sameDevice', 'returnUrl', ...(bulk ? ['catalogIds'] : [])],
    errors,
  );
  if (errors.length > 0) throw Problem.validation(errors);
  return {
    endUserIp,
    signerPersonalNumber,
    sameDevice: b.sameDevice as boolean | undefined,
    returnUrl: b.returnUrl as string | undefined,
    catalogIds,
  };
}
