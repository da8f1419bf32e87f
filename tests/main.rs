//! Every integration test, in one binary: one compile and one link of
//! the shared helpers and of assetmap's generics instead of one per file,
//! which on CI's two cores was most of the test command's time. Each file
//! is still one area of behaviour, run as `cargo test --test integration
//! <file>::`; tests run two at a time as they did within each file.

#[macro_use]
mod common;
mod basemap_fixture;
mod hsds_common;

mod accounts;
mod api;
mod api_bad_input;
mod api_queries;
mod atomic_import;
mod backup;
mod basemap;
mod cli_errors;
mod consistency;
mod deferred_payloads;
mod first_load;
mod fuzz_regressions;
mod gaps;
mod gaps_writes;
mod history;
mod hostile_input;
mod hsds;
mod hsds_package;
mod import;
mod import_bulk;
mod import_http;
mod import_osm;
mod import_rules;
mod layering;
mod ogc;
mod ogc_gdal;
mod ogc_oas30;
mod openapi;
mod outage;
mod page_config;
mod privacy;
mod proposals;
mod readmodel;
mod replicas;
mod roles;
mod scan_rows;
mod schema;
mod slow_clients;
mod tiles;
mod tls;
mod trust;
mod web_files;
mod withdraw;
mod write_rollback;
