-- Backfill effective_at of the existing events (the append-only trigger is lifted for this one derived column), then
-- put back a guard that still refuses every UPDATE, DELETE and TRUNCATE except one: blanking the old clear-text
-- source (sealing it into sealed_source, or erasing it on crypto-shred). See V10_1.
drop trigger consent_event_append_only on consent_event;
update consent_event set effective_at = least(captured_at, recorded_at);
alter table consent_event alter column effective_at set not null;

create function consent_event_guard() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE' then
        if old.source is not null and new.source is null and old.sealed_source is null
                and new.seq = old.seq and new.id = old.id and new.subject_id = old.subject_id
                and new.purpose = old.purpose and new.status = old.status and new.lawful_basis = old.lawful_basis
                and new.captured_at = old.captured_at and new.recorded_at = old.recorded_at
                and new.effective_at = old.effective_at
                and new.sealed_evidence is not distinct from old.sealed_evidence
                and new.source_ref is not distinct from old.source_ref then
            return new;
        end if;
    end if;
    raise exception 'consent_event is append-only: % refused', tg_op using errcode = '42501';
end
$$;

create trigger consent_event_append_only
    before update or delete on consent_event
    for each row execute function consent_event_guard();
