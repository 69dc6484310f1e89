#![doc = include_str!("../README.md")]
#![no_std]

extern crate alloc;

mod ascii;
mod bare;
mod domain;
mod error;
mod escape;
mod full;
mod ip;
mod jid;
mod parse;
mod prep;
#[cfg(feature = "serde")]
mod serde_impl;
mod split;
mod traits;

pub use bare::BareJid;
pub use error::{Error, IpError, Part};
pub use escape::{escape, unescape};
pub use full::FullJid;
pub use jid::Jid;
pub use parse::{prepare_domainpart, prepare_localpart, prepare_resourcepart};

#[cfg(test)]
mod tests;
