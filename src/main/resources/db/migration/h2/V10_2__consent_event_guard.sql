-- Backfill effective_at of the existing events (the append-only trigger is lifted for this one derived column), then
-- put back a guard that still refuses every UPDATE and DELETE except one: blanking the old clear-text source
-- (sealing it into sealed_source, or erasing it on crypto-shred). See V10_1.
drop trigger consent_event_append_only;
update consent_event set effective_at = least(captured_at, recorded_at);
alter table consent_event alter column effective_at set not null;
create trigger consent_event_append_only
    before update, delete on consent_event
    for each row call 'io.lethe.db.ConsentEventGuard';
