-- Deletions a vendor only queues (Braze /users/delete, Klaviyo data-privacy deletion jobs) are tracked as jobs whose
-- "status" is a read-back of the commands' identities (connectors/README.md, verifyLater): polled every
-- poll_every_ms until the vendor no longer finds the person (verified), or given up at give_up_at
-- (action_required, the DPO told once). Both null for a vendor's own job, polled with doubling waits.
alter table vendor_job add column poll_every_ms bigint;
alter table vendor_job add column give_up_at timestamp with time zone;
