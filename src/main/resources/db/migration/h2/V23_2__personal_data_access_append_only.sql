-- The access log is evidence of who looked: refuse any UPDATE or DELETE.
create trigger personal_data_access_append_only
    before update, delete on personal_data_access
    for each row call 'io.lethe.db.AppendOnlyTrigger';
