-- Master key rotation (lethe keys rotate): which master key wraps each subject's data key, as the key's id
-- (HMAC-derived, reveals nothing). Null: not recorded (written before rotation existed, or by a hub that does not
-- record it); the rotation finds the key by trying.
alter table subject add column key_id varchar(16);

-- Check values of the register's keys (HMAC of a fixed label, never the key): the hub refuses to start with a
-- lookup-hash key other than the one the register was built with, instead of silently missing every identity.
create table register_key_check (
    name        varchar(32) primary key,
    check_value varchar(64) not null
);
