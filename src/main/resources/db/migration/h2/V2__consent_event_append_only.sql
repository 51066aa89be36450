-- Consent history is evidence (GDPR Art. 7(1)): refuse any UPDATE or DELETE of consent events.
create trigger consent_event_append_only
    before update, delete on consent_event
    for each row call 'io.lethe.db.AppendOnlyTrigger';
