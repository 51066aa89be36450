-- Data-subject requests (GDPR Art. 12, 15-21; CCPA) with their deadlines and per-vendor progress.
create table dsr (
    id                      varchar(36) primary key,
    type                    varchar(16) not null
                            check (type in ('erasure', 'access', 'rectification', 'restriction', 'objection')),
    regulation              varchar(8) not null check (regulation in ('gdpr', 'ccpa')),
    subject_id              varchar(36) not null references subject (id),
    status                  varchar(24) not null check (status in ('identity_unverified', 'pending', 'in_progress',
                            'completed', 'failed', 'action_required', 'cancelled')),
    received_at             timestamp with time zone not null,
    due_at                  timestamp with time zone not null,
    extended_at             timestamp with time zone,
    extension_reason        varchar(1000),
    verification_hash       varchar(64),                 -- SHA-256 of the single-use link's token
    verification_expires_at timestamp with time zone,
    purposes                varchar(512),                -- objection: the purposes objected to
    filed_by                varchar(64) not null,        -- API key name
    updated_at              timestamp with time zone not null
);
create index dsr_status_due on dsr (status, due_at);
create unique index dsr_verification on dsr (verification_hash);

create table dsr_vendor (
    request_id varchar(36) not null references dsr (id),
    connector  varchar(64) not null,
    status     varchar(24) not null check (status in ('queued', 'submitted', 'completed', 'verified', 'not_found',
               'failed', 'action_required', 'skipped')),
    detail     varchar(256),
    updated_at timestamp with time zone not null,
    primary key (request_id, connector)
);

-- After an erasure only a keyed hash of each identity is kept, to prove the erasure and to recognise the person if
-- a vendor sync re-imports them.
create table suppression (
    lookup_hash varchar(64) primary key,
    kind        varchar(16) not null,
    request_id  varchar(36) not null,
    erased_at   timestamp with time zone not null
);

alter table outbox_command add column request_id varchar(36);
