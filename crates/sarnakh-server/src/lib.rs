//! The `sarnakh` binary's library: the JSON API (`http`), the command line (`cli`), the
//! demo data generator, the scheduled background jobs, and the one place that picks a storage adapter (`store_url`).
//!
//! Every front door here parses input and calls `sarnakh_core::service`; none holds
//! business rules or SQL of its own.

pub mod cli;
pub mod config;
pub mod demo;
pub mod http;
pub mod import_worker;
pub mod jobs;
pub mod mail;
pub mod metrics;
pub mod store_url;
pub mod telemetry;
pub mod web;
pub mod webhooks;
