import { EntityManager, MikroORM } from '@mikro-orm/core';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { isIP } from 'node:net';
import { EventActor, recordEvent, WORKER_ACTOR } from '../audit/events';
import { Catalog, Signer } from '../catalogs/catalog.entities';
import { loadCatalogData } from '../catalogs/catalog.repository';
import { transition } from '../catalogs/catalog-transitions';
import { ApiClient } from '../core/auth/api-clients';
import type { HubConfig } from '../core/config/config.schema';
import type { SigningProvider } from '../core/connectors/ports';
import { Problem } from '../core/http/problem';
import { HUB_CONFIG, SIGNING_PROVIDER } from '../core/tokens';
import { JobHandlerRegistry } from '../workflow/job-handlers';
import { requestStep } from '../workflow/outbox';
import { OutboxDispatcher } from '../workflow/outbox.dispatcher';
import { Signature, SigningSession } from './signing.entities';
import { signingSummary } from './visible-data';

export interface StartSessionRequest {
  signerPersonalNumber?: string;
  endUserIp: string;
  sameDevice?: boolean;
}

export interface SessionView {
  sessionId: string;
  catalogId: string;
  status: SigningSession['status'];
  hintCode: string | null;
  message: { code: string; text: string };
  qrData: string | null;
  autoStartToken: string | null;
}

/** IPv4-mapped IPv6 (::ffff:1.2.3.4) is the IPv4 address BankID expects. */
export function normalizeEndUserIp(raw: string): string | null {
  const trimmed = raw.trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  const candidate = mapped ? mapped[1] : trimmed;
  return isIP(candidate) ? candidate : null;
}

@Injectable()
export class SigningService implements OnModuleInit {
  constructor(
    private readonly orm: MikroORM,
    @Inject(SIGNING_PROVIDER) private readonly provider: SigningProvider,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly jobs: JobHandlerRegistry,
    private readonly dispatcher: OutboxDispatcher,
  ) {}

  onModuleInit(): void {
    this.jobs.register('signing.collect', {
      handle: ({ sessionId, poll }) => this.collect(sessionId, poll),
      onGiveUp: ({ sessionId }, error) => this.failSession(sessionId, 'collectFailed', error.message),
    });
  }

  async start(client: ApiClient, catalogId: string, body: unknown, actor: EventActor): Promise<SessionView> {
    const request = parseStartRequest(body);
    const em = this.orm.em.fork();
    const catalog = await findOwnCatalog(em, client, catalogId);
    if (catalog.status !== 'AWAITING_SIGNATURE') {
      throw Problem.conflict(`The catalog is ${catalog.status}; signing is possible only in AWAITING_SIGNATURE.`);
    }
    const signers = await em.find(Signer, { catalog }, { orderBy: { position: 'asc' } });
    const unsigned = signers.filter((s) => !s.signedAt);
    let signer: Signer | undefined;
    if (request.signerPersonalNumber) {
      signer = signers.find((s) => s.personalNumber === request.signerPersonalNumber);
      if (!signer) {
        throw Problem.validation([{ pointer: '/signerPersonalNumber', code: 'not_a_signer', detail: 'This person is not a required signer of the catalog.' }]);
      }
      if (signer.signedAt) throw Problem.conflict('This signer has already signed the catalog.');
    } else if (unsigned.length === 1) {
      signer = unsigned[0];
    } else {
      throw Problem.validation([{ pointer: '/signerPersonalNumber', code: 'required', detail: 'The catalog has several unsigned signers: say which one signs.' }]);
    }
    const pending = await em.count(SigningSession, { signer, status: 'PENDING' });
    if (pending > 0) throw Problem.conflict('A signing session for this signer is already in progress; cancel it or wait for it to finish.');

    const data = await loadCatalogData(em, catalog);
    const documentSha256 = catalog.documentSha256!;
    const userVisibleData = signingSummary(data, documentSha256);
    const order = await this.provider.startSign({
      personalNumber: signer.personalNumber,
      endUserIp: request.endUserIp,
      userVisibleData,
      userNonVisibleData: Buffer.from(documentSha256, 'hex'),
    });
    const signerId = signer.id;
    const session = await this.orm.em
      .fork()
      .transactional(async (tx) => {
        const session = tx.create(SigningSession, {
          catalog: tx.getReference(Catalog, catalog.id),
          signer: tx.getReference(Signer, signerId),
        clientId: client.id,
        orderRef: order.orderRef,
        autoStartToken: order.autoStartToken,
        qrStartToken: order.qrStartToken,
        qrStartSecret: order.qrStartSecret,
        endUserIp: request.endUserIp,
        documentSha256,
        userVisibleData,
          hintCode: 'outstandingTransaction',
        });
        recordEvent(tx, catalog.id, 'signing.started', actor, { sessionId: session.id, signer: signerId });
        requestStep(tx, 'signing.collect', { sessionId: session.id, poll: 1 }, { delayMs: this.config.workflow.collectIntervalMs });
        return session;
      })
      .catch(async (error: unknown) => {
        // Never leave an order at BankID that no session tracks: it would block the signer's next try.
        await this.provider.cancel(order.orderRef).catch(() => undefined);
        throw error;
      });
    this.dispatcher.nudge();
    return this.view(session);
  }

