-- Each asset row packed as the server's start-up scan reads it
-- (src/store/scan/packed.rs), written by the server in the same statement
-- as the columns it is made from. PostgreSQL's part of a start-up is one
-- send function call a value sent: a million rows of some fifteen values
-- took one backend 1.8-2.6 s to copy, the same rows as this one value
-- 0.46-0.64 s. It repeats what the columns hold, and only the scan reads it.
alter table asset add column scan_row bytea;

-- A row whose columns change by any statement that does not write
-- `scan_row` anew (an older server, a hand-written fix) loses it, and the
-- scan then reads that row from its columns: a stale copy is never read.
create function asset_scan_row_stale() returns trigger language plpgsql as $$
begin
    new.scan_row := null;
    return new;
end
$$;

create trigger asset_scan_row_stale
    before update on asset
    for each row
    when (new.scan_row is not distinct from old.scan_row)
    execute function asset_scan_row_stale();

-- The rows the scan must read from their columns, found without reading
-- the table (none, once written by this server).
create index asset_scan_row_missing_idx on asset (asset_id) where scan_row is null;
