//! What Sarnakh's SQL storage adapters share, written once for any sqlx database: the row
//! types (with their conversion into domain types) and the seek-pagination and visibility
//! clauses of list queries, the queries that are the same in both (`shared_queries!`) and the
//! `Store` implementation itself (`store_impl!`). Each adapter keeps its own connection handling, transactions,
//! migrations and the few rows whose column types differ.

pub mod accounts;
pub mod bulk;
pub mod content;
pub mod coordination;
pub mod experiments;
mod forecast;
mod import_jobs;
pub mod list;
pub mod list_query;
pub mod look_alikes;
pub mod mail;
pub mod maintenance;
mod queries;
pub mod reports;
mod reports_deals;
mod reports_dialect;
pub mod reports_funnel;
mod reports_money;
mod reports_people;
pub mod rows;
mod saved_views;
pub mod stages;
mod store_impl;
pub mod webhook_data;
pub mod webhooks;
