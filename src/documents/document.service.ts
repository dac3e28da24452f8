import { EntityManager, MikroORM } from '@mikro-orm/core';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { WORKER_ACTOR } from '../audit/events';
import { Catalog, CatalogDocument } from '../catalogs/catalog.entities';
import { loadCatalogData } from '../catalogs/catalog.repository';
import { transition } from '../catalogs/catalog-transitions';
import { JobHandlerRegistry } from '../workflow/job-handlers';
import { CatalogPdfRenderer } from './catalog-pdf.renderer';
import { markStepFailed } from '../workflow/step-failure';
import { sha256Hex } from '../core/hashing';

/** Renders the catalog PDF every signer signs, then opens the catalog for signing. */
@Injectable()
export class DocumentService implements OnModuleInit {
  private readonly renderer = new CatalogPdfRenderer();

  constructor(
    private readonly orm: MikroORM,
    private readonly jobs: JobHandlerRegistry,
  ) {}

  onModuleInit(): void {
    this.jobs.register('catalog.render', {
      handle: ({ catalogId }) => this.renderForSigning(catalogId),
      onGiveUp: ({ catalogId }, error) => markStepFailed(this.orm, catalogId, 'catalog.render', error),
    });
  }

  async renderForSigning(catalogId: string): Promise<void> {
    const em = this.orm.em.fork();
    const catalog = await em.findOne(Catalog, catalogId);
    if (!catalog || catalog.status !== 'RECEIVED') return; // already done or withdrawn: idempotent
    const pdf = await this.renderer.render({
      catalogId: catalog.id,
      version: 1,
      createdAt: catalog.createdAt,
      catalog: await loadCatalogData(em, catalog),
    });
    const sha256 = sha256Hex(pdf);
    await this.orm.em.fork().transactional(async (tx: EntityManager) => {
      const current = await tx.findOneOrFail(Catalog, catalogId);
      if (current.status !== 'RECEIVED') return; // withdrawn or rendered by a parallel attempt meanwhile
      tx.create(CatalogDocument, {
        catalog: current,
        kind: 'CATALOG',
        content: pdf,
        sha256,
        size: pdf.length,
      });
      current.documentSha256 = sha256;
      transition(tx, current, 'AWAITING_SIGNATURE', WORKER_ACTOR, { documentSha256: sha256 });
    });
  }
}
