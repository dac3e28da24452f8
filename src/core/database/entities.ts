import { Approval } from '../../approval/approval.entities';
import { Delivery } from '../../archive/delivery.entities';
import { CatalogEvent } from '../../audit/catalog-event.entity';
import { Catalog, CatalogDocument, CatalogEntry, Signer } from '../../catalogs/catalog.entities';
import { Signature, SigningSession } from '../../signing/signing.entities';
import { OutboxMessage } from '../../workflow/outbox.entity';

/** Every entity of the hub; one list so migrations and the ORM agree. */
export const ALL_ENTITIES = [
  Catalog,
  CatalogEntry,
  Signer,
  CatalogDocument,
  SigningSession,
  Signature,
  Approval,
  Delivery,
  CatalogEvent,
  OutboxMessage,
];
