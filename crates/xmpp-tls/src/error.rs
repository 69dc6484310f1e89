//! Typed errors: TLS engine failures and STARTTLS / direct-TLS negotiation failures.

use core::fmt;

/// What went wrong inside a TLS engine, engine-independent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TlsErrorKind {
    /// The peer's certificate is not valid for the expected name
    /// ([RFC 6125](https://www.rfc-editor.org/rfc/rfc6125), [RFC 6120 §13.7.2](https://www.rfc-editor.org/rfc/rfc6120#section-13.7.2)).
    CertificateNameMismatch,
    /// The peer's certificate could not be validated (unknown issuer, expired, bad
    /// signature, revoked, wrong usage, ...).
    CertificateInvalid,
    /// The peer presented no certificate although one was required.
    NoCertificate,
    /// No application protocol (ALPN) in common
    /// ([RFC 7301 §3.2](https://www.rfc-editor.org/rfc/rfc7301#section-3.2)).
    NoApplicationProtocol,
    /// The peer sent a fatal alert.
    AlertReceived,
    /// The peer sent bytes that are not valid TLS, or broke the protocol.
    Protocol,
    /// No protocol version or cipher suite in common, or a required extension (such as
    /// the extended master secret) is missing.
    Incompatible,
    /// The operation needs a completed handshake.
    HandshakeNotComplete,
    /// The connection is closed (`close_notify` sent or received) and takes no more
    /// data in that direction.
    Closed,
    /// The application's configuration is unusable (for example an invalid server
    /// name).
    Config,
    /// Anything else the engine reports.
    Other,
}

/// An error from a [`TlsEngine`](crate::TlsEngine): a kind to act on and a
/// human-readable detail (never key material).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsError {
    kind: TlsErrorKind,
    detail: String,
}

impl TlsError {
    /// A new error of `kind` with a detail message.
    pub fn new(kind: TlsErrorKind, detail: impl Into<String>) -> Self {
        TlsError {
            kind,
            detail: detail.into(),
        }
    }

    /// The kind of failure.
    #[must_use]
    pub fn kind(&self) -> TlsErrorKind {
        self.kind
    }

    /// The engine's description.
    #[must_use]
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl fmt::Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TLS error ({:?}): {}", self.kind, self.detail)
    }
}

impl core::error::Error for TlsError {}

/// Why a STARTTLS or direct-TLS negotiation cannot go on. Every variant ends the
/// negotiation: the machine that returned it stays failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NegotiationError {
    /// Local policy requires TLS but the peer's stream features carry no `<starttls/>`
    /// (possibly stripped by an attacker): the stream must not go on in plaintext
    /// ([RFC 6120 §5.3.1](https://www.rfc-editor.org/rfc/rfc6120#section-5.3.1)).
    TlsNotOffered,
    /// The peer marked STARTTLS `<required/>` but local policy disables TLS
    /// ([RFC 6120 §5.3.1](https://www.rfc-editor.org/rfc/rfc6120#section-5.3.1)).
    PeerRequiresTls,
    /// The initiating entity tried something other than `<starttls/>` while the
    /// receiving entity's policy makes TLS mandatory to negotiate
    /// ([RFC 6120 §5.3.1](https://www.rfc-editor.org/rfc/rfc6120#section-5.3.1)): close
    /// the stream with an error such as `<policy-violation/>`
    /// ([§4.9.3.14](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.14)).
    TlsRequired,
    /// The receiving entity answered `<failure/>`: it closes the stream and the TCP
    /// connection, so this stream is over
    /// ([RFC 6120 §5.4.2.2](https://www.rfc-editor.org/rfc/rfc6120#section-5.4.2.2)).
    Failure,
    /// Bytes arrived in plaintext where none may: after `<proceed/>`, or from the
    /// initiating entity after `<starttls/>` and before the TLS handshake. Nothing
    /// received before TLS may be processed after it (STARTTLS command injection,
    /// [RFC 6120 §5.4.3.3](https://www.rfc-editor.org/rfc/rfc6120#section-5.4.3.3)).
    PlaintextInjection {
        /// How many unexpected bytes were pending.
        bytes: usize,
    },
    /// An element that has no place at this point of the negotiation (for example
    /// anything other than `<proceed/>` or `<failure/>` after `<starttls/>`,
    /// [RFC 6120 §5.4.2.3](https://www.rfc-editor.org/rfc/rfc6120#section-5.4.2.3)).
    UnexpectedElement {
        /// The element's namespace.
        ns: String,
        /// The element's local name.
        name: String,
    },
    /// Direct TLS: the peer agreed on an ALPN protocol other than the XMPP one
    /// ([XEP-0368](https://xmpp.org/extensions/xep-0368.html)).
    WrongApplicationProtocol,
    /// The TLS handshake failed.
    Tls(TlsError),
    /// Caller mistake: the call does not fit the machine's current state (for example
    /// reporting a handshake as complete while the engine is still handshaking).
    InvalidState(&'static str),
}

impl fmt::Display for NegotiationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NegotiationError::TlsNotOffered => {
                f.write_str("TLS is required by policy but the peer did not offer STARTTLS")
            }
            NegotiationError::PeerRequiresTls => {
                f.write_str("the peer requires TLS but local policy disables it")
            }
            NegotiationError::TlsRequired => {
                f.write_str("TLS is mandatory to negotiate before anything else")
            }
            NegotiationError::Failure => f.write_str("the peer answered STARTTLS with <failure/>"),
            NegotiationError::PlaintextInjection { bytes } => write!(
                f,
                "{bytes} plaintext byte(s) received where only TLS may follow (injection)"
            ),
            NegotiationError::UnexpectedElement { ns, name } => {
                write!(f, "unexpected element {{{ns}}}{name} during STARTTLS")
            }
            NegotiationError::WrongApplicationProtocol => {
                f.write_str("the peer negotiated an ALPN protocol other than the XMPP one")
            }
            NegotiationError::Tls(e) => write!(f, "TLS handshake failed: {e}"),
            NegotiationError::InvalidState(what) => write!(f, "invalid call: {what}"),
        }
    }
}

impl core::error::Error for NegotiationError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            NegotiationError::Tls(e) => Some(e),
            _ => None,
        }
    }
}

impl From<TlsError> for NegotiationError {
    fn from(e: TlsError) -> Self {
        NegotiationError::Tls(e)
    }
}
