//! The benchmark harness (being built).

fn main() {}
