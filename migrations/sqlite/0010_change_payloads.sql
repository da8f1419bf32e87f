-- See migrations/postgres/0010_change_payloads.sql: the asset as each write
-- left it, as JSON text; null for rows written before it.
alter table asset_change add column payload text;
