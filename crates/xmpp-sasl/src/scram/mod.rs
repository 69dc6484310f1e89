//! SCRAM-SHA-1, SCRAM-SHA-256, SCRAM-SHA-512 and their -PLUS variants
//! ([RFC 5802](https://www.rfc-editor.org/rfc/rfc5802),
//! [RFC 7677](https://www.rfc-editor.org/rfc/rfc7677)), with XEP-0474 downgrade
//! protection.

mod client;
pub mod keys;
mod messages;
mod server;

use alloc::string::String;
use alloc::vec::Vec;
use core::ops::RangeInclusive;

pub use client::ScramClient;
pub use keys::{CacheKey, Key, MemoryCache, NoCache, SaltedPasswordCache, ScramKeys};
pub use server::ScramServer;

use crate::channel_binding::ChannelBindingType;
use crate::error::{Error, Reason, ScramServerError};
use crate::mechanism::ScramHash;

/// Default accepted iteration counts for clients: at least 4096
/// ([RFC 7677 §4](https://www.rfc-editor.org/rfc/rfc7677#section-4)), at most 1,000,000.
pub const DEFAULT_ITERATIONS: RangeInclusive<u32> = 4096..=1_000_000;

/// XEP-0474 (SASL SCRAM Downgrade Protection): the hash, in the SCRAM mechanism's hash
/// function, of the sorted offered mechanism names joined by `,`, followed by `|` and
/// the sorted channel-binding type names joined by `,` when XEP-0440 types were
/// advertised. The server sends it as `d=` in its first message; the client compares it
/// with what it saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DowngradeProtection {
    input: String,
}

impl DowngradeProtection {
    /// Builds the protected string from the offered mechanisms and (if advertised)
    /// channel-binding types.
    pub fn new<'a>(
        mechanisms: impl IntoIterator<Item = &'a str>,
        channel_binding_types: Option<&[ChannelBindingType]>,
    ) -> Self {
        let mut mechs: Vec<&str> = mechanisms.into_iter().collect();
        mechs.sort_unstable();
        mechs.dedup();
        let mut input = mechs.join(",");
        if let Some(types) = channel_binding_types {
            let mut names: Vec<&str> = types.iter().map(|t| t.name()).collect();
            names.sort_unstable();
            names.dedup();
            input.push('|');
            input.push_str(&names.join(","));
        }
        DowngradeProtection { input }
    }

    /// The string that is hashed.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// The hash with `hash`.
    pub fn hash(&self, hash: ScramHash) -> Key {
        keys::hash(hash, self.input.as_bytes())
    }
}

/// The `e=` value ([RFC 5802 §7](https://www.rfc-editor.org/rfc/rfc5802#section-7)) a
/// SCRAM server would send for `error`. An unknown user is reported as `invalid-proof`
/// so that usernames cannot be probed.
pub fn server_error_value(error: &Error) -> ScramServerError {
    match error.reason() {
        Reason::InvalidProof | Reason::UnknownUser => ScramServerError::InvalidProof,
        Reason::ChannelBindingMismatch => ScramServerError::ChannelBindingsDontMatch,
        Reason::Downgrade => ScramServerError::ServerDoesSupportChannelBinding,
        Reason::ChannelBindingFlag => ScramServerError::ChannelBindingNotSupported,
        Reason::UnsupportedChannelBindingType => ScramServerError::UnsupportedChannelBindingType,
        Reason::MandatoryExtension => ScramServerError::ExtensionsNotSupported,
        Reason::Preparation => ScramServerError::InvalidUsernameEncoding,
        Reason::Base64 | Reason::Utf8 | Reason::Syntax(_) | Reason::ForbiddenCharacter => {
            ScramServerError::InvalidEncoding
        }
        Reason::Store | Reason::Randomness => ScramServerError::NoResources,
        _ => ScramServerError::OtherError,
    }
}

/// The server-error message `e=<value>` for `error`.
pub fn server_error_message(error: &Error) -> Vec<u8> {
    let mut m = Vec::from(&b"e="[..]);
    m.extend_from_slice(server_error_value(error).as_str().as_bytes());
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downgrade_input_sorted() {
        let dp = DowngradeProtection::new(
            ["SCRAM-SHA-256", "PLAIN", "SCRAM-SHA-1-PLUS"],
            Some(&[
                ChannelBindingType::TlsServerEndPoint,
                ChannelBindingType::TlsExporter,
            ]),
        );
        assert_eq!(
            dp.input(),
            "PLAIN,SCRAM-SHA-1-PLUS,SCRAM-SHA-256|tls-exporter,tls-server-end-point"
        );
        let dp = DowngradeProtection::new(["SCRAM-SHA-1"], None);
        assert_eq!(dp.input(), "SCRAM-SHA-1");
    }
}
