-- Legal holds (GDPR Art. 17(3)): while a subject is on hold no erasure of it runs (retention skips it; an erasure
-- request goes to action_required with no command sent). The reason can hold personal data (a case name), so it is
-- sealed with the subject's own data key and dies with it if the subject is erased after the hold is released; the
-- sync log records only the hold's id.
create table legal_hold (
    id                    varchar(36) primary key,
    subject_id            varchar(36) not null references subject (id),
    sealed_reason         bytea not null,
    placed_by             varchar(64) not null,          -- API key name
    placed_at             timestamp with time zone not null,
    until_at              timestamp with time zone,      -- null: until released
    released_by           varchar(64),
    released_at           timestamp with time zone,
    sealed_release_reason bytea
);
create index legal_hold_subject on legal_hold (subject_id, released_at);

-- The hold that stopped an erasure request (its release restarts the request).
alter table dsr add column held_by varchar(36);
-- The connectors a request is limited to (comma list; null: every enabled connector). Retention policies scoped to
-- some connectors (analytics data) erase there only, and the subject stays in the register.
alter table dsr add column connectors varchar(1024);
