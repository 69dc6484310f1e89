//! `<iq/>` stanzas ([RFC 6120 §8.2.3](https://www.rfc-editor.org/rfc/rfc6120#section-8.2.3)).

use alloc::string::String;
use core::fmt;

use xmpp_jid::Jid;
use xmpp_xml::{Element, ElementRef};

use crate::error::ParseError;
use crate::ns::ContentNs;
use crate::stanza::{Attrs, Common};
use crate::stanza_error::StanzaError;
use crate::util::{child_elements, el, element_conversions, finish};

/// The `type` of an IQ stanza.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IqType {
    /// A request for information.
    Get,
    /// A request that provides data or changes state.
    Set,
    /// A successful response.
    Result,
    /// An error response.
    Error,
}

impl IqType {
    /// The attribute value.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            IqType::Get => "get",
            IqType::Set => "set",
            IqType::Result => "result",
            IqType::Error => "error",
        }
    }
}

impl fmt::Display for IqType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The type of an IQ together with the payload its type allows
/// ([RFC 6120 §8.2.3](https://www.rfc-editor.org/rfc/rfc6120#section-8.2.3)): exactly one
/// child for `get` and `set`, zero or one for `result`, an `<error/>` (and optionally the
/// original payload) for `error`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IqPayload {
    /// `get` with its request payload.
    Get(Element),
    /// `set` with its request payload.
    Set(Element),
    /// `result` with its optional payload.
    Result(Option<Element>),
    /// `error` with the error and, optionally, the payload of the request.
    Error {
        /// The `<error/>` child.
        error: StanzaError,
        /// The original request payload, if the responder included it.
        original: Option<Element>,
    },
}

/// An `<iq/>` stanza. The `id` is required.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Iq {
    /// Content namespace.
    pub ns: ContentNs,
    /// The `id` attribute (required for IQ).
    pub id: String,
    /// The `from` attribute.
    pub from: Option<Jid>,
    /// The `to` attribute.
    pub to: Option<Jid>,
    /// The `xml:lang` attribute.
    pub lang: Option<String>,
    /// The type and its payload.
    pub payload: IqPayload,
}

impl Iq {
    /// An IQ in `jabber:client` with `id` and `payload`.
    #[must_use]
    pub fn new(id: impl Into<String>, payload: IqPayload) -> Self {
        Iq {
            ns: ContentNs::Client,
            id: id.into(),
            from: None,
            to: None,
            lang: None,
            payload,
        }
    }

    /// A `get` request.
    #[must_use]
    pub fn get(id: impl Into<String>, to: Option<Jid>, payload: Element) -> Self {
        Iq {
            to,
            ..Iq::new(id, IqPayload::Get(payload))
        }
    }

    /// A `set` request.
    #[must_use]
    pub fn set(id: impl Into<String>, to: Option<Jid>, payload: Element) -> Self {
        Iq {
            to,
            ..Iq::new(id, IqPayload::Set(payload))
        }
    }

    /// The type.
    #[must_use]
    pub fn iq_type(&self) -> IqType {
        match self.payload {
            IqPayload::Get(_) => IqType::Get,
            IqPayload::Set(_) => IqType::Set,
            IqPayload::Result(_) => IqType::Result,
            IqPayload::Error { .. } => IqType::Error,
        }
    }

    /// Whether this is a request (`get` or `set`), which must be answered.
    #[must_use]
    pub fn is_request(&self) -> bool {
        matches!(self.payload, IqPayload::Get(_) | IqPayload::Set(_))
    }

    /// The request payload of a `get` or `set`, or the payload of a `result`.
    #[must_use]
    pub fn payload_element(&self) -> Option<&Element> {
        match &self.payload {
            IqPayload::Get(e) | IqPayload::Set(e) => Some(e),
            IqPayload::Result(e) => e.as_ref(),
            IqPayload::Error { original, .. } => original.as_ref(),
        }
    }

    fn reply(&self, payload: IqPayload) -> Option<Iq> {
        self.is_request().then(|| Iq {
            ns: self.ns,
            id: self.id.clone(),
            from: self.to.clone(),
            to: self.from.clone(),
            lang: None,
            payload,
        })
    }

    /// The `result` answering this request: same `id`, `from`/`to` swapped. `None` when
    /// this is not a request (results and errors are never answered).
    #[must_use]
    pub fn result_reply(&self, payload: Option<Element>) -> Option<Iq> {
        self.reply(IqPayload::Result(payload))
    }

    /// The `error` answering this request
    /// ([RFC 6120 §8.3.1](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.1)): same `id`,
    /// `from`/`to` swapped, the request payload included. `None` when this is not a
    /// request.
    #[must_use]
    pub fn error_reply(&self, error: StanzaError) -> Option<Iq> {
        let original = self.payload_element().cloned();
        self.reply(IqPayload::Error { error, original })
    }

