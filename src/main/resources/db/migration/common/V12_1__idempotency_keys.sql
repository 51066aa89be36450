-- Idempotency-Key of POST requests (24 h): the first call claims the key for its API key name, a repeat with the same
-- fingerprint gets the stored response. The response body is sealed with a key derived from the master key; it holds
-- ids, statuses and problem texts, never identities, but an extension reason is free text.
create table idempotency_key (
    key_name     varchar(64) not null,              -- the API key's name: two clients may use the same key string
    idem_key     varchar(255) not null,
    fingerprint  varchar(64) not null,              -- SHA-256 of method, path and query, Sec-GPC and body
    claim        varchar(36) not null,              -- who is executing it (a stale claim is taken over)
    state        varchar(16) not null check (state in ('in_flight', 'completed')),
    status_code  int,
    content_type varchar(64),
    sealed_body  bytea,
    claimed_at   timestamp with time zone not null,
    expires_at   timestamp with time zone not null,
    primary key (key_name, idem_key)
);
create index idempotency_key_expiry on idempotency_key (expires_at);
