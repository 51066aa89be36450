-- Requests advance after dispatch commits (routes/lifecycle.camel.yaml), in a transaction of their own. Until its
-- request has taken it, a finished command of a request has request_advanced_at null; the lifecycle sweep finds those a
-- crash between the two transactions left behind. An access export waits here sealed with the subject's key (the
-- same sealing as dsr_export) and is cleared once copied.
alter table outbox_command add column request_advanced_at timestamp with time zone;
alter table outbox_command add column sealed_result bytea;
-- Commands finished before this version were taken by their request in dispatch's own transaction; a finished
-- command without a request has nothing to take (dispatch marks those at once from now on).
update outbox_command set request_advanced_at = updated_at where status in ('done', 'skipped', 'action_required');
-- The sweep reads the rows not taken yet: unfinished ones (the backlog) and the few a lost hand-off left.
create index outbox_command_untaken on outbox_command (request_advanced_at, status);
create index outbox_command_request on outbox_command (request_id, status);
