-- Retention runs (config/retention.yaml): one row per policy per run. A scheduled run claims
-- "<policy>/<UTC day>" in claim_key, which is unique: two hubs on one register never run a policy twice a day.
-- Manual runs (POST /api/v1/retention/runs) leave claim_key null. Counts only: the subjects are in the requests filed.
create table retention_run (
    id           varchar(36) primary key,
    policy       varchar(64) not null,
    claim_key    varchar(96) unique,
    started_by   varchar(80) not null,                   -- schedule, or the API key / console user
    status       varchar(16) not null check (status in ('running', 'completed', 'limit_exceeded', 'failed')),
    selected     int not null default 0,                 -- subjects the rule names
    filed        int not null default 0,                 -- erasure requests filed
    held         int not null default 0,                 -- skipped: on legal hold
    already_open int not null default 0,                 -- skipped: an erasure of theirs is open already
    started_at   timestamp with time zone not null,
    finished_at  timestamp with time zone,
    error        varchar(256)
);
create index retention_run_started on retention_run (started_at);
-- Retention requests are found by who filed them (retention:<policy>).
create index dsr_filed_by on dsr (filed_by, received_at);
