-- See migrations/postgres/0002_areas_postcodes.sql.
create table area (
    area_code  text primary key,
    name       text not null,
    level      text not null,
    geom       text not null,
    population real,
    updated_at text not null
);
create index area_level_idx on area (level);

create table postcode (
    postcode  text primary key,
    lon       real not null,
    lat       real not null,
    lsoa_code text
);
