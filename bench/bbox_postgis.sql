-- pgbench script: PostGIS by itself answering the same viewport query as one
-- statement that builds the whole GeoJSON FeatureCollection, the baseline for
-- GET /api/assets?bbox=...&limit=10000. bench_viewport holds the same 1,000
-- boxes as bench/out/viewports.txt.
\set i random(1, 1000)
select json_build_object(
  'type', 'FeatureCollection',
  'features', coalesce(json_agg(ST_AsGeoJSON(f.*)::json), '[]'::json)
)
from (
  select a.asset_id as id, a.name, a.capital, a.category, a.description,
         a.address, a.postcode, a.website, a.email, a.phone, a.opening_hours,
         a.accessibility, a.tags, a.source, a.status, a.visibility,
         a.verified_at, a.created_at, a.updated_at, a.version, a.geom
  from asset a, bench_viewport v
  where v.id = :i and a.geom && v.box and a.status = 'published'
  limit 10000
) f;
