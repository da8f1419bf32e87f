//! assetmap: map what a community has, find it, and see where the gaps are.

pub mod analysis;
pub mod api;
pub mod app;
pub mod auth;
pub mod backup;
pub mod basemap;
pub mod cli;
pub mod config;
pub mod domain;
pub mod export;
pub mod hsds;
pub mod import;
pub mod index;
pub mod readmodel;
pub mod send_timeout;
pub mod server;
pub mod service;
pub mod store;
pub mod tiles;
