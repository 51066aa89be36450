-- The breach register (GDPR Art. 33(5): the controller documents every personal data breach). The Art. 33(3)
-- texts (nature, categories, consequences, measures, contact) and the answers given later (authority reference,
-- delay reason, exemption reason) may themselves be personal or confidential: they are one sealed JSON document
-- (AES-256-GCM under a key derived from the master key, bound to the breach id). The other columns hold ids,
-- times, counts and codes only.
create table breach (
    id                     varchar(36) primary key,
    aware_at               timestamp with time zone not null,  -- when the company became aware: the 72 h start
    recorded_at            timestamp with time zone not null,
    recorded_by            varchar(64) not null,               -- API key name
    updated_at             timestamp with time zone not null,
    sealed                 bytea not null,
    subjects_approx        bigint,                             -- Art. 33(3)(a) approximate numbers
    records_approx         bigint,
    connectors             varchar(1000) not null,             -- affected connector ids, comma list
    purposes               varchar(1000) not null,             -- affected purposes, comma list
    authority_notified_at  timestamp with time zone,
    reminded_24h_at        timestamp with time zone,           -- DPO reminders, each sent once (cluster-safe update)
    reminded_60h_at        timestamp with time zone,
    notices_requested_at   timestamp with time zone,           -- Art. 34 notices chosen; batches follow
    notices_finished_at    timestamp with time zone,
    exemption_ground       varchar(1) check (exemption_ground in ('a', 'b', 'c')),  -- Art. 34(3)
    exemption_at           timestamp with time zone
);
create index breach_aware on breach (aware_at);

-- One row per affected subject told (or found without an e-mail address) for one breach: the primary key is what
-- makes "never the same subject twice for one breach" hold across nodes and restarts.
create table breach_notice (
    breach_id  varchar(36) not null references breach (id),
    subject_id varchar(36) not null,
    outcome    varchar(16) not null check (outcome in ('queued', 'no_email')),
    queued_at  timestamp with time zone not null,
    primary key (breach_id, subject_id)
);
