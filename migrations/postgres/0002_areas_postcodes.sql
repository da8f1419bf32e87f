-- Named boundaries (wards, LSOAs, forum patches) with their population, and
-- the postcode lookup that geocodes addresses and places residents.
create table area (
    area_code  text primary key,
    name       text not null,
    level      text not null,
    geom       geometry(Geometry, 4326) not null,
    population double precision,
    updated_at timestamptz not null
);
create index area_level_idx on area (level);
create index area_geom_idx on area using gist (geom);

create table postcode (
    postcode  text primary key,
    lon       double precision not null,
    lat       double precision not null,
    lsoa_code text
);
