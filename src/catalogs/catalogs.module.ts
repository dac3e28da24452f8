import { Module } from '@nestjs/common';
import { CatalogIngestService } from './catalog-ingest.service';
import { CatalogQueryService } from './catalog-query.service';
import { CatalogsController } from './catalogs.controller';

@Module({
  controllers: [CatalogsController],
  providers: [CatalogIngestService, CatalogQueryService],
  exports: [CatalogQueryService],
})
export class CatalogsModule {}
