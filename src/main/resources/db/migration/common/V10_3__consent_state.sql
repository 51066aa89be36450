-- The current state per subject and purpose, kept in the same transaction as the events that change it (so reading
-- it costs one indexed query, whatever the length of the history). Derived data: it can always be rebuilt from
-- consent_event. sealed_source is a copy of the event's sealed_source (same ciphertext, same subject key); a shred
-- blanks it. source_ref is the hub's own source, as in consent_event.
create table consent_state (
    subject_id    varchar(36) not null references subject (id),
    purpose       varchar(64) not null,
    event_id      varchar(36) not null references consent_event (id),
    status        varchar(16) not null check (status in ('granted', 'denied', 'withdrawn')),
    effective_at  timestamp with time zone not null,
    lawful_basis  varchar(32) not null,
    source_ref    varchar(128),
    sealed_source bytea,
    primary key (subject_id, purpose)
);
-- Reconciliation reads the state of one purpose for pages of subjects.
create index consent_state_purpose on consent_state (purpose, subject_id);

-- History is read in effective order, a page at a time.
create index consent_event_effective on consent_event (subject_id, effective_at, seq);

-- Backfill: per subject and purpose, the event no other event outranks (later effective_at, or equal and recorded
-- later). Old clear-text sources are not copied: the hub seals them at start and fills sealed_source here too.
insert into consent_state (subject_id, purpose, event_id, status, effective_at, lawful_basis, source_ref, sealed_source)
select e.subject_id, e.purpose, e.id, e.status, e.effective_at, e.lawful_basis, e.source_ref, e.sealed_source
from consent_event e
where not exists (select 1 from consent_event later
                  where later.subject_id = e.subject_id and later.purpose = e.purpose
                    and (later.effective_at > e.effective_at
                         or (later.effective_at = e.effective_at and later.seq > e.seq)));

-- One-off upkeep the hub does at start, in Java, once (here: sealing the clear-text sources of rows from before
-- V10_1 with each subject's key, which SQL cannot do).
create table register_upkeep (
    task    varchar(64) primary key,
    done_at timestamp with time zone not null
);
