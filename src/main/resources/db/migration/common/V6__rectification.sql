-- Rectification (GDPR Art. 16): the corrected fields, personal data sealed with the subject's key.
alter table dsr add column sealed_changes bytea;
