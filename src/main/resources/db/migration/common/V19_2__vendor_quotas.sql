-- Vendor quotas of ids per day or month (Segment: 110,000 users a month per regulation category; GA4: 500 requests a
-- day). Each command counts once per period however often it is retried; past the quota the connector parks until
-- the period ends and the DPO is told once per period.
create table vendor_quota (
    connector    varchar(64) not null,
    bucket       varchar(64) not null,
    period_start varchar(10) not null,                       -- 2026-12 (month) or 2026-12-01 (day), in the quota's zone
    used         bigint not null,
    alerted_at   timestamp with time zone,
    primary key (connector, bucket, period_start)
);

create table vendor_quota_use (
    connector    varchar(64) not null,
    bucket       varchar(64) not null,
    period_start varchar(10) not null,
    command_id   bigint not null,
    primary key (connector, bucket, period_start, command_id)
);
