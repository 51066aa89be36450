-- Reconciliation runs: one vendor's whole state compared with the register, drift repaired (or, in a dry run, only
-- counted). Only one run per connector at a time.
create table reconcile_run (
    id              varchar(36) primary key,
    connector       varchar(64) not null,
    dry_run         boolean not null,
    status          varchar(16) not null check (status in ('running', 'completed', 'failed')),
    scanned         bigint not null default 0,
    optout_repair   bigint not null default 0,
    vendor_optout   bigint not null default 0,
    reimport        bigint not null default 0,
    unknown_contact bigint not null default 0,
    started_at      timestamp with time zone not null,
    finished_at     timestamp with time zone,
    error           varchar(256)
);
create index reconcile_run_connector on reconcile_run (connector, status);

-- The first actions of a run, for its report (ids only, no personal data).
create table reconcile_action (
    run_id     varchar(36) not null references reconcile_run (id),
    seq        int not null,
    rule       varchar(24) not null,
    subject_id varchar(36),
    action     varchar(64) not null,
    status     varchar(24) not null,
    primary key (run_id, seq)
);

-- A subject first seen in a vendor, with no consent on record (for the risk report).
alter table subject add column unconsented_source varchar(64);
