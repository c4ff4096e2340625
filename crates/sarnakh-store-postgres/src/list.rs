//! The list-query clauses, shared by both SQL stores: [`sarnakh_store_sql::list`].

pub(crate) use sarnakh_store_sql::list::*;
pub(crate) use sarnakh_store_sql::list_query::{lead_list_query, opportunity_list_query};
