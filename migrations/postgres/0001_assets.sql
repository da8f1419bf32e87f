-- Assets, and the change log that replicas tail to keep their in-memory index
-- current. Geometry lives in PostGIS; a point on each asset and its bounds are
-- computed by the application (the same code for every store) and kept beside
-- it, so that a server can load its index without decoding geometries.
create extension if not exists postgis;

create table asset (
    asset_id      uuid primary key,
    name          text not null,
    capital       text not null check (capital in ('social', 'human', 'public', 'physical', 'financial')),
    category      text not null,
    description   text,
    geom          geometry(Geometry, 4326) not null,
    point_lon     double precision not null,
    point_lat     double precision not null,
    min_lon       double precision not null,
    min_lat       double precision not null,
    max_lon       double precision not null,
    max_lat       double precision not null,
    address       text,
    postcode      text,
    website       text,
    email         text,
    phone         text,
    opening_hours text,
    accessibility text,
    tags          jsonb not null default '{}',
    source        text,
    status        text not null check (status in ('proposed', 'published', 'archived')),
    visibility    text not null check (visibility in ('exact', 'area_only')),
    consent_at    timestamptz,
    verified_at   timestamptz,
    verified_by   text,
    -- lower-cased name, description and address, folded by the application so
    -- that `q` matches the same way on every store
    search_text   text not null,
    created_at    timestamptz not null,
    created_by    text not null,
    updated_at    timestamptz not null,
    updated_by    text not null,
    version       bigint not null check (version > 0)
);

create index asset_geom_idx on asset using gist (geom);
-- importers find an asset again by where it came from
create index asset_source_idx on asset (source);

create table asset_change (
    seq        bigint primary key,
    asset_id   uuid not null references asset (asset_id),
    version    bigint not null,
    op         text not null check (op in ('create', 'update', 'archive')),
    changed_at timestamptz not null,
    changed_by text not null
);

-- One row holding the last sequence number handed out. A writer increments
-- it inside its transaction, so the row lock orders writers and sequence
-- numbers become visible in order: a reader that has seen N has seen every
-- change before N. A plain sequence gives no such promise.
create table change_counter (
    only_row bool primary key default true check (only_row),
    last_seq bigint not null
);
insert into change_counter (only_row, last_seq) values (true, 0);
