-- See migrations/postgres/0003_reference_stamp.sql.
create table reference_stamp (
    only_row integer primary key check (only_row = 1),
    stamp    integer not null
);
insert into reference_stamp (only_row, stamp) values (1, 0);
