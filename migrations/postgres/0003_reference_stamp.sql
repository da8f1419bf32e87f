-- Areas and postcodes have no change log; every load of either bumps this
-- counter, and servers reload them when it moves.
create table reference_stamp (
    only_row bool primary key default true check (only_row),
    stamp    bigint not null
);
insert into reference_stamp (only_row, stamp) values (true, 0);
