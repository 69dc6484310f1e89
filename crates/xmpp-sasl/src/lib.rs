#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;

pub mod anonymous;
pub mod channel_binding;
pub mod digest_md5;
mod error;
pub mod external;
mod mechanism;
mod nonce;
pub mod plain;
mod prep;
pub mod scram;
pub mod select;
mod single_message;
pub mod store;

pub use channel_binding::{ChannelBinding, ChannelBindingType};
pub use error::{Condition, Error, Reason, ScramServerError};
pub use mechanism::{
    Authenticated, ClientMechanism, Limits, Mechanism, ScramHash, ServerMechanism, ServerStep,
};
#[cfg(feature = "getrandom")]
pub use nonce::OsNonceSource;
pub use nonce::{FixedNonceSource, NONCE_OCTETS, NonceSource, SeededNonceSource};
pub use prep::{PasswordPrep, UsernamePrep};
pub use store::{CredentialStore, MemoryStore, StoredCredentials};
