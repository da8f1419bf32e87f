-- An import leaves each change-log row's payload out and marks it: the
-- asset row holds the very same thing for as long as the asset stays at
-- that version. Whatever writes the asset next first copies it into the
-- marked row and clears the mark (src/store/sql/deferred.rs), so every
-- version's payload is still there when history or a revert asks for it.
-- A million imported rows wrote 623 MB of change log as JSON beside the
-- 457 MB table that held the same; COPY took 6.7 s for them against 2.6 s
-- without.
alter table asset_change add column payload_in_asset boolean not null default false;
-- An asset's history, and the marked row a write looks for, by asset: a
-- scan of the whole log otherwise.
create index asset_change_asset_idx on asset_change (asset_id);
