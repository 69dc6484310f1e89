//! The mechanism names, the per-side traits every mechanism implements, and the
//! limits applied to peer messages.
//!
//! The shape follows the SASL exchange of
//! [RFC 4422 §3](https://www.rfc-editor.org/rfc/rfc4422#section-3): the client may send an
//! initial response, then challenges and responses alternate until the server reports
//! the outcome, possibly with additional data
//! ([RFC 4422 §3.6](https://www.rfc-editor.org/rfc/rfc4422#section-3.6)).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::error::Error;

/// A SASL mechanism this crate implements.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mechanism {
    /// `SCRAM-SHA-512-PLUS`
    ScramSha512Plus,
    /// `SCRAM-SHA-256-PLUS` ([RFC 7677](https://www.rfc-editor.org/rfc/rfc7677))
    ScramSha256Plus,
    /// `SCRAM-SHA-1-PLUS` ([RFC 5802](https://www.rfc-editor.org/rfc/rfc5802))
    ScramSha1Plus,
    /// `SCRAM-SHA-512`
    ScramSha512,
    /// `SCRAM-SHA-256` ([RFC 7677](https://www.rfc-editor.org/rfc/rfc7677))
    ScramSha256,
    /// `SCRAM-SHA-1` ([RFC 5802](https://www.rfc-editor.org/rfc/rfc5802))
    ScramSha1,
    /// `PLAIN` ([RFC 4616](https://www.rfc-editor.org/rfc/rfc4616))
    Plain,
    /// `DIGEST-MD5` ([RFC 2831](https://www.rfc-editor.org/rfc/rfc2831), historic per
    /// [RFC 6331](https://www.rfc-editor.org/rfc/rfc6331))
    DigestMd5,
    /// `EXTERNAL` ([RFC 4422 appendix A](https://www.rfc-editor.org/rfc/rfc4422#appendix-A))
    External,
    /// `ANONYMOUS` ([RFC 4505](https://www.rfc-editor.org/rfc/rfc4505))
    Anonymous,
}

/// The hash function of a SCRAM mechanism.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ScramHash {
    /// SHA-1 (20-octet output).
    Sha1,
    /// SHA-256 (32-octet output).
    Sha256,
    /// SHA-512 (64-octet output).
    Sha512,
}

impl ScramHash {
    /// All hashes, strongest first.
    pub const ALL: [ScramHash; 3] = [ScramHash::Sha512, ScramHash::Sha256, ScramHash::Sha1];

    /// Output length in octets.
    pub fn output_len(self) -> usize {
        match self {
            ScramHash::Sha1 => 20,
            ScramHash::Sha256 => 32,
            ScramHash::Sha512 => 64,
        }
    }

    /// The mechanism using this hash, with or without channel binding.
    pub fn mechanism(self, plus: bool) -> Mechanism {
        match (self, plus) {
            (ScramHash::Sha1, false) => Mechanism::ScramSha1,
            (ScramHash::Sha1, true) => Mechanism::ScramSha1Plus,
            (ScramHash::Sha256, false) => Mechanism::ScramSha256,
            (ScramHash::Sha256, true) => Mechanism::ScramSha256Plus,
            (ScramHash::Sha512, false) => Mechanism::ScramSha512,
            (ScramHash::Sha512, true) => Mechanism::ScramSha512Plus,
        }
    }
}

impl Mechanism {
    /// Every mechanism, in the default preference order of
    /// [`DEFAULT_PREFERENCE`](crate::select::DEFAULT_PREFERENCE), then EXTERNAL and ANONYMOUS.
    pub const ALL: [Mechanism; 10] = [
        Mechanism::ScramSha512Plus,
        Mechanism::ScramSha256Plus,
        Mechanism::ScramSha1Plus,
        Mechanism::ScramSha512,
        Mechanism::ScramSha256,
        Mechanism::ScramSha1,
        Mechanism::Plain,
        Mechanism::DigestMd5,
        Mechanism::External,
        Mechanism::Anonymous,
    ];

    /// The registered mechanism name.
    pub fn name(self) -> &'static str {
        match self {
            Mechanism::ScramSha512Plus => "SCRAM-SHA-512-PLUS",
            Mechanism::ScramSha256Plus => "SCRAM-SHA-256-PLUS",
            Mechanism::ScramSha1Plus => "SCRAM-SHA-1-PLUS",
            Mechanism::ScramSha512 => "SCRAM-SHA-512",
            Mechanism::ScramSha256 => "SCRAM-SHA-256",
            Mechanism::ScramSha1 => "SCRAM-SHA-1",
            Mechanism::Plain => "PLAIN",
            Mechanism::DigestMd5 => "DIGEST-MD5",
            Mechanism::External => "EXTERNAL",
            Mechanism::Anonymous => "ANONYMOUS",
        }
    }

    /// Looks a mechanism up by its name (SASL names are upper case; matching is exact).
    pub fn from_name(name: &str) -> Option<Mechanism> {
        Mechanism::ALL.into_iter().find(|m| m.name() == name)
    }

    /// The SCRAM hash, for SCRAM mechanisms.
    pub fn scram_hash(self) -> Option<ScramHash> {
        match self {
            Mechanism::ScramSha512Plus | Mechanism::ScramSha512 => Some(ScramHash::Sha512),
            Mechanism::ScramSha256Plus | Mechanism::ScramSha256 => Some(ScramHash::Sha256),
            Mechanism::ScramSha1Plus | Mechanism::ScramSha1 => Some(ScramHash::Sha1),
            _ => None,
        }
    }

    /// Whether this is a channel-binding (`-PLUS`) mechanism.
    pub fn is_plus(self) -> bool {
        matches!(
            self,
            Mechanism::ScramSha512Plus | Mechanism::ScramSha256Plus | Mechanism::ScramSha1Plus
        )
    }
}

