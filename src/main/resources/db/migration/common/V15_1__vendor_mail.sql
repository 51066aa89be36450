-- One row per e-mail the hub sent to a vendor without an API (a command or a reminder). A reply is accepted as the
-- vendor's answer only when it answers one of these messages: its Message-ID (In-Reply-To / References) or the
-- secret token of its reference. Only the token's SHA-256 is kept; neither holds personal data.
create table vendor_mail (
    message_id text primary key,
    token_hash text not null unique,
    command_id bigint,
    request_id text,
    connector text not null,
    action text not null,
    sent_at timestamp with time zone not null
);
create index vendor_mail_request on vendor_mail (request_id, connector);
