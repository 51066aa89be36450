-- The DPO's action-required alert is queued after dispatch commits (routes/lifecycle.camel.yaml), no longer inside
-- dispatch's transaction: a command that needs a person keeps dpo_alerted_at null until its alert is queued, and the
-- sweep queues what a stop between the two transactions missed.
alter table outbox_command add column dpo_alerted_at timestamp with time zone;
-- Alerts for commands finished before this version were queued in dispatch's own transaction.
update outbox_command set dpo_alerted_at = updated_at where status = 'action_required';
