//! Errors: every failure names one of the
//! [RFC 6120 §6.5](https://www.rfc-editor.org/rfc/rfc6120#section-6.5) SASL failure
//! conditions plus a precise [`Reason`].

use alloc::string::String;
use core::fmt;

/// The SASL failure conditions of
/// [RFC 6120 §6.5](https://www.rfc-editor.org/rfc/rfc6120#section-6.5).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Condition {
    /// `aborted` ([§6.5.1](https://www.rfc-editor.org/rfc/rfc6120#section-6.5.1)).
    Aborted,
    /// `account-disabled` ([§6.5.2](https://www.rfc-editor.org/rfc/rfc6120#section-6.5.2)).
    AccountDisabled,
    /// `credentials-expired` ([§6.5.3](https://www.rfc-editor.org/rfc/rfc6120#section-6.5.3)).
    CredentialsExpired,
    /// `encryption-required` ([§6.5.4](https://www.rfc-editor.org/rfc/rfc6120#section-6.5.4)).
    EncryptionRequired,
    /// `incorrect-encoding` ([§6.5.5](https://www.rfc-editor.org/rfc/rfc6120#section-6.5.5)).
    IncorrectEncoding,
    /// `invalid-authzid` ([§6.5.6](https://www.rfc-editor.org/rfc/rfc6120#section-6.5.6)).
    InvalidAuthzid,
    /// `invalid-mechanism` ([§6.5.7](https://www.rfc-editor.org/rfc/rfc6120#section-6.5.7)).
    InvalidMechanism,
    /// `malformed-request` ([§6.5.8](https://www.rfc-editor.org/rfc/rfc6120#section-6.5.8)).
    MalformedRequest,
    /// `mechanism-too-weak` ([§6.5.9](https://www.rfc-editor.org/rfc/rfc6120#section-6.5.9)).
    MechanismTooWeak,
    /// `not-authorized` ([§6.5.10](https://www.rfc-editor.org/rfc/rfc6120#section-6.5.10)).
    NotAuthorized,
    /// `temporary-auth-failure` ([§6.5.11](https://www.rfc-editor.org/rfc/rfc6120#section-6.5.11)).
    TemporaryAuthFailure,
}

impl Condition {
    /// The element name used on the wire, for example `"not-authorized"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Condition::Aborted => "aborted",
            Condition::AccountDisabled => "account-disabled",
            Condition::CredentialsExpired => "credentials-expired",
            Condition::EncryptionRequired => "encryption-required",
            Condition::IncorrectEncoding => "incorrect-encoding",
            Condition::InvalidAuthzid => "invalid-authzid",
            Condition::InvalidMechanism => "invalid-mechanism",
            Condition::MalformedRequest => "malformed-request",
            Condition::MechanismTooWeak => "mechanism-too-weak",
            Condition::NotAuthorized => "not-authorized",
            Condition::TemporaryAuthFailure => "temporary-auth-failure",
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `server-error-value`s of
/// [RFC 5802 §7](https://www.rfc-editor.org/rfc/rfc5802#section-7), sent by a SCRAM
/// server as `e=<value>` in its final message.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ScramServerError {
    /// `invalid-encoding`
    InvalidEncoding,
    /// `extensions-not-supported`
    ExtensionsNotSupported,
    /// `invalid-proof`
    InvalidProof,
    /// `channel-bindings-dont-match`
    ChannelBindingsDontMatch,
    /// `server-does-support-channel-binding`
    ServerDoesSupportChannelBinding,
    /// `channel-binding-not-supported`
    ChannelBindingNotSupported,
    /// `unsupported-channel-binding-type`
    UnsupportedChannelBindingType,
    /// `unknown-user`
    UnknownUser,
    /// `invalid-username-encoding`
    InvalidUsernameEncoding,
    /// `no-resources`
    NoResources,
    /// `other-error`
    OtherError,
    /// Any other value (RFC 5802 says to treat it as `other-error`).
    Unrecognized(String),
}

