//! Shared pieces of the fuzz targets in `fuzz_targets/`: reading a file twice and checking
//! the reader's promises, a made-up valid mapping for any header, and the error file's
//! round trip. Only the fuzz targets use this crate; it must not be a dependency of the
//! product.

pub mod input;
pub mod positional;
pub mod read;
pub mod rejects;
