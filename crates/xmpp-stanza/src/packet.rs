//! Dispatch of any top-level element of a stream to its typed value.

use xmpp_xml::{Element, ElementRef};

use crate::error::ParseError;
use crate::features::StreamFeatures;
use crate::ns::{SASL, STREAM_NS, TLS};
use crate::sasl::Sasl;
use crate::stanza::Stanza;
use crate::starttls::StartTls;
use crate::stream_error::StreamError;

/// A top-level child of the stream: a stanza or one of the nonzas of RFC 6120, typed, or
/// anything else kept raw.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[expect(
    clippy::large_enum_variant,
    reason = "stanzas are the common case; boxing them would cost an allocation each"
)]
pub enum Packet {
    /// `<message/>`, `<presence/>` or `<iq/>` in a content namespace.
    Stanza(Stanza),
    /// `<stream:features/>`.
    Features(StreamFeatures),
    /// `<stream:error/>`.
    StreamError(StreamError),
    /// A STARTTLS nonza.
    StartTls(StartTls),
    /// A SASL nonza.
    Sasl(Sasl),
    /// Anything else (for example XEP-0198 nonzas), raw.
    Other(Element),
}

impl Packet {
    /// Types a top-level element by its name and namespace.
    ///
    /// # Errors
    /// The [`ParseError`] of the typed parser when the element is a known stanza or nonza
    /// that breaks its rules (an unknown element is [`Packet::Other`], never an error).
    pub fn parse(e: ElementRef<'_>) -> Result<Self, ParseError> {
        if Stanza::is_stanza(e) {
            return Stanza::parse(e).map(Packet::Stanza);
        }
        match e.ns() {
            STREAM_NS if e.name() == "features" => StreamFeatures::parse(e).map(Packet::Features),
            STREAM_NS if e.name() == "error" => StreamError::parse(e).map(Packet::StreamError),
            TLS if matches!(e.name(), "starttls" | "proceed" | "failure") => {
                StartTls::parse(e).map(Packet::StartTls)
            }
            SASL if matches!(
                e.name(),
                "auth" | "challenge" | "response" | "abort" | "success" | "failure"
            ) =>
            {
                Sasl::parse(e).map(Packet::Sasl)
            }
            _ => Ok(Packet::Other(e.to_owned())),
        }
    }

    /// The element.
    #[must_use]
    pub fn to_element(&self) -> Element {
        match self {
            Packet::Stanza(s) => s.to_element(),
            Packet::Features(f) => f.to_element(),
            Packet::StreamError(e) => e.to_element(),
            Packet::StartTls(t) => t.to_element(),
            Packet::Sasl(s) => s.to_element(),
            Packet::Other(e) => e.clone(),
        }
    }
}

crate::util::element_conversions!(Packet);
