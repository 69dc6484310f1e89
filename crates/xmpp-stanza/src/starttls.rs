//! STARTTLS nonzas ([RFC 6120 §5.4.2](https://www.rfc-editor.org/rfc/rfc6120#section-5.4.2)).

use xmpp_xml::{Element, ElementRef};

use crate::error::ParseError;
use crate::ns::TLS;
use crate::util::{el, element_conversions, finish};

/// A STARTTLS negotiation nonza in `urn:ietf:params:xml:ns:xmpp-tls`. (The `<starttls/>`
/// stream feature is [`StartTlsFeature`](crate::StartTlsFeature).)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StartTls {
    /// `<starttls/>`: the initiating entity asks to start TLS
    /// ([§5.4.2.1](https://www.rfc-editor.org/rfc/rfc6120#section-5.4.2.1)).
    Request,
    /// `<proceed/>`: go ahead ([§5.4.2.3](https://www.rfc-editor.org/rfc/rfc6120#section-5.4.2.3)).
    Proceed,
    /// `<failure/>`: the receiving entity closes the stream
    /// ([§5.4.2.2](https://www.rfc-editor.org/rfc/rfc6120#section-5.4.2.2)).
    Failure,
}

impl StartTls {
    /// Parses one of the three nonzas (children are ignored).
    ///
    /// # Errors
    /// [`ParseError::WrongElement`] for any other element.
    pub fn parse(e: ElementRef<'_>) -> Result<Self, ParseError> {
        if e.ns() != TLS {
            return Err(ParseError::wrong("a STARTTLS nonza", e));
        }
        match e.name() {
            "starttls" => Ok(StartTls::Request),
            "proceed" => Ok(StartTls::Proceed),
            "failure" => Ok(StartTls::Failure),
            _ => Err(ParseError::wrong("a STARTTLS nonza", e)),
        }
    }

    /// The element name.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            StartTls::Request => "starttls",
            StartTls::Proceed => "proceed",
            StartTls::Failure => "failure",
        }
    }

    /// The element.
    #[must_use]
    pub fn to_element(&self) -> Element {
        finish(el(TLS, self.name()), TLS, self.name())
    }
}

element_conversions!(StartTls);
