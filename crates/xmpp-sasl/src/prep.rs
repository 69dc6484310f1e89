//! String preparation of passwords and usernames.
//!
//! Passwords default to the OpaqueString profile of
//! [RFC 8265 §4.2](https://www.rfc-editor.org/rfc/rfc8265#section-4.2) (feature
//! `precis`, through `xmpp-precis`); SASLprep
//! ([RFC 4013](https://www.rfc-editor.org/rfc/rfc4013), feature `saslprep`) and no
//! preparation are selectable. Usernames are prepared with the profile the caller
//! picks.

use alloc::borrow::Cow;

use crate::error::{Condition, Error, Reason};

/// How passwords are prepared before hashing or comparing.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PasswordPrep {
    /// PRECIS OpaqueString ([RFC 8265 §4.2](https://www.rfc-editor.org/rfc/rfc8265#section-4.2)).
    OpaqueString,
    /// SASLprep ([RFC 4013](https://www.rfc-editor.org/rfc/rfc4013)), as
    /// [RFC 5802 §2.2](https://www.rfc-editor.org/rfc/rfc5802#section-2.2) says.
    SaslPrep,
    /// Use the password as given.
    None,
}

impl Default for PasswordPrep {
    /// OpaqueString when the `precis` feature is on (the default), otherwise SASLprep
    /// when `saslprep` is on, otherwise none.
    fn default() -> Self {
        if cfg!(feature = "precis") {
            PasswordPrep::OpaqueString
        } else if cfg!(feature = "saslprep") {
            PasswordPrep::SaslPrep
        } else {
            PasswordPrep::None
        }
    }
}

/// How usernames (authentication identities) are prepared.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum UsernamePrep {
    /// PRECIS UsernameCaseMapped ([RFC 8265 §3.3](https://www.rfc-editor.org/rfc/rfc8265#section-3.3)).
    CaseMapped,
    /// PRECIS UsernameCasePreserved ([RFC 8265 §3.4](https://www.rfc-editor.org/rfc/rfc8265#section-3.4)).
    CasePreserved,
    /// SASLprep ([RFC 4013](https://www.rfc-editor.org/rfc/rfc4013)).
    SaslPrep,
    /// Use the username as given (the default: the application has usually already
    /// prepared it, for example as a JID localpart).
    #[default]
    None,
}

#[cfg(any(feature = "precis", feature = "saslprep"))]
fn prep_error() -> Error {
    Error::new(Condition::MalformedRequest, Reason::Preparation)
}

#[cfg(not(all(feature = "precis", feature = "saslprep")))]
fn unavailable(what: &'static str) -> Error {
    Error::new(Condition::TemporaryAuthFailure, Reason::Unsupported(what))
}

impl PasswordPrep {
    /// Prepares `password`. Fails with `malformed-request` / [`Reason::Preparation`]
    /// when the profile rejects it, or `temporary-auth-failure` when the profile was
    /// compiled out.
    pub fn prepare<'a>(&self, password: &'a str) -> Result<Cow<'a, str>, Error> {
        match self {
            PasswordPrep::None => Ok(Cow::Borrowed(password)),
            PasswordPrep::SaslPrep => saslprep(password),
            PasswordPrep::OpaqueString => opaque_string(password),
        }
    }
}

impl UsernamePrep {
    /// Prepares `username`.
    pub fn prepare<'a>(&self, username: &'a str) -> Result<Cow<'a, str>, Error> {
        match self {
            UsernamePrep::None => Ok(Cow::Borrowed(username)),
            UsernamePrep::SaslPrep => saslprep(username),
            UsernamePrep::CaseMapped => username_case_mapped(username),
            UsernamePrep::CasePreserved => username_case_preserved(username),
        }
    }
}

#[cfg(feature = "saslprep")]
fn saslprep(s: &str) -> Result<Cow<'_, str>, Error> {
    stringprep::saslprep(s).map_err(|_| prep_error())
}

#[cfg(not(feature = "saslprep"))]
fn saslprep(_: &str) -> Result<Cow<'_, str>, Error> {
    Err(unavailable("SASLprep (feature saslprep)"))
}

#[cfg(feature = "precis")]
fn opaque_string(s: &str) -> Result<Cow<'_, str>, Error> {
    xmpp_precis::Profile::OpaqueString
        .enforce(s)
        .map_err(|_| prep_error())
}

#[cfg(feature = "precis")]
fn username_case_mapped(s: &str) -> Result<Cow<'_, str>, Error> {
    xmpp_precis::Profile::UsernameCaseMapped
        .enforce(s)
        .map_err(|_| prep_error())
}

#[cfg(feature = "precis")]
fn username_case_preserved(s: &str) -> Result<Cow<'_, str>, Error> {
    xmpp_precis::Profile::UsernameCasePreserved
        .enforce(s)
        .map_err(|_| prep_error())
}

#[cfg(not(feature = "precis"))]
fn opaque_string(_: &str) -> Result<Cow<'_, str>, Error> {
    Err(unavailable("OpaqueString (feature precis)"))
}

#[cfg(not(feature = "precis"))]
fn username_case_mapped(_: &str) -> Result<Cow<'_, str>, Error> {
    Err(unavailable("UsernameCaseMapped (feature precis)"))
}

#[cfg(not(feature = "precis"))]
fn username_case_preserved(_: &str) -> Result<Cow<'_, str>, Error> {
    Err(unavailable("UsernameCasePreserved (feature precis)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn none_is_identity() {
        assert_eq!(PasswordPrep::None.prepare("a\u{AD}b").unwrap(), "a\u{AD}b");
        assert_eq!(UsernamePrep::None.prepare("User").unwrap(), "User");
    }

    #[cfg(feature = "precis")]
    #[test]
    fn opaque_string_is_default() {
        assert_eq!(PasswordPrep::default(), PasswordPrep::OpaqueString);
        assert_eq!(
            PasswordPrep::OpaqueString.prepare("pencil").unwrap(),
            "pencil"
        );
        // OpaqueString maps non-ASCII spaces to U+0020 and applies NFC.
        assert_eq!(
            PasswordPrep::OpaqueString.prepare("a\u{00A0}b").unwrap(),
            "a b"
        );
        assert_eq!(
            PasswordPrep::OpaqueString.prepare("e\u{301}").unwrap(),
            "\u{E9}"
        );
        assert!(PasswordPrep::OpaqueString.prepare("").is_err());
        assert!(PasswordPrep::OpaqueString.prepare("a\u{7}").is_err());
        assert_eq!(
            UsernamePrep::CaseMapped.prepare("Juliet").unwrap(),
            "juliet"
        );
        assert_eq!(
            UsernamePrep::CasePreserved.prepare("Juliet").unwrap(),
            "Juliet"
        );
    }

    #[cfg(feature = "saslprep")]
    #[test]
    fn saslprep_maps_soft_hyphen() {
        assert_eq!(PasswordPrep::SaslPrep.prepare("I\u{AD}X").unwrap(), "IX");
        assert!(PasswordPrep::SaslPrep.prepare("\u{7}").is_err());
    }
}
