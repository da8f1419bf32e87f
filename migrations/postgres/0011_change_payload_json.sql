-- A change's payload is written once and read back whole (an asset's
-- history, a revert), never queried inside, so it is kept as `json`: the
-- text as written, checked but not converted. `jsonb` took PostgreSQL
-- 10.0 s to COPY a million change rows against 6.7 s as `json`, the
-- largest part of a national import after the asset table itself.
alter table asset_change alter column payload type json using payload::json;
