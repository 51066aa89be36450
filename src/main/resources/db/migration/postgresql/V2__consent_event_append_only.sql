-- Consent history is evidence (GDPR Art. 7(1)): refuse any UPDATE, DELETE or TRUNCATE of consent events.
create function consent_event_refuse_change() returns trigger language plpgsql as $$
begin
    raise exception 'consent_event is append-only: % refused', tg_op using errcode = '42501';
end
$$;

create trigger consent_event_append_only
    before update or delete on consent_event
    for each row execute function consent_event_refuse_change();

create trigger consent_event_no_truncate
    before truncate on consent_event
    for each statement execute function consent_event_refuse_change();
