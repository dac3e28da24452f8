import { Approval } from '../../approval/approval.entities';
import { Delivery } from '../../archive/delivery.entities';
import { CatalogEvent, CatalogEventHead } from '../../audit/catalog-event.entity';
import { ResultNotification } from '../../delivery/result-notification.entity';
import { Catalog, CatalogDocument, CatalogEntry, Signer } from '../../catalogs/catalog.entities';
import {
  RejectedEvidence,
  Signature,
  SigningReminder,
  SigningSession,
  SigningSessionItem,
} from '../../signing/signing.entities';
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
  CatalogEventHead,
  SigningSessionItem,
  RejectedEvidence,
  SigningReminder,
  ResultNotification,
  OutboxMessage,
];
