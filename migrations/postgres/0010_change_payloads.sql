-- Each change-log row keeps the asset as that write left it (its geometry
-- and properties, as JSON), so that an asset's history can show who changed
-- what and a moderator can go back to an earlier version. Rows written
-- before this migration have none. Written in the same transaction as the
-- asset row it describes; erased when a person withdraws their offer.
alter table asset_change add column payload jsonb;
