-- The DPO is reminded once before a request's due date, and told once when it is overdue.
alter table dsr add column reminded_at timestamp with time zone;
alter table dsr add column overdue_notified_at timestamp with time zone;
