import { Migration } from '@mikro-orm/migrations';

export class Migration20261203170407_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`catalogs\` (\`id\` text not null, \`client_id\` text not null, \`idempotency_key\` text not null, \`request_hash\` text not null, \`external_id\` text not null, \`municipality_code\` text not null, \`school_unit_code\` text not null, \`course_code\` text not null, \`status\` text check (\`status\` in ('RECEIVED', 'AWAITING_SIGNATURE', 'AWAITING_APPROVAL', 'DELIVERING', 'COMPLETED', 'DECLINED', 'REJECTED', 'WITHDRAWN', 'FAILED')) not null default 'RECEIVED', \`header\` json not null, \`entry_count\` integer not null, \`row_version\` integer not null default 1, \`document_sha256\` text null, \`failed_step\` text null, \`failure_reason\` text null, \`status_changed_at\` datetime not null, \`workflow_round\` integer not null default 0, \`stuck_reported_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`completed_at\` datetime null, primary key (\`id\`));`);
    this.addSql(`create index \`catalogs_school_unit_code_index\` on \`catalogs\` (\`school_unit_code\`);`);
    this.addSql(`create index \`catalogs_status_updated_at_index\` on \`catalogs\` (\`status\`, \`updated_at\`);`);
    this.addSql(`create unique index \`catalogs_client_id_idempotency_key_unique\` on \`catalogs\` (\`client_id\`, \`idempotency_key\`);`);

    this.addSql(`create table \`approvals\` (\`id\` text not null, \`catalog_id\` text not null, \`decision\` text not null, \`client_id\` text not null, \`approver_name\` text not null, \`approver_personal_number\` text null, \`comment\` text null, \`decided_at\` datetime not null, \`signature_xml_base64\` text null, \`ocsp_response_base64\` text null, \`verification\` json null, constraint \`approvals_catalog_id_foreign\` foreign key(\`catalog_id\`) references \`catalogs\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`approvals_catalog_id_index\` on \`approvals\` (\`catalog_id\`);`);

    this.addSql(`create table \`catalog_documents\` (\`id\` text not null, \`catalog_id\` text not null, \`kind\` text not null, \`content\` blob not null, \`sha256\` text not null, \`size\` integer not null, \`created_at\` datetime not null, constraint \`catalog_documents_catalog_id_foreign\` foreign key(\`catalog_id\`) references \`catalogs\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`catalog_documents_catalog_id_index\` on \`catalog_documents\` (\`catalog_id\`);`);

    this.addSql(`create table \`catalog_entries\` (\`id\` text not null, \`catalog_id\` text not null, \`position\` integer not null, \`student_personal_number\` text not null, \`given_name\` text not null, \`family_name\` text not null, \`security_marking\` text null, \`grade\` text not null, \`grade_date\` text not null, \`examination\` integer not null default false, \`previous_grade\` text null, \`thesis\` json null, \`specialization\` text null, constraint \`catalog_entries_catalog_id_foreign\` foreign key(\`catalog_id\`) references \`catalogs\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`catalog_entries_catalog_id_index\` on \`catalog_entries\` (\`catalog_id\`);`);
    this.addSql(`create index \`catalog_entries_student_personal_number_index\` on \`catalog_entries\` (\`student_personal_number\`);`);
    this.addSql(`create unique index \`catalog_entries_catalog_id_position_unique\` on \`catalog_entries\` (\`catalog_id\`, \`position\`);`);

    this.addSql(`create table \`catalog_events\` (\`id\` text not null, \`catalog_id\` text not null, \`type\` text not null, \`actor\` text not null, \`ip\` text null, \`data\` json null, \`at\` datetime not null, \`seq\` integer not null default 0, \`prev_hash\` text not null default '', \`hash\` text not null default '', primary key (\`id\`));`);
    this.addSql(`create index \`catalog_events_catalog_id_at_index\` on \`catalog_events\` (\`catalog_id\`, \`at\`);`);
    this.addSql(`create unique index \`catalog_events_catalog_id_seq_unique\` on \`catalog_events\` (\`catalog_id\`, \`seq\`);`);

    this.addSql(`create table \`catalog_event_heads\` (\`catalog_id\` text not null, \`seq\` integer not null, \`hash\` text not null, primary key (\`catalog_id\`));`);

    this.addSql(`create table \`deliveries\` (\`id\` text not null, \`catalog_id\` text not null, \`kind\` text not null, \`target\` text not null, \`delivery_key\` text not null, \`receipt\` json not null, \`created_at\` datetime not null, constraint \`deliveries_catalog_id_foreign\` foreign key(\`catalog_id\`) references \`catalogs\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`deliveries_catalog_id_index\` on \`deliveries\` (\`catalog_id\`);`);
    this.addSql(`create unique index \`deliveries_delivery_key_unique\` on \`deliveries\` (\`delivery_key\`);`);

    this.addSql(`create table \`outbox\` (\`id\` text not null, \`job_name\` text not null, \`job_id\` text not null, \`payload\` json not null, \`available_at\` datetime not null, \`dispatched_at\` datetime null, \`created_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create index \`outbox_dispatched_at_available_at_index\` on \`outbox\` (\`dispatched_at\`, \`available_at\`);`);

    this.addSql(`create table \`result_notifications\` (\`id\` text not null, \`catalog_id\` text not null, \`type\` text not null, \`event\` json not null, \`idempotency_key\` text not null, \`target\` text null, \`attempts\` integer not null default 0, \`last_error\` text null, \`delivered_at\` datetime null, \`failed_at\` datetime null, \`created_at\` datetime not null, constraint \`result_notifications_catalog_id_foreign\` foreign key(\`catalog_id\`) references \`catalogs\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`result_notifications_catalog_id_index\` on \`result_notifications\` (\`catalog_id\`);`);
    this.addSql(`create unique index \`result_notifications_idempotency_key_unique\` on \`result_notifications\` (\`idempotency_key\`);`);
    this.addSql(`create index \`result_notifications_delivered_at_index\` on \`result_notifications\` (\`delivered_at\`);`);

    this.addSql(`create table \`signers\` (\`id\` text not null, \`catalog_id\` text not null, \`position\` integer not null, \`role\` text check (\`role\` in ('GRADING_TEACHER', 'PRINCIPAL')) not null, \`personal_number\` text not null, \`name\` text not null, \`signed_at\` datetime null, constraint \`signers_catalog_id_foreign\` foreign key(\`catalog_id\`) references \`catalogs\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`signers_catalog_id_index\` on \`signers\` (\`catalog_id\`);`);
    this.addSql(`create index \`signers_personal_number_index\` on \`signers\` (\`personal_number\`);`);
    this.addSql(`create unique index \`signers_catalog_id_personal_number_unique\` on \`signers\` (\`catalog_id\`, \`personal_number\`);`);

    this.addSql(`create table \`signing_reminders\` (\`id\` text not null, \`catalog_id\` text not null, \`kind\` text not null, \`number\` integer not null, \`sent_at\` datetime not null, constraint \`signing_reminders_catalog_id_foreign\` foreign key(\`catalog_id\`) references \`catalogs\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`signing_reminders_catalog_id_index\` on \`signing_reminders\` (\`catalog_id\`);`);
    this.addSql(`create unique index \`signing_reminders_catalog_id_kind_number_unique\` on \`signing_reminders\` (\`catalog_id\`, \`kind\`, \`number\`);`);

    this.addSql(`create table \`signing_sessions\` (\`id\` text not null, \`catalog_id\` text not null, \`signer_id\` text null, \`purpose\` text check (\`purpose\` in ('SIGN', 'BULK', 'APPROVAL')) not null default 'SIGN', \`personal_number\` text not null, \`active_person\` text null, \`client_id\` text not null, \`order_ref\` text not null default '', \`auto_start_token\` text not null default '', \`qr_start_token\` text not null default '', \`qr_start_secret\` text not null default '', \`manifest\` text null, \`pending_decision\` json null, \`end_user_ip\` text not null, \`same_device\` integer not null default false, \`document_sha256\` text not null, \`user_visible_data\` text not null, \`status\` text check (\`status\` in ('PENDING', 'COMPLETE', 'FAILED')) not null default 'PENDING', \`hint_code\` text null, \`collect_count\` integer not null default 0, \`created_at\` datetime not null, \`finished_at\` datetime null, constraint \`signing_sessions_catalog_id_foreign\` foreign key(\`catalog_id\`) references \`catalogs\`(\`id\`) on delete cascade on update cascade, constraint \`signing_sessions_signer_id_foreign\` foreign key(\`signer_id\`) references \`signers\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`signing_sessions_catalog_id_index\` on \`signing_sessions\` (\`catalog_id\`);`);
    this.addSql(`create index \`signing_sessions_signer_id_index\` on \`signing_sessions\` (\`signer_id\`);`);
    this.addSql(`create unique index \`signing_sessions_active_person_unique\` on \`signing_sessions\` (\`active_person\`);`);
    this.addSql(`create index \`signing_sessions_status_index\` on \`signing_sessions\` (\`status\`);`);

    this.addSql(`create table \`signatures\` (\`id\` text not null, \`catalog_id\` text not null, \`signer_id\` text not null, \`session_id\` text not null, \`personal_number\` text not null, \`name\` text not null, \`document_sha256\` text not null, \`manifest\` text null, \`manifest_sha256\` text null, \`signature_xml_base64\` text not null, \`ocsp_response_base64\` text not null, \`verification\` json not null, \`signed_at\` datetime not null, constraint \`signatures_catalog_id_foreign\` foreign key(\`catalog_id\`) references \`catalogs\`(\`id\`) on delete cascade on update cascade, constraint \`signatures_signer_id_foreign\` foreign key(\`signer_id\`) references \`signers\`(\`id\`) on delete cascade on update cascade, constraint \`signatures_session_id_foreign\` foreign key(\`session_id\`) references \`signing_sessions\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`signatures_catalog_id_index\` on \`signatures\` (\`catalog_id\`);`);
    this.addSql(`create index \`signatures_signer_id_index\` on \`signatures\` (\`signer_id\`);`);
    this.addSql(`create index \`signatures_session_id_index\` on \`signatures\` (\`session_id\`);`);

    this.addSql(`create table \`rejected_evidence\` (\`id\` text not null, \`session_id\` text not null, \`signature_xml_base64\` text not null, \`ocsp_response_base64\` text not null, \`verification\` json not null, \`received_at\` datetime not null, constraint \`rejected_evidence_session_id_foreign\` foreign key(\`session_id\`) references \`signing_sessions\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`rejected_evidence_session_id_index\` on \`rejected_evidence\` (\`session_id\`);`);

    this.addSql(`create table \`signing_session_items\` (\`id\` text not null, \`session_id\` text not null, \`catalog_id\` text not null, \`signer_id\` text null, \`document_sha256\` text not null, constraint \`signing_session_items_session_id_foreign\` foreign key(\`session_id\`) references \`signing_sessions\`(\`id\`) on delete cascade on update cascade, constraint \`signing_session_items_catalog_id_foreign\` foreign key(\`catalog_id\`) references \`catalogs\`(\`id\`) on delete cascade on update cascade, constraint \`signing_session_items_signer_id_foreign\` foreign key(\`signer_id\`) references \`signers\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`signing_session_items_session_id_index\` on \`signing_session_items\` (\`session_id\`);`);
    this.addSql(`create index \`signing_session_items_catalog_id_index\` on \`signing_session_items\` (\`catalog_id\`);`);
    this.addSql(`create index \`signing_session_items_signer_id_index\` on \`signing_session_items\` (\`signer_id\`);`);
    this.addSql(`create unique index \`signing_session_items_session_id_catalog_id_unique\` on \`signing_session_items\` (\`session_id\`, \`catalog_id\`);`);
  }

}
