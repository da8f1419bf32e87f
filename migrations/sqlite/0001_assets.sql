-- The same schema as migrations/postgres, for the embedded store: geometry is
-- kept as GeoJSON text, ids and timestamps as text.
create table asset (
    asset_id      text primary key,
    name          text not null,
    capital       text not null check (capital in ('social', 'human', 'public', 'physical', 'financial')),
    category      text not null,
    description   text,
    geom          text not null,
    point_lon     real not null,
    point_lat     real not null,
    min_lon       real not null,
    min_lat       real not null,
    max_lon       real not null,
    max_lat       real not null,
    address       text,
    postcode      text,
    website       text,
    email         text,
    phone         text,
    opening_hours text,
    accessibility text,
    tags          text not null default '{}',
    source        text,
    status        text not null check (status in ('proposed', 'published', 'archived')),
    visibility    text not null check (visibility in ('exact', 'area_only')),
    consent_at    text,
    verified_at   text,
    verified_by   text,
    search_text   text not null,
    created_at    text not null,
    created_by    text not null,
    updated_at    text not null,
    updated_by    text not null,
    version       integer not null check (version > 0)
);

create index asset_source_idx on asset (source);

create table asset_change (
    seq        integer primary key,
    asset_id   text not null references asset (asset_id),
    version    integer not null,
    op         text not null check (op in ('create', 'update', 'archive')),
    changed_at text not null,
    changed_by text not null
);

-- SQLite has one writer at a time; the counter keeps both stores alike.
create table change_counter (
    only_row integer primary key check (only_row = 1),
    last_seq integer not null
);
insert into change_counter (only_row, last_seq) values (1, 0);
