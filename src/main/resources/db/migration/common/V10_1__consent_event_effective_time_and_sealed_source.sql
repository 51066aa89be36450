-- Consent ordering and the free-text source (security issue, items 7 and 8).
--
-- effective_at = least(captured_at, recorded_at): a capture a client dates ahead of our clock (allowed up to 5
-- minutes for clock skew) counts from when we recorded it, so it cannot outrank a withdrawal recorded after it.
-- The current state of a purpose is the event with the latest effective_at, ties going to the later recorded event.
--
-- source: a caller's free text may hold personal data (an address typed into it), so it is sealed with the subject's
-- data key into sealed_source and dies with it on crypto-shred. Sources the hub writes itself (api:<key name>,
-- request:<id>, vendor:<connector>, reconcile:<run>, retention:...) hold no personal data and stay readable in
-- source_ref. The old clear-text column source keeps only rows written before this version until the hub seals them
-- at start (or a shred blanks them); new rows leave it null.
alter table consent_event add column effective_at timestamp with time zone;
alter table consent_event add column sealed_source bytea;
alter table consent_event add column source_ref varchar(128);
alter table consent_event alter column source drop not null;
