-- See migrations/postgres/0012_payload_in_asset.sql.
alter table asset_change add column payload_in_asset integer not null default 0;
create index asset_change_asset_idx on asset_change (asset_id);