impl ScramServerError {
    /// The value as written after `e=`.
    pub fn as_str(&self) -> &str {
        match self {
            ScramServerError::InvalidEncoding => "invalid-encoding",
            ScramServerError::ExtensionsNotSupported => "extensions-not-supported",
            ScramServerError::InvalidProof => "invalid-proof",
            ScramServerError::ChannelBindingsDontMatch => "channel-bindings-dont-match",
            ScramServerError::ServerDoesSupportChannelBinding => {
                "server-does-support-channel-binding"
            }
            ScramServerError::ChannelBindingNotSupported => "channel-binding-not-supported",
            ScramServerError::UnsupportedChannelBindingType => "unsupported-channel-binding-type",
            ScramServerError::UnknownUser => "unknown-user",
            ScramServerError::InvalidUsernameEncoding => "invalid-username-encoding",
            ScramServerError::NoResources => "no-resources",
            ScramServerError::OtherError => "other-error",
            ScramServerError::Unrecognized(s) => s,
        }
    }

    /// Parses a value received after `e=`.
    pub fn parse(s: &str) -> Self {
        match s {
            "invalid-encoding" => ScramServerError::InvalidEncoding,
            "extensions-not-supported" => ScramServerError::ExtensionsNotSupported,
            "invalid-proof" => ScramServerError::InvalidProof,
            "channel-bindings-dont-match" => ScramServerError::ChannelBindingsDontMatch,
            "server-does-support-channel-binding" => {
                ScramServerError::ServerDoesSupportChannelBinding
            }
            "channel-binding-not-supported" => ScramServerError::ChannelBindingNotSupported,
            "unsupported-channel-binding-type" => ScramServerError::UnsupportedChannelBindingType,
            "unknown-user" => ScramServerError::UnknownUser,
            "invalid-username-encoding" => ScramServerError::InvalidUsernameEncoding,
            "no-resources" => ScramServerError::NoResources,
            "other-error" => ScramServerError::OtherError,
            other => ScramServerError::Unrecognized(other.into()),
        }
    }
}

