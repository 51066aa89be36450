-- What each vendor returned for an access request (GDPR Art. 15/20): personal data, sealed with the subject's key.
create table dsr_export (
    request_id  varchar(36) not null references dsr (id),
    connector   varchar(64) not null,
    sealed_data bytea not null,
    primary key (request_id, connector)
);
