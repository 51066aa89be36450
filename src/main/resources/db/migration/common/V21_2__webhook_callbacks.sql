-- Callbacks received from webhook receivers (POST /api/v1/callbacks/{connectorId}), by their webhook-id: a replayed
-- or retried callback is answered as the first one was and changes nothing. Kept lethe.webhook.callback-retention
-- (rows older than the 5-minute signature tolerance can never be replayed anyway). No personal data.
create table webhook_callback (
    connector   varchar(64) not null,
    webhook_id  varchar(256) not null,
    received_at timestamp with time zone not null,
    applied     int not null,
    ignored     int not null,
    primary key (connector, webhook_id)
);
create index webhook_callback_received on webhook_callback (received_at);
