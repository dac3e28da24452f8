import { EntityManager } from '@mikro-orm/core';
import { Catalog, CatalogEntry } from './catalog.entities';
import type { CatalogData } from './catalog.types';

/** Rebuilds the validated submission from the stored header and entry rows. */
export async function loadCatalogData(em: EntityManager, catalog: Catalog): Promise<CatalogData> {
  const entries = await em.find(CatalogEntry, { catalog }, { orderBy: { position: 'asc' } });
  return {
    ...catalog.header,
    entries: entries.map((e) => ({
      student: {
        personalNumber: e.studentPersonalNumber,
        givenName: e.givenName,
        familyName: e.familyName,
        ...(e.securityMarking
          ? {
              securityMarking:
                e.securityMarking as CatalogData['entries'][number]['student']['securityMarking'],
            }
          : {}),
      },
      grade: e.grade,
      gradeDate: e.gradeDate,
      ...(e.examination ? { examination: true } : {}),
      ...(e.previousGrade ? { previousGrade: e.previousGrade } : {}),
      ...(e.thesis ? { thesis: e.thesis } : {}),
      ...(e.specialization ? { specialization: e.specialization } : {}),
    })),
  };
}
