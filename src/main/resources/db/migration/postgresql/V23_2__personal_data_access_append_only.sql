-- The access log is evidence of who looked: refuse any UPDATE, DELETE or TRUNCATE.
create function personal_data_access_refuse_change() returns trigger language plpgsql as $$
begin
    raise exception 'personal_data_access is append-only: % refused', tg_op using errcode = '42501';
end
$$;

create trigger personal_data_access_append_only
    before update or delete on personal_data_access
    for each row execute function personal_data_access_refuse_change();

create trigger personal_data_access_no_truncate
    before truncate on personal_data_access
    for each statement execute function personal_data_access_refuse_change();
