//! Our client against our server, in memory.
#![allow(clippy::disallowed_methods, reason = "tests read the real clock once")]

mod chunking;
mod flows;
mod harness;
mod login;
mod props;
mod server_script;