  async get(client: ApiClient, sessionId: string): Promise<SessionView> {
    const session = await this.orm.em.fork().findOne(SigningSession, { id: sessionId, clientId: client.id });
    if (!session) throw Problem.notFound('No such signing session.');
    return this.view(session);
  }

  async cancel(client: ApiClient, sessionId: string, actor: EventActor): Promise<SessionView> {
    const em = this.orm.em.fork();
    const session = await em.findOne(SigningSession, { id: sessionId, clientId: client.id });
    if (!session) throw Problem.notFound('No such signing session.');
    if (session.status !== 'PENDING') return this.view(session);
    await this.provider.cancel(session.orderRef);
    await em.transactional(async (tx) => {
      const current = await tx.findOneOrFail(SigningSession, sessionId);
      if (current.status !== 'PENDING') return;
      current.status = 'FAILED';
      current.hintCode = 'cancelled';
      current.finishedAt = new Date();
      recordEvent(tx, current.catalog.id, 'signing.cancelled', actor, { sessionId });
    });
    return this.view(await em.fork().findOneOrFail(SigningSession, sessionId));
  }

  /** One collect poll: pending → poll again in 2 s; failed → session over; complete → verify and record. */
  async collect(sessionId: string, poll: number): Promise<void> {
    const em = this.orm.em.fork();
    const session = await em.findOne(SigningSession, sessionId, { populate: ['signer'] });
    if (!session || session.status !== 'PENDING') return;
    const result = await this.provider.collect(session.orderRef);
    if (result.status === 'pending') {
      await em.transactional(async (tx) => {
        const current = await tx.findOneOrFail(SigningSession, sessionId);
        if (current.status !== 'PENDING') return;
        current.hintCode = result.hintCode;
        current.collectCount = poll;
        requestStep(tx, 'signing.collect', { sessionId, poll: poll + 1 }, { delayMs: this.config.workflow.collectIntervalMs });
      });
      this.dispatcher.nudge();
      return;
    }
    if (result.status === 'failed') {
      await this.failSession(sessionId, result.hintCode, `BankID order failed: ${result.hintCode}`);
      return;
    }
    const completion = result.completion;
    const verification = await this.provider.verifyCompletion(completion, {
      personalNumber: session.signer.personalNumber,
      userVisibleData: session.userVisibleData,
      userNonVisibleData: Buffer.from(session.documentSha256, 'hex'),
    });
    if (!verification.valid) {
      const failed = verification.checks.filter((c) => !c.ok).map((c) => c.name);
      await this.failSession(sessionId, 'verificationFailed', `Signature evidence rejected: ${failed.join(', ')}`);
      return;
    }
    await em.transactional(async (tx) => {
      const current = await tx.findOneOrFail(SigningSession, sessionId, { populate: ['signer', 'catalog'] });
      if (current.status !== 'PENDING') return;
      const now = new Date();
      current.status = 'COMPLETE';
      current.hintCode = undefined;
      current.finishedAt = now;
      current.signer.signedAt = now;
      tx.create(Signature, {
        catalog: current.catalog,
        signer: current.signer,
        session: current,
        personalNumber: completion.personalNumber,
        name: completion.name,
        documentSha256: current.documentSha256,
        signatureXmlBase64: completion.signatureXmlBase64,
        ocspResponseBase64: completion.ocspResponseBase64,
        verification: { valid: true, checkedAt: now.toISOString(), checks: verification.checks },
        signedAt: now,
      });
      recordEvent(tx, current.catalog.id, 'signing.completed', WORKER_ACTOR, {
        sessionId,
        signer: current.signer.id,
        role: current.signer.role,
        verified: true,
      });
      const signers = await tx.find(Signer, { catalog: current.catalog });
      if (signers.every((s) => s.signedAt) && current.catalog.status === 'AWAITING_SIGNATURE') {
        transition(tx, current.catalog, 'AWAITING_APPROVAL', WORKER_ACTOR);
      }
    });
  }

