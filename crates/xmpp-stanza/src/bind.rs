//! Resource binding ([RFC 6120 §7](https://www.rfc-editor.org/rfc/rfc6120#section-7)).

use alloc::string::String;

use xmpp_jid::FullJid;
use xmpp_xml::{Element, ElementRef};

use crate::error::ParseError;
use crate::ns::BIND;
use crate::util::{child_elements, el, element_conversions, expect, finish, text};

/// The `<bind/>` IQ payload, as sent in the request (IQ `set`) or the result.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Bind {
    /// The client's request, with the resourcepart it proposes or `None` to let the server
    /// choose ([§7.6](https://www.rfc-editor.org/rfc/rfc6120#section-7.6),
    /// [§7.7](https://www.rfc-editor.org/rfc/rfc6120#section-7.7)).
    Request(Option<String>),
    /// The server's result: the full JID bound to the stream
    /// ([§7.6.1](https://www.rfc-editor.org/rfc/rfc6120#section-7.6.1)).
    Result(FullJid),
}

impl Bind {
    /// Parses `<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>`. The text of `<jid/>` is
    /// trimmed of surrounding whitespace before it is parsed.
    ///
    /// # Errors
    /// A [`ParseError`]: another element, both `<resource/>` and `<jid/>`, either repeated,
    /// or a `<jid/>` that is not a full JID.
    pub fn parse(e: ElementRef<'_>) -> Result<Self, ParseError> {
        expect(e, BIND, "bind", "{urn:ietf:params:xml:ns:xmpp-bind}bind")?;
        let mut resource = None;
        let mut jid = None;
        for c in child_elements(e) {
            if c.ns() != BIND {
                continue;
            }
            match c.name() {
                "resource" if resource.is_none() => resource = Some(c.text().into_owned()),
                "jid" if jid.is_none() => {
                    let t = c.text();
                    let j = FullJid::new(t.trim()).map_err(|error| ParseError::InvalidJid {
                        element: "bind",
                        attribute: "jid",
                        error,
                    })?;
                    jid = Some(j);
                }
                "resource" | "jid" => {
                    return Err(ParseError::DuplicateChild {
                        element: "bind",
                        child: if c.name() == "jid" { "jid" } else { "resource" },
                    });
                }
                _ => {}
            }
        }
        match (resource, jid) {
            (Some(_), Some(_)) => Err(ParseError::DuplicateChild {
                element: "bind",
                child: "resource and jid",
            }),
            (None, Some(j)) => Ok(Bind::Result(j)),
            (r, None) => Ok(Bind::Request(r)),
        }
    }

    /// The element.
    #[must_use]
    pub fn to_element(&self) -> Element {
        let child = match self {
            Bind::Request(None) => None,
            Bind::Request(Some(r)) => Some(finish(text(el(BIND, "resource"), r), BIND, "resource")),
            Bind::Result(j) => Some(finish(text(el(BIND, "jid"), j.as_str()), BIND, "jid")),
        };
        let b = el(BIND, "bind");
        let b = match child {
            Some(c) => b.child(c),
            None => b,
        };
        finish(b, BIND, "bind")
    }
}

element_conversions!(Bind);