impl fmt::Display for Mechanism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Hard limits on what a peer may send. Exceeding one is `malformed-request`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Maximum length in octets of one decoded peer message (default 4096).
    pub max_message_len: usize,
    /// Maximum number of attributes (SCRAM) or directives (DIGEST-MD5) in one message
    /// (default 32).
    pub max_attributes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_len: 4096,
            max_attributes: 32,
        }
    }
}

impl Limits {
    /// Limits with the given message length and attribute count.
    pub fn new(max_message_len: usize, max_attributes: usize) -> Self {
        Limits {
            max_message_len,
            max_attributes,
        }
    }

    pub(crate) fn check_len(&self, msg: &[u8]) -> Result<(), Error> {
        if msg.len() > self.max_message_len {
            Err(Error::malformed(crate::error::Reason::MessageTooLong))
        } else {
            Ok(())
        }
    }
}

/// What the server reports about the authenticated peer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Authenticated {
    /// The authentication identity (username), if the mechanism carries one.
    pub authcid: Option<String>,
    /// The requested authorization identity, already allowed by the credential store.
    pub authzid: Option<String>,
    /// ANONYMOUS trace information
    /// ([RFC 4505 §2](https://www.rfc-editor.org/rfc/rfc4505#section-2)).
    pub trace: Option<String>,
}

/// The result of one server step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerStep {
    /// Send this challenge and wait for the client's response.
    Challenge(Vec<u8>),
    /// Authentication succeeded; send `success`, with the additional data if present.
    Success {
        /// Additional data with success
        /// ([RFC 4422 §3.6](https://www.rfc-editor.org/rfc/rfc4422#section-3.6)).
        additional_data: Option<Vec<u8>>,
        /// Who authenticated.
        authenticated: Authenticated,
    },
}

/// The client side of a mechanism.
///
/// Drive it as: `start()` (send the initial response, if any, with `<auth/>`), then for
/// every challenge `step(challenge)` and send the result as the response, and when the
/// server reports success call `finish(additional_data)`. Only when `finish` returns
/// `Ok` is the server authenticated to the client (for SCRAM and DIGEST-MD5 this is the
/// server-signature check).
pub trait ClientMechanism {
    /// The mechanism.
    fn mechanism(&self) -> Mechanism;

    /// The initial response, or `None` if the mechanism has none.
    fn start(&mut self) -> Result<Option<Vec<u8>>, Error>;

    /// Answers a server challenge.
    fn step(&mut self, challenge: &[u8]) -> Result<Vec<u8>, Error>;

    /// Handles the server's success, with its additional data if there was any.
    fn finish(&mut self, additional_data: Option<&[u8]>) -> Result<(), Error>;
}

/// The server side of a mechanism.
///
/// Drive it as: `start(initial_response)` when `<auth/>` arrives (`None` when the
/// client sent no initial response, `Some(b"")` for an empty one), then `step(response)`
/// for every response, until a [`ServerStep::Success`] or an error (send `<failure/>`
/// with [`Error::condition`]).
pub trait ServerMechanism {
    /// The mechanism.
    fn mechanism(&self) -> Mechanism;

    /// Handles `<auth/>` and its initial response.
    fn start(&mut self, initial_response: Option<&[u8]>) -> Result<ServerStep, Error>;

    /// Handles a response to the last challenge.
    fn step(&mut self, response: &[u8]) -> Result<ServerStep, Error>;
}

impl<T: ClientMechanism + ?Sized> ClientMechanism for alloc::boxed::Box<T> {
    fn mechanism(&self) -> Mechanism {
        (**self).mechanism()
    }
    fn start(&mut self) -> Result<Option<Vec<u8>>, Error> {
        (**self).start()
    }
    fn step(&mut self, challenge: &[u8]) -> Result<Vec<u8>, Error> {
        (**self).step(challenge)
    }
    fn finish(&mut self, additional_data: Option<&[u8]>) -> Result<(), Error> {
        (**self).finish(additional_data)
    }
}

impl<T: ServerMechanism + ?Sized> ServerMechanism for alloc::boxed::Box<T> {
    fn mechanism(&self) -> Mechanism {
        (**self).mechanism()
    }
    fn start(&mut self, initial_response: Option<&[u8]>) -> Result<ServerStep, Error> {
        (**self).start(initial_response)
    }
    fn step(&mut self, response: &[u8]) -> Result<ServerStep, Error> {
        (**self).step(response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for m in Mechanism::ALL {
            assert_eq!(Mechanism::from_name(m.name()), Some(m));
        }
        assert_eq!(Mechanism::from_name("scram-sha-1"), None);
    }

    #[test]
    fn plus_and_hash() {
        for h in ScramHash::ALL {
            assert!(h.mechanism(true).is_plus());
            assert!(!h.mechanism(false).is_plus());
            assert_eq!(h.mechanism(true).scram_hash(), Some(h));
        }
    }
}