/// Why an exchange failed, in more detail than the [`Condition`].
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// A peer message is longer than [`Limits::max_message_len`](crate::Limits).
    MessageTooLong,
    /// A peer message has more attributes or directives than the limit.
    TooManyAttributes,
    /// A field is longer than the limit for it.
    FieldTooLong(&'static str),
    /// A peer message does not follow the mechanism's grammar.
    Syntax(&'static str),
    /// A required attribute or directive is missing.
    Missing(&'static str),
    /// An attribute or directive appears twice.
    Duplicate(&'static str),
    /// Invalid base64.
    Base64,
    /// Invalid UTF-8.
    Utf8,
    /// A NUL or otherwise forbidden character.
    ForbiddenCharacter,
    /// String preparation (OpaqueString, SASLprep, username profile) rejected a string.
    Preparation,
    /// The SCRAM server nonce does not start with the client nonce.
    NonceMismatch,
    /// The SCRAM iteration count is outside the configured bounds.
    IterationCount(u32),
    /// The SCRAM salt is empty or too long.
    Salt,
    /// An unsupported mandatory SCRAM extension (`m=`).
    MandatoryExtension,
    /// The server's signature (SCRAM `v=`, DIGEST-MD5 `rspauth`) does not verify.
    ServerSignature,
    /// The client proof or response does not verify (wrong password).
    InvalidProof,
    /// Unknown user (reported as a proof failure to the peer).
    UnknownUser,
    /// The channel-binding data does not match the TLS layer's value.
    ChannelBindingMismatch,
    /// The client asked for a channel-binding type the server cannot provide.
    UnsupportedChannelBindingType,
    /// The gs2 header does not fit the mechanism (for example `p=` with a non-PLUS
    /// mechanism, or `n` with a PLUS mechanism).
    ChannelBindingFlag,
    /// The client said `y` although the server offered a -PLUS mechanism: a downgrade.
    Downgrade,
    /// XEP-0474 downgrade-protection hash mismatch.
    DowngradeProtection,
    /// The SCRAM server sent `e=`.
    ServerError(ScramServerError),
    /// The requested authorization identity is not allowed for this user.
    AuthzidNotAllowed,
    /// The peer requested something the mechanism refuses (for example DIGEST-MD5
    /// qop other than `auth`).
    Unsupported(&'static str),
    /// A message arrived when the exchange was already complete or failed.
    UnexpectedMessage,
    /// The exchange ended before authentication completed (for example a success
    /// without the server signature).
    Incomplete,
    /// No mutually acceptable mechanism.
    NoMechanism,
    /// The credential store reported a failure.
    Store,
    /// The nonce source failed.
    Randomness,
    /// No channel-binding data was given for a -PLUS mechanism (caller mistake).
    NoChannelBindingData,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::MessageTooLong => f.write_str("message too long"),
            Reason::TooManyAttributes => f.write_str("too many attributes"),
            Reason::FieldTooLong(what) => write!(f, "{what} too long"),
            Reason::Syntax(what) => write!(f, "syntax: {what}"),
            Reason::Missing(what) => write!(f, "missing {what}"),
            Reason::Duplicate(what) => write!(f, "duplicate {what}"),
            Reason::Base64 => f.write_str("invalid base64"),
            Reason::Utf8 => f.write_str("invalid UTF-8"),
            Reason::ForbiddenCharacter => f.write_str("forbidden character"),
            Reason::Preparation => f.write_str("string preparation failed"),
            Reason::NonceMismatch => f.write_str("server nonce does not extend the client nonce"),
            Reason::IterationCount(i) => write!(f, "iteration count {i} out of bounds"),
            Reason::Salt => f.write_str("invalid salt"),
            Reason::MandatoryExtension => f.write_str("unsupported mandatory extension"),
            Reason::ServerSignature => f.write_str("server signature does not verify"),
            Reason::InvalidProof => f.write_str("invalid proof"),
            Reason::UnknownUser => f.write_str("unknown user"),
            Reason::ChannelBindingMismatch => f.write_str("channel bindings do not match"),
            Reason::UnsupportedChannelBindingType => {
                f.write_str("unsupported channel-binding type")
            }
            Reason::ChannelBindingFlag => f.write_str("channel-binding flag does not fit"),
            Reason::Downgrade => {
                f.write_str("client claims the server offers no channel binding (downgrade)")
            }
            Reason::DowngradeProtection => f.write_str("downgrade-protection hash mismatch"),
            Reason::ServerError(e) => write!(f, "server error e={}", e.as_str()),
            Reason::AuthzidNotAllowed => f.write_str("authorization identity not allowed"),
            Reason::Unsupported(what) => write!(f, "unsupported {what}"),
            Reason::UnexpectedMessage => f.write_str("unexpected message"),
            Reason::Incomplete => f.write_str("exchange incomplete"),
            Reason::NoMechanism => f.write_str("no acceptable mechanism"),
            Reason::Store => f.write_str("credential store failure"),
            Reason::Randomness => f.write_str("nonce source failure"),
            Reason::NoChannelBindingData => f.write_str("no channel-binding data"),
        }
    }
}

/// A failed SASL step: the RFC 6120 condition to report plus the detailed reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    condition: Condition,
    reason: Reason,
}

impl Error {
    /// Builds an error from a condition and a reason.
    pub fn new(condition: Condition, reason: Reason) -> Self {
        Error { condition, reason }
    }

    /// The RFC 6120 §6.5 condition to put in `<failure/>`.
    pub fn condition(&self) -> Condition {
        self.condition
    }

    /// The detailed reason.
    pub fn reason(&self) -> &Reason {
        &self.reason
    }

    pub(crate) fn malformed(reason: Reason) -> Self {
        Error::new(Condition::MalformedRequest, reason)
    }

    pub(crate) fn syntax(what: &'static str) -> Self {
        Error::new(Condition::MalformedRequest, Reason::Syntax(what))
    }

    pub(crate) fn not_authorized(reason: Reason) -> Self {
        Error::new(Condition::NotAuthorized, reason)
    }

    pub(crate) fn unexpected() -> Self {
        Error::new(Condition::MalformedRequest, Reason::UnexpectedMessage)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.condition, self.reason)
    }
}

impl core::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn display_names_condition_and_reason() {
        let e = Error::not_authorized(Reason::InvalidProof);
        assert_eq!(e.to_string(), "not-authorized: invalid proof");
    }

    #[test]
    fn scram_error_round_trip() {
        for v in [
            "invalid-proof",
            "unknown-user",
            "other-error",
            "something-new",
        ] {
            assert_eq!(ScramServerError::parse(v).as_str(), v);
        }
    }
}
