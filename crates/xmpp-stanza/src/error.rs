//! The typed error of every `TryFrom<Element>` conversion: which rule the element broke.

use alloc::string::String;
use core::fmt;

/// Why an element is not a valid instance of the typed value asked for.
///
/// Every variant names the element (and attribute or child) concerned, so the caller can
/// log it or answer the peer with the matching condition
/// ([`ParseError::stanza_condition`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseError {
    /// The element is not the one this type represents (wrong local name or namespace).
    WrongElement {
        /// The `{namespace}name` or description of what was expected.
        expected: &'static str,
        /// Namespace of the element found.
        ns: String,
        /// Local name of the element found.
        name: String,
    },
    /// A stanza or stream header in a namespace that is not a content namespace
    /// ([RFC 6120 §4.8.2](https://www.rfc-editor.org/rfc/rfc6120#section-4.8.2)).
    UnknownContentNamespace(String),
    /// A required attribute is absent.
    MissingAttribute {
        /// Element concerned.
        element: &'static str,
        /// Attribute missing.
        attribute: &'static str,
    },
    /// An attribute value breaks the rule given.
    InvalidAttribute {
        /// Element concerned.
        element: &'static str,
        /// Attribute concerned.
        attribute: &'static str,
        /// The rule broken.
        rule: &'static str,
    },
    /// A `to`, `from`, `by` or `<jid/>` value is not a valid JID
    /// ([RFC 7622](https://www.rfc-editor.org/rfc/rfc7622)).
    InvalidJid {
        /// Element concerned.
        element: &'static str,
        /// Attribute (or child) concerned.
        attribute: &'static str,
        /// What the JID parser said.
        error: xmpp_jid::Error,
    },
    /// A required child element is absent.
    MissingChild {
        /// Element concerned.
        element: &'static str,
        /// Child missing.
        child: &'static str,
    },
    /// A child element that may appear at most once appears again.
    DuplicateChild {
        /// Element concerned.
        element: &'static str,
        /// Child repeated.
        child: &'static str,
    },
    /// Character data that breaks the rule given.
    InvalidText {
        /// Element concerned.
        element: &'static str,
        /// The rule broken.
        rule: &'static str,
    },
    /// An error element without a defined condition, or with an unknown one.
    UnknownCondition {
        /// Element concerned.
        element: &'static str,
        /// The child found in the conditions namespace (empty when there was none).
        name: String,
    },
    /// An IQ stanza with the wrong number of payload children
    /// ([RFC 6120 §8.2.3](https://www.rfc-editor.org/rfc/rfc6120#section-8.2.3)).
    IqPayloadCount {
        /// The `type` of the IQ.
        iq_type: &'static str,
        /// Number of payload children found.
        found: usize,
    },
}

impl ParseError {
    pub(crate) fn wrong(expected: &'static str, e: xmpp_xml::ElementRef<'_>) -> Self {
        ParseError::WrongElement {
            expected,
            ns: String::from(e.ns()),
            name: String::from(e.name()),
        }
    }

    /// The stanza error condition to answer a stanza that failed with this error
    /// ([RFC 6120 §8.3.3](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.3)):
    /// `jid-malformed` for an invalid address, `bad-request` otherwise.
    #[must_use]
    pub fn stanza_condition(&self) -> crate::DefinedCondition {
        match self {
            ParseError::InvalidJid { .. } => crate::DefinedCondition::JidMalformed,
            _ => crate::DefinedCondition::BadRequest,
        }
    }

    /// The SASL failure condition to answer a SASL nonza that failed with this error
    /// ([RFC 6120 §6.5](https://www.rfc-editor.org/rfc/rfc6120#section-6.5)):
    /// `incorrect-encoding` for a payload that is not base64, `invalid-mechanism` for an
    /// `<auth/>` without mechanism, `malformed-request` otherwise.
    #[must_use]
    pub fn sasl_condition(&self) -> crate::SaslCondition {
        match self {
            ParseError::InvalidText { .. } => crate::SaslCondition::IncorrectEncoding,
            ParseError::MissingAttribute {
                attribute: "mechanism",
                ..
            } => crate::SaslCondition::InvalidMechanism,
            _ => crate::SaslCondition::MalformedRequest,
        }
    }

    /// The stream error condition to close a stream whose header failed with this error
    /// ([RFC 6120 §4.9.3](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3)):
    /// `invalid-namespace` for an unknown content namespace, `invalid-from` for a bad
    /// `from`, `improper-addressing` for a bad `to`, `unsupported-version` for a bad
    /// `version`, `bad-format` otherwise.
    #[must_use]
    pub fn stream_condition(&self) -> crate::StreamCondition {
        use crate::StreamCondition as C;
        match self {
            ParseError::UnknownContentNamespace(_) => C::InvalidNamespace,
            ParseError::InvalidJid {
                attribute: "from", ..
            } => C::InvalidFrom,
            ParseError::InvalidJid { .. } => C::ImproperAddressing,
            ParseError::InvalidAttribute {
                attribute: "version",
                ..
            } => C::UnsupportedVersion,
            _ => C::BadFormat,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::WrongElement { expected, ns, name } => {
                write!(f, "expected {expected}, found {{{ns}}}{name}")
            }
            ParseError::UnknownContentNamespace(ns) => {
                write!(f, "'{ns}' is not a content namespace")
            }
            ParseError::MissingAttribute { element, attribute } => {
                write!(f, "<{element}/> lacks the required '{attribute}' attribute")
            }
            ParseError::InvalidAttribute {
                element,
                attribute,
                rule,
            } => write!(f, "'{attribute}' of <{element}/>: {rule}"),
            ParseError::InvalidJid {
                element,
                attribute,
                error,
            } => write!(
                f,
                "'{attribute}' of <{element}/> is not a valid JID: {error}"
            ),
            ParseError::MissingChild { element, child } => {
                write!(f, "<{element}/> lacks the required <{child}/> child")
            }
            ParseError::DuplicateChild { element, child } => {
                write!(f, "<{element}/> has more than one <{child}/> child")
            }
            ParseError::InvalidText { element, rule } => {
                write!(f, "text of <{element}/>: {rule}")
            }
            ParseError::UnknownCondition { element, name } if name.is_empty() => {
                write!(f, "<{element}/> has no defined condition")
            }
            ParseError::UnknownCondition { element, name } => {
                write!(f, "<{element}/> has the unknown condition <{name}/>")
            }
            ParseError::IqPayloadCount { iq_type, found } => write!(
                f,
                "an IQ of type '{iq_type}' has {found} payload children (RFC 6120 §8.2.3)"
            ),
        }
    }
}

impl core::error::Error for ParseError {}
