//! Legacy session establishment
//! ([RFC 3921 §3](https://www.rfc-editor.org/rfc/rfc3921#section-3); dropped from RFC 6121,
//! still offered by servers, optional since
//! [draft-cridland-xmpp-session](https://datatracker.ietf.org/doc/html/draft-cridland-xmpp-session-01)).

use xmpp_xml::{Element, ElementRef};

use crate::error::ParseError;
use crate::ns::SESSION;
use crate::util::{el, element_conversions, expect, finish};

/// The `<session/>` IQ payload a client sends (in an IQ `set`) to establish a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SessionRequest;

impl SessionRequest {
    /// Parses `<session xmlns='urn:ietf:params:xml:ns:xmpp-session'/>`.
    ///
    /// # Errors
    /// [`ParseError::WrongElement`] for any other element.
    pub fn parse(e: ElementRef<'_>) -> Result<Self, ParseError> {
        expect(
            e,
            SESSION,
            "session",
            "{urn:ietf:params:xml:ns:xmpp-session}session",
        )?;
        Ok(SessionRequest)
    }

    /// The element.
    #[must_use]
    pub fn to_element(&self) -> Element {
        finish(el(SESSION, "session"), SESSION, "session")
    }
}

element_conversions!(SessionRequest);
