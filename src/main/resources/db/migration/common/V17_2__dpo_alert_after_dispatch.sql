-- The DPO's action-required alert is queued after dispatch commits (routes/lifecycle.camel.yaml), no longer inside
-- dispatch's transaction: a command that needs a person keeps dpo_alerted_at null until its alert is queued, and the
-- sweep queues what a stop between the two transactions missed.
alter table outbox_command add column dpo_alerted_at timestamp with time zone;
-- Alerts for commands finished before this version were queued in dispatch's own transaction; other finished
-- commands need none (dispatch marks those at once from now on).
update outbox_command set dpo_alerted_at = updated_at where status in ('done', 'skipped', 'action_required');
create index outbox_command_unalerted on outbox_command (dpo_alerted_at, status);
