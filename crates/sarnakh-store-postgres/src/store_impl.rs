//! The [`sarnakh_core::store::Store`] port, written once in `sarnakh-store-sql` and
//! delegating to this crate's row functions.

sarnakh_store_sql::store_impl!(PostgresStore);
