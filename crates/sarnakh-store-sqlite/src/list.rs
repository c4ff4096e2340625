//! The list-query clauses, shared by both SQL stores: [`sarnakh_store_sql::list`].

pub(crate) use sarnakh_store_sql::list::*;
