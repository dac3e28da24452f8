import { MikroORM } from '@mikro-orm/core';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { WORKER_ACTOR, recordEvent } from '../audit/events';
import { Approval } from '../approval/approval.entities';
import { Catalog, CatalogDocument } from '../catalogs/catalog.entities';
import { loadCatalogData } from '../catalogs/catalog.repository';
import { transition } from '../catalogs/catalog-transitions';
import type { HubConfig } from '../core/config/config.schema';
import type { ArchiveTarget } from '../core/connectors/ports';
import { ARCHIVE_TARGET, HUB_CONFIG } from '../core/tokens';
import { Signature } from '../signing/signing.entities';
import { JobHandlerRegistry } from '../workflow/job-handlers';
import { PermanentStepError } from '../workflow/processors';
import { markStepFailed } from '../workflow/step-failure';
import { ResultNotifier } from '../delivery/result-notifier.service';
import { Delivery } from './delivery.entities';
import { checkPackageProfile, MetsValidator } from './mets-validator';
import { SipPackageBuilder } from './sip-package.builder';

const SOFTWARE = { name: 'grade-catalog-hub', version: '0.1.0' };

/** Builds the E-ARK/FGS package, validates it, deposits it exactly once, and completes the catalog. */
@Injectable()
export class ArchiveService implements OnModuleInit {
  private readonly builder = new SipPackageBuilder();
  private readonly validator: MetsValidator;

  constructor(
    private readonly orm: MikroORM,
    @Inject(ARCHIVE_TARGET) private readonly target: ArchiveTarget,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly jobs: JobHandlerRegistry,
    private readonly notifier: ResultNotifier,
  ) {
    this.validator = new MetsValidator({ engine: config.archive.validatorEngine });
  }

  onModuleInit(): void {
    this.jobs.register('catalog.archive', {
      handle: ({ catalogId }) => this.archive(catalogId),
      onGiveUp: ({ catalogId }, error) => markStepFailed(this.orm, catalogId, 'catalog.archive', error),
    });
  }

  /** Stable per catalog version and archive target: the idempotency key of the deposit. */
  depositKey(catalogId: string, version = 1): string {
    return `${catalogId}-v${version}-${this.target.name}`;
  }

  async archive(catalogId: string): Promise<void> {
    const em = this.orm.em.fork();
    const catalog = await em.findOne(Catalog, catalogId);
    if (!catalog || catalog.status !== 'DELIVERING') return;
    const depositKey = this.depositKey(catalogId);

    // A retried step first asks whether the deposit already happened (receipt here, or at the peer).
    const recorded = await em.findOne(Delivery, { deliveryKey: depositKey });
    const receipt = recorded ? null : await this.depositPackage(em, catalog, depositKey);

    await em.fork().transactional(async (tx) => {
      const current = await tx.findOneOrFail(Catalog, catalogId);
      if (current.status !== 'DELIVERING') return;
      if (receipt) {
        tx.create(Delivery, {
          catalog: current,
          kind: 'ARCHIVE',
          target: this.target.name,
          deliveryKey: depositKey,
          receipt: { ...receipt },
        });
        recordEvent(tx, catalogId, 'archive.deposited', WORKER_ACTOR, { ...receipt });
      }
      transition(tx, current, 'COMPLETED', WORKER_ACTOR);
      // Writeback: the SAS learns the catalog is archived (no personal data in the event).
      const archived = receipt ?? (recorded?.receipt as { archiveReference?: string } | undefined);
      this.notifier.enqueue(tx, current, 'catalog.completed', {
        archiveReference: archived?.archiveReference,
      });
    });
  }

  private async depositPackage(em: ReturnType<MikroORM['em']['fork']>, catalog: Catalog, depositKey: string) {
    const existing = await this.target.findDeposit(depositKey);
    if (existing) return existing;
    const [document, signatures, approval, data] = await Promise.all([
      em.findOneOrFail(CatalogDocument, { catalog, kind: 'CATALOG' }, { populate: ['content'] }),
      em.find(
        Signature,
        { catalog },
        { populate: ['signer', 'signatureXmlBase64', 'ocspResponseBase64'], orderBy: { signedAt: 'asc' } },
      ),
      em.findOneOrFail(Approval, { catalog, decision: 'APPROVE' }),
      loadCatalogData(em, catalog),
    ]);
    const pkg = this.builder.build({
      catalogId: catalog.id,
      version: 1,
      createdAt: catalog.createdAt,
      catalog: data,
      documentPdf: document.content,
      documentSha256: document.sha256,
      signatures: signatures.map((s) => ({
        role: s.signer.role,
        signerPersonalNumber: s.personalNumber,
        signerName: s.name,
        signedAt: s.signedAt,
        signatureXml: Buffer.from(s.signatureXmlBase64, 'base64').toString('utf8'),
        ocspResponse: Buffer.from(s.ocspResponseBase64, 'base64'),
        verification: { ...s.verification, checkedAt: new Date(s.verification.checkedAt) },
        ...(s.manifest !== undefined && s.manifest !== null ? { bulkManifest: s.manifest } : {}),
      })),
      approval: {
        approverName: approval.approverName,
        approverId: approval.clientId,
        decidedAt: approval.decidedAt,
        comment: approval.comment,
      },
      submissionAgreement: this.config.archive.submissionAgreement,
      archivalCreator: this.config.archive.archivalCreator,
      software: SOFTWARE,
      packagedAt: new Date(),
    });
    // An invalid package is never sent: that is a defect to fix, not a fault to retry.
    const mets = pkg.files.find((f) => f.path === 'METS.xml');
    const schema = await this.validator.validate(mets ? mets.content.toString('utf8') : '');
    const profile = checkPackageProfile(pkg);
    if (!schema.valid || profile.length > 0) {
      throw new PermanentStepError(
        'archive.invalid_package',
        `Package failed validation: ${[...schema.errors, ...profile].slice(0, 5).join('; ')}`,
      );
    }
    return this.target.deposit(pkg, depositKey);
  }
}
