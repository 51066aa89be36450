-- A connector whose oldest undelivered command is older than lethe.dispatch.alert-after is stalled: the DPO is told
-- once (stall_alerted_at) and told again only after the stall has cleared and come back.
alter table connector_state add column stall_alerted_at timestamp with time zone;
