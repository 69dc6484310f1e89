//! Code shared by the `client`, `server` and `demo` examples (the three small drivers
//! `std_client`, `tokio_client` and `mio_server` stand alone on purpose).

// Each example uses a different part of this module.
#![allow(dead_code)]

pub mod args;
pub mod json;
pub mod server;
pub mod session;
pub mod tls;
