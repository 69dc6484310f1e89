//! Typed errors: every framing error names the RFC 6120 stream error condition it maps to.

use core::fmt;

/// The [RFC 6120 §4.9.3](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3) stream error
/// condition that an input error maps to.
///
/// Only the conditions this crate can detect are listed; the full set of stream error
/// conditions lives in the stanza layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Condition {
    /// `<bad-format/>` ([§4.9.3.1](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.1)):
    /// XML that cannot be processed; used here for non-whitespace character data between
    /// stanzas and for data after the stream was closed.
    BadFormat,
    /// `<invalid-namespace/>` ([§4.9.3.10](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.10)):
    /// the stream header is not `{http://etherx.jabber.org/streams}stream`, or its namespace
    /// declarations are broken ([§4.8.1](https://www.rfc-editor.org/rfc/rfc6120#section-4.8.1)).
    InvalidNamespace,
    /// `<not-well-formed/>` ([§4.9.3.13](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.13)):
    /// the data is not well-formed XML or not namespace-well-formed
    /// ([§11.3](https://www.rfc-editor.org/rfc/rfc6120#section-11.3)).
    NotWellFormed,
    /// `<policy-violation/>` ([§4.9.3.14](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.14)):
    /// a configured [`Limits`](crate::Limits) value was exceeded.
    PolicyViolation,
    /// `<restricted-xml/>` ([§4.9.3.18](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.18)):
    /// a comment, processing instruction, DTD or entity reference that
    /// [§11.1](https://www.rfc-editor.org/rfc/rfc6120#section-11.1) forbids.
    RestrictedXml,
    /// `<unsupported-encoding/>` ([§4.9.3.22](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.22)):
    /// an encoding other than UTF-8 was declared, or the bytes violate UTF-8
    /// ([§11.6](https://www.rfc-editor.org/rfc/rfc6120#section-11.6)).
    UnsupportedEncoding,
}

impl Condition {
    /// The element name of the condition as it appears in a `<stream:error/>`,
    /// for example `"not-well-formed"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Condition::BadFormat => "bad-format",
            Condition::InvalidNamespace => "invalid-namespace",
            Condition::NotWellFormed => "not-well-formed",
            Condition::PolicyViolation => "policy-violation",
            Condition::RestrictedXml => "restricted-xml",
            Condition::UnsupportedEncoding => "unsupported-encoding",
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A fatal error in the byte stream: the stream error condition, the byte offset of the
/// offending byte (counted from the start of the current stream, see
/// [`Framer::reset`](crate::Framer::reset)) and a short reason.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Error {
    condition: Condition,
    offset: u64,
    reason: &'static str,
}

impl Error {
    pub(crate) const fn new(condition: Condition, offset: u64, reason: &'static str) -> Self {
        Error {
            condition,
            offset,
            reason,
        }
    }

    /// The RFC 6120 stream error condition to send to the peer.
    #[must_use]
    pub const fn condition(&self) -> Condition {
        self.condition
    }

    /// Offset of the offending byte, counted from the first byte of the current stream.
    #[must_use]
    pub const fn offset(&self) -> u64 {
        self.offset
    }

    /// A short, static, human-readable reason (for logs, not for the peer).
    #[must_use]
    pub const fn reason(&self) -> &'static str {
        self.reason
    }

    pub(crate) fn with_offset(mut self, offset: u64) -> Self {
        self.offset = offset;
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at byte {}: {}",
            self.condition, self.offset, self.reason
        )
    }
}

impl core::error::Error for Error {}

/// A caller mistake when building an [`Element`](crate::Element): a name, namespace, text
/// or attribute value that the parser would reject, so the writer could not emit it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BuildError {
    reason: &'static str,
}

impl BuildError {
    pub(crate) const fn new(reason: &'static str) -> Self {
        BuildError { reason }
    }

    /// What was wrong.
    #[must_use]
    pub const fn reason(&self) -> &'static str {
        self.reason
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid element: {}", self.reason)
    }
}

impl core::error::Error for BuildError {}
