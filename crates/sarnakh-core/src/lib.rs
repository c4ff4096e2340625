//! Sarnakh's core: the sales-lifecycle domain, its rules, the use cases every front door
//! calls, and the storage port the adapters implement.
//!
//! This crate does no IO of its own: no SQL, no HTTP, no terminal. Front doors (JSON API,
//! CLI, web UI) parse input into domain types and call [`service::Services`]; storage
//! adapters implement [`store::Store`].

pub mod clock;
pub mod credentials;
pub mod domain;
pub mod error;
pub mod export;
pub mod import;
pub mod policy;
pub mod service;
pub mod store;

pub use error::{Error, FieldError};