    /// Whether this `result` or `error` answers `request`
    /// ([RFC 6120 §8.2.3](https://www.rfc-editor.org/rfc/rfc6120#section-8.2.3),
    /// [§10.3.3](https://www.rfc-editor.org/rfc/rfc6120#section-10.3.3)): same `id`, and it
    /// comes from the entity the request was sent to. A request without `to` is answered
    /// by the sender's own server on its behalf, so then a response without `from`, from
    /// `account`'s bare JID or from `account`'s domain also matches; likewise a response
    /// without `from` matches a request sent to `account`'s bare JID or domain.
    #[must_use]
    pub fn is_response_to(&self, request: &Iq, account: Option<&Jid>) -> bool {
        if self.is_request() || !request.is_request() || self.id != request.id {
            return false;
        }
        // Whether `j` is the account's own bare JID or its server.
        let own = |j: &Jid| {
            account.is_some_and(|a| j.as_str() == a.bare_str() || j.as_str() == a.domainpart())
        };
        match (&request.to, &self.from) {
            (Some(to), Some(from)) => to == from,
            // A stanza without `from` comes from the account's own server or bare JID
            // ([§8.1.2.1](https://www.rfc-editor.org/rfc/rfc6120#section-8.1.2.1)).
            (Some(to), None) => own(to),
            (None, None) => true,
            (None, Some(from)) => own(from),
        }
    }

    /// Parses an `<iq/>` in any content namespace.
    ///
    /// # Errors
    /// A [`ParseError`]: not an iq, missing `id` or `type`, unknown `type`, invalid
    /// `to`/`from`, a `get`/`set` without exactly one child, a `result` with more than one,
    /// an `error` without a valid `<error/>` or with more than one other child.
    pub fn parse(e: ElementRef<'_>) -> Result<Self, ParseError> {
        let c = Common::parse(e, "iq")?;
        let id = c.id.ok_or(ParseError::MissingAttribute {
            element: "iq",
            attribute: "id",
        })?;
        let iq_type = match e.attr("type") {
            Some("get") => IqType::Get,
            Some("set") => IqType::Set,
            Some("result") => IqType::Result,
            Some("error") => IqType::Error,
            Some(_) => {
                return Err(ParseError::InvalidAttribute {
                    element: "iq",
                    attribute: "type",
                    rule: "must be get, set, result or error (RFC 6120 §8.2.3)",
                });
            }
            None => {
                return Err(ParseError::MissingAttribute {
                    element: "iq",
                    attribute: "type",
                });
            }
        };
        let ns = c.ns.as_str();
        let mut first = None;
        let mut count = 0usize;
        let mut error = None;
        for child in child_elements(e) {
            if iq_type == IqType::Error && child.ns() == ns && child.name() == "error" {
                if error.is_some() {
                    return Err(ParseError::DuplicateChild {
                        element: "iq",
                        child: "error",
                    });
                }
                error = Some(StanzaError::parse(child)?);
                continue;
            }
            count += 1;
            if first.is_none() {
                first = Some(child);
            }
        }
        let payload = match iq_type {
            IqType::Get | IqType::Set => match (count, first) {
                (1, Some(p)) if iq_type == IqType::Get => IqPayload::Get(p.to_owned()),
                (1, Some(p)) => IqPayload::Set(p.to_owned()),
                _ => {
                    return Err(ParseError::IqPayloadCount {
                        iq_type: iq_type.as_str(),
                        found: count,
                    });
                }
            },
            IqType::Result if count <= 1 => IqPayload::Result(first.map(|p| p.to_owned())),
            IqType::Error if count <= 1 => IqPayload::Error {
                error: error.ok_or(ParseError::MissingChild {
                    element: "iq",
                    child: "error",
                })?,
                original: first.map(|p| p.to_owned()),
            },
            _ => {
                return Err(ParseError::IqPayloadCount {
                    iq_type: iq_type.as_str(),
                    found: count,
                });
            }
        };
        Ok(Iq {
            ns: c.ns,
            id,
            from: c.from,
            to: c.to,
            lang: c.lang,
            payload,
        })
    }

    /// The common attributes, for both serialisations.
    fn attrs(&self) -> Attrs<'_> {
        Attrs {
            kind: Some(self.iq_type().as_str()),
            id: Some(&self.id),
            from: self.from.as_ref(),
            to: self.to.as_ref(),
            lang: self.lang.as_deref(),
        }
    }

    /// The `<iq/>` element.
    #[must_use]
    pub fn to_element(&self) -> Element {
        let ns = self.ns.as_str();
        let mut b = self.attrs().build(el(ns, "iq"));
        match &self.payload {
            IqPayload::Get(p) | IqPayload::Set(p) => b = b.child(p.clone()),
            IqPayload::Result(p) => {
                if let Some(p) = p {
                    b = b.child(p.clone());
                }
            }
            IqPayload::Error { error, original } => {
                if let Some(p) = original {
                    b = b.child(p.clone());
                }
                b = b.child(error.to_element(self.ns));
            }
        }
        finish(b, ns, "iq")
    }
}

impl Iq {
    /// Serialises the IQ straight to bytes, as
    /// [`Message::write_to`](crate::Message::write_to) does.
    pub fn write_to(&self, out: &mut alloc::vec::Vec<u8>, stream_ns: Option<ContentNs>) {
        use crate::write::{Tag, decl, in_context};
        let mut t = Tag::start(out, "iq", decl(self.ns, stream_ns));
        self.attrs().write(&mut t);
        let w = in_context(self.ns);
        match &self.payload {
            IqPayload::Get(p) | IqPayload::Set(p) | IqPayload::Result(Some(p)) => {
                t.element(&w, p);
            }
            IqPayload::Result(None) => {}
            IqPayload::Error { error, original } => {
                if let Some(p) = original {
                    t.element(&w, p);
                }
                t.child(|out| error.write_inner(out, &w));
            }
        }
        t.end();
    }
}

element_conversions!(Iq);
