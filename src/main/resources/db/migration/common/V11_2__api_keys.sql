-- API keys an admin creates through the API (POST /api/v1/api-keys). Only the SHA-256 of a key is stored; the key
-- itself is shown once, in the creation response. Keys of LETHE_API_KEYS and the initial admin key are not here.
create table api_key (
    name         varchar(64) primary key,
    role         varchar(16) not null check (role in ('admin', 'intake', 'marketer', 'compliance')),
    key_hash     varchar(64) not null unique,             -- SHA-256 of the key, hex
    created_at   timestamp with time zone not null,
    created_by   varchar(64) not null,                    -- name of the admin key that created it
    last_used_at timestamp with time zone                 -- written at most once a minute per key
);
