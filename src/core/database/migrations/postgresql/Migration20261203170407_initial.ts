import { Migration } from '@mikro-orm/migrations';

export class Migration20261203170407_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "catalogs" ("id" uuid not null, "client_id" varchar(100) not null, "idempotency_key" varchar(200) not null, "request_hash" varchar(64) not null, "external_id" varchar(200) not null, "municipality_code" varchar(4) not null, "school_unit_code" varchar(8) not null, "course_code" varchar(20) not null, "status" text check ("status" in ('RECEIVED', 'AWAITING_SIGNATURE', 'AWAITING_APPROVAL', 'DELIVERING', 'COMPLETED', 'DECLINED', 'REJECTED', 'WITHDRAWN', 'FAILED')) not null default 'RECEIVED', "header" jsonb not null, "entry_count" int not null, "row_version" int not null default 1, "document_sha256" varchar(64) null, "failed_step" varchar(60) null, "failure_reason" text null, "status_changed_at" timestamptz not null, "workflow_round" int not null default 0, "stuck_reported_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "completed_at" timestamptz null, constraint "catalogs_pkey" primary key ("id"));`);
    this.addSql(`create index "catalogs_school_unit_code_index" on "catalogs" ("school_unit_code");`);
    this.addSql(`create index "catalogs_status_updated_at_index" on "catalogs" ("status", "updated_at");`);
    this.addSql(`alter table "catalogs" add constraint "catalogs_client_id_idempotency_key_unique" unique ("client_id", "idempotency_key");`);

    this.addSql(`create table "approvals" ("id" uuid not null, "catalog_id" uuid not null, "decision" varchar(10) not null, "client_id" varchar(100) not null, "approver_name" varchar(200) not null, "approver_personal_number" varchar(12) null, "comment" text null, "decided_at" timestamptz not null, "signature_xml_base64" text null, "ocsp_response_base64" text null, "verification" jsonb null, constraint "approvals_pkey" primary key ("id"));`);

    this.addSql(`create table "catalog_documents" ("id" uuid not null, "catalog_id" uuid not null, "kind" varchar(20) not null, "content" bytea not null, "sha256" varchar(64) not null, "size" int not null, "created_at" timestamptz not null, constraint "catalog_documents_pkey" primary key ("id"));`);

    this.addSql(`create table "catalog_entries" ("id" uuid not null, "catalog_id" uuid not null, "position" int not null, "student_personal_number" varchar(12) not null, "given_name" varchar(100) not null, "family_name" varchar(100) not null, "security_marking" varchar(40) null, "grade" varchar(3) not null, "grade_date" varchar(10) not null, "examination" boolean not null default false, "previous_grade" varchar(3) null, "thesis" jsonb null, "specialization" varchar(200) null, constraint "catalog_entries_pkey" primary key ("id"));`);
    this.addSql(`create index "catalog_entries_student_personal_number_index" on "catalog_entries" ("student_personal_number");`);
    this.addSql(`alter table "catalog_entries" add constraint "catalog_entries_catalog_id_position_unique" unique ("catalog_id", "position");`);

    this.addSql(`create table "catalog_events" ("id" uuid not null, "catalog_id" uuid not null, "type" varchar(60) not null, "actor" varchar(100) not null, "ip" varchar(45) null, "data" jsonb null, "at" timestamptz(3) not null, "seq" int not null default 0, "prev_hash" varchar(64) not null default '', "hash" varchar(64) not null default '', constraint "catalog_events_pkey" primary key ("id"));`);
    this.addSql(`create index "catalog_events_catalog_id_at_index" on "catalog_events" ("catalog_id", "at");`);
    this.addSql(`alter table "catalog_events" add constraint "catalog_events_catalog_id_seq_unique" unique ("catalog_id", "seq");`);

    this.addSql(`create table "catalog_event_heads" ("catalog_id" uuid not null, "seq" int not null, "hash" varchar(64) not null, constraint "catalog_event_heads_pkey" primary key ("catalog_id"));`);

    this.addSql(`create table "deliveries" ("id" uuid not null, "catalog_id" uuid not null, "kind" varchar(20) not null, "target" varchar(100) not null, "delivery_key" varchar(200) not null, "receipt" jsonb not null, "created_at" timestamptz not null, constraint "deliveries_pkey" primary key ("id"));`);
    this.addSql(`alter table "deliveries" add constraint "deliveries_delivery_key_unique" unique ("delivery_key");`);

    this.addSql(`create table "outbox" ("id" uuid not null, "job_name" varchar(60) not null, "job_id" varchar(200) not null, "payload" jsonb not null, "available_at" timestamptz(3) not null, "dispatched_at" timestamptz(3) null, "created_at" timestamptz(3) not null, constraint "outbox_pkey" primary key ("id"));`);
    this.addSql(`create index "outbox_dispatched_at_available_at_index" on "outbox" ("dispatched_at", "available_at");`);

    this.addSql(`create table "result_notifications" ("id" uuid not null, "catalog_id" uuid not null, "type" varchar(60) not null, "event" jsonb not null, "idempotency_key" varchar(200) not null, "target" varchar(100) null, "attempts" int not null default 0, "last_error" text null, "delivered_at" timestamptz null, "failed_at" timestamptz null, "created_at" timestamptz not null, constraint "result_notifications_pkey" primary key ("id"));`);
    this.addSql(`alter table "result_notifications" add constraint "result_notifications_idempotency_key_unique" unique ("idempotency_key");`);
    this.addSql(`create index "result_notifications_delivered_at_index" on "result_notifications" ("delivered_at");`);

    this.addSql(`create table "signers" ("id" uuid not null, "catalog_id" uuid not null, "position" int not null, "role" text check ("role" in ('GRADING_TEACHER', 'PRINCIPAL')) not null, "personal_number" varchar(12) not null, "name" varchar(200) not null, "signed_at" timestamptz null, constraint "signers_pkey" primary key ("id"));`);
    this.addSql(`create index "signers_personal_number_index" on "signers" ("personal_number");`);
    this.addSql(`alter table "signers" add constraint "signers_catalog_id_personal_number_unique" unique ("catalog_id", "personal_number");`);

    this.addSql(`create table "signing_reminders" ("id" uuid not null, "catalog_id" uuid not null, "kind" varchar(20) not null, "number" int not null, "sent_at" timestamptz not null, constraint "signing_reminders_pkey" primary key ("id"));`);
    this.addSql(`alter table "signing_reminders" add constraint "signing_reminders_catalog_id_kind_number_unique" unique ("catalog_id", "kind", "number");`);

    this.addSql(`create table "signing_sessions" ("id" uuid not null, "catalog_id" uuid not null, "signer_id" uuid null, "purpose" text check ("purpose" in ('SIGN', 'BULK', 'APPROVAL')) not null default 'SIGN', "personal_number" varchar(12) not null, "active_person" varchar(12) null, "client_id" varchar(100) not null, "order_ref" varchar(100) not null default '', "auto_start_token" varchar(100) not null default '', "qr_start_token" varchar(100) not null default '', "qr_start_secret" varchar(100) not null default '', "manifest" text null, "pending_decision" jsonb null, "end_user_ip" varchar(45) not null, "same_device" boolean not null default false, "document_sha256" varchar(64) not null, "user_visible_data" text not null, "status" text check ("status" in ('PENDING', 'COMPLETE', 'FAILED')) not null default 'PENDING', "hint_code" varchar(60) null, "collect_count" int not null default 0, "created_at" timestamptz not null, "finished_at" timestamptz null, constraint "signing_sessions_pkey" primary key ("id"));`);
    this.addSql(`alter table "signing_sessions" add constraint "signing_sessions_active_person_unique" unique ("active_person");`);
    this.addSql(`create index "signing_sessions_status_index" on "signing_sessions" ("status");`);

    this.addSql(`create table "signatures" ("id" uuid not null, "catalog_id" uuid not null, "signer_id" uuid not null, "session_id" uuid not null, "personal_number" varchar(12) not null, "name" varchar(200) not null, "document_sha256" varchar(64) not null, "manifest" text null, "manifest_sha256" varchar(64) null, "signature_xml_base64" text not null, "ocsp_response_base64" text not null, "verification" jsonb not null, "signed_at" timestamptz not null, constraint "signatures_pkey" primary key ("id"));`);

    this.addSql(`create table "rejected_evidence" ("id" uuid not null, "session_id" uuid not null, "signature_xml_base64" text not null, "ocsp_response_base64" text not null, "verification" jsonb not null, "received_at" timestamptz not null, constraint "rejected_evidence_pkey" primary key ("id"));`);

    this.addSql(`create table "signing_session_items" ("id" uuid not null, "session_id" uuid not null, "catalog_id" uuid not null, "signer_id" uuid null, "document_sha256" varchar(64) not null, constraint "signing_session_items_pkey" primary key ("id"));`);
    this.addSql(`alter table "signing_session_items" add constraint "signing_session_items_session_id_catalog_id_unique" unique ("session_id", "catalog_id");`);

    this.addSql(`alter table "approvals" add constraint "approvals_catalog_id_foreign" foreign key ("catalog_id") references "catalogs" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "catalog_documents" add constraint "catalog_documents_catalog_id_foreign" foreign key ("catalog_id") references "catalogs" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "catalog_entries" add constraint "catalog_entries_catalog_id_foreign" foreign key ("catalog_id") references "catalogs" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "deliveries" add constraint "deliveries_catalog_id_foreign" foreign key ("catalog_id") references "catalogs" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "result_notifications" add constraint "result_notifications_catalog_id_foreign" foreign key ("catalog_id") references "catalogs" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "signers" add constraint "signers_catalog_id_foreign" foreign key ("catalog_id") references "catalogs" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "signing_reminders" add constraint "signing_reminders_catalog_id_foreign" foreign key ("catalog_id") references "catalogs" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "signing_sessions" add constraint "signing_sessions_catalog_id_foreign" foreign key ("catalog_id") references "catalogs" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "signing_sessions" add constraint "signing_sessions_signer_id_foreign" foreign key ("signer_id") references "signers" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "signatures" add constraint "signatures_catalog_id_foreign" foreign key ("catalog_id") references "catalogs" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "signatures" add constraint "signatures_signer_id_foreign" foreign key ("signer_id") references "signers" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "signatures" add constraint "signatures_session_id_foreign" foreign key ("session_id") references "signing_sessions" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "rejected_evidence" add constraint "rejected_evidence_session_id_foreign" foreign key ("session_id") references "signing_sessions" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "signing_session_items" add constraint "signing_session_items_session_id_foreign" foreign key ("session_id") references "signing_sessions" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "signing_session_items" add constraint "signing_session_items_catalog_id_foreign" foreign key ("catalog_id") references "catalogs" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "signing_session_items" add constraint "signing_session_items_signer_id_foreign" foreign key ("signer_id") references "signers" ("id") on update cascade on delete cascade;`);
  }

}
