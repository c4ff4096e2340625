//! Demo data (being written).
mod capture;
mod companies;
mod names;