  private async failSession(sessionId: string, hintCode: string, reason: string): Promise<void> {
    await this.orm.em.fork().transactional(async (tx) => {
      const current = await tx.findOne(SigningSession, sessionId);
      if (!current || current.status !== 'PENDING') return;
      current.status = 'FAILED';
      current.hintCode = hintCode;
      current.finishedAt = new Date();
      // The catalog stays AWAITING_SIGNATURE: the SAS may start a new session.
      recordEvent(tx, current.catalog.id, 'signing.failed', WORKER_ACTOR, { sessionId, hintCode, reason });
    });
  }

  private view(session: SigningSession): SessionView {
    const pending = session.status === 'PENDING';
    const seconds = Math.max(0, Math.floor((Date.now() - session.createdAt.getTime()) / 1000));
    const status = session.status === 'PENDING' ? 'pending' : session.status === 'COMPLETE' ? 'complete' : 'failed';
    return {
      sessionId: session.id,
      catalogId: session.catalog.id,
      status: session.status,
      hintCode: session.hintCode ?? null,
      message: this.provider.userMessage(status, session.hintCode),
      qrData: pending ? this.provider.qrData(session, seconds) : null,
      autoStartToken: pending ? session.autoStartToken : null,
    };
  }
}

/** The SAS sees only its own catalogs; anything else is 404, not 403. */
export async function findOwnCatalog(em: EntityManager, client: ApiClient, catalogId: string): Promise<Catalog> {
  const catalog = /^[0-9a-f-]{36}$/i.test(catalogId) ? await em.findOne(Catalog, { id: catalogId, clientId: client.id }) : null;
  if (!catalog) throw Problem.notFound('No such catalog.');
  return catalog;
}

function parseStartRequest(body: unknown): StartSessionRequest {
  const errors = [];
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  let endUserIp = '';
  if (typeof b.endUserIp !== 'string') {
    errors.push({ pointer: '/endUserIp', code: 'required', detail: 'endUserIp (the end user\'s IP address) is required.' });
  } else {
    const normalized = normalizeEndUserIp(b.endUserIp);
    if (!normalized) errors.push({ pointer: '/endUserIp', code: 'invalid_ip', detail: 'endUserIp must be an IPv4 or IPv6 address.' });
    else endUserIp = normalized;
  }
  let signerPersonalNumber: string | undefined;
  if (b.signerPersonalNumber !== undefined) {
    const digits = typeof b.signerPersonalNumber === 'string' ? b.signerPersonalNumber.replace(/[-+]/g, '') : '';
    if (!/^\d{12}$/.test(digits)) {
      errors.push({ pointer: '/signerPersonalNumber', code: 'invalid_personal_number', detail: 'signerPersonalNumber must be 12 digits.' });
    } else signerPersonalNumber = digits;
  }
  if (b.sameDevice !== undefined && typeof b.sameDevice !== 'boolean') {
    errors.push({ pointer: '/sameDevice', code: 'invalid_type', detail: 'sameDevice must be a boolean.' });
  }
  const known = new Set(['endUserIp', 'signerPersonalNumber', 'sameDevice']);
  for (const key of Object.keys(b)) {
    if (!known.has(key)) errors.push({ pointer: `/${key}`, code: 'unknown_field', detail: `Unknown field "${key}".` });
  }
  if (errors.length > 0) throw Problem.validation(errors);
  return { endUserIp, signerPersonalNumber, sameDevice: b.sameDevice as boolean | undefined };
}
