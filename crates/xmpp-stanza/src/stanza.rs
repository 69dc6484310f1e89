//! The three stanza kinds as one type, and the attributes they share
//! ([RFC 6120 §8.1](https://www.rfc-editor.org/rfc/rfc6120#section-8.1)).

use alloc::string::String;

use xmpp_jid::Jid;
use xmpp_xml::{Builder, Element, ElementRef};

use crate::error::ParseError;
use crate::iq::Iq;
use crate::message::Message;
use crate::ns::ContentNs;
use crate::presence::Presence;
use crate::stanza_error::StanzaError;
use crate::util::{element_conversions, jid_attr, lang_of, opt_attr, opt_jid, opt_lang};
use crate::write::{Tag, in_context};

/// The attributes common to all stanzas.
pub(crate) struct Common {
    pub(crate) ns: ContentNs,
    pub(crate) id: Option<String>,
    pub(crate) from: Option<Jid>,
    pub(crate) to: Option<Jid>,
    pub(crate) lang: Option<String>,
}

impl Common {
    /// Checks the element is `name` in a content namespace and reads `id`, `from`, `to`
    /// and `xml:lang`.
    pub(crate) fn parse(e: ElementRef<'_>, name: &'static str) -> Result<Self, ParseError> {
        if e.name() != name {
            return Err(ParseError::wrong(name, e));
        }
        let ns = ContentNs::from_ns(e.ns())
            .ok_or_else(|| ParseError::UnknownContentNamespace(String::from(e.ns())))?;
        Ok(Common {
            ns,
            id: e.attr("id").map(String::from),
            from: jid_attr(e, name, "from")?,
            to: jid_attr(e, name, "to")?,
            lang: lang_of(e),
        })
    }
}

/// The common attributes of one stanza, borrowed for serialising it: each stanza type
/// lists them once, and the element tree and the direct writer both take them from here,
/// so the two serialisations cannot drift apart.
pub(crate) struct Attrs<'a> {
    pub(crate) kind: Option<&'a str>,
    pub(crate) id: Option<&'a str>,
    pub(crate) from: Option<&'a Jid>,
    pub(crate) to: Option<&'a Jid>,
    pub(crate) lang: Option<&'a str>,
}

impl Attrs<'_> {
    /// Adds the attributes in the order `from id to type xml:lang`.
    pub(crate) fn build(&self, b: Builder) -> Builder {
        let b = opt_jid(b, "from", self.from);
        let b = opt_attr(b, "id", self.id);
        let b = opt_jid(b, "to", self.to);
        let b = opt_attr(b, "type", self.kind);
        opt_lang(b, self.lang)
    }

    /// Writes the attributes in the order [`Attrs::build`] adds them.
    pub(crate) fn write(&self, t: &mut Tag<'_>) {
        t.opt_jid("from", self.from)
            .opt_attr("id", self.id)
            .opt_jid("to", self.to)
            .opt_attr("type", self.kind)
            .opt_lang(self.lang);
    }
}

/// Reads the `<error/>` child of an error message or presence into `slot`; a second
/// one is a duplicate.
pub(crate) fn parse_error_child(
    slot: &mut Option<StanzaError>,
    child: ElementRef<'_>,
    element: &'static str,
) -> Result<(), ParseError> {
    if slot.is_some() {
        return Err(ParseError::DuplicateChild {
            element,
            child: "error",
        });
    }
    *slot = Some(StanzaError::parse(child)?);
    Ok(())
}

/// A message or presence of type `error` must carry its `<error/>`
/// ([RFC 6120 §8.3](https://www.rfc-editor.org/rfc/rfc6120#section-8.3)).
pub(crate) fn require_error(
    is_error: bool,
    error: Option<&StanzaError>,
    element: &'static str,
) -> Result<(), ParseError> {
    if is_error && error.is_none() {
        return Err(ParseError::MissingChild {
            element,
            child: "error",
        });
    }
    Ok(())
}

/// Appends the extension payloads, then the `<error/>`: the tail that message and
/// presence share, in the order their documentation promises.
pub(crate) fn build_payloads(
    mut b: Builder,
    ns: ContentNs,
    payloads: &[Element],
    error: Option<&StanzaError>,
) -> Builder {
    for p in payloads {
        b = b.child(p.clone());
    }
    if let Some(err) = error {
        b = b.child(err.to_element(ns));
    }
    b
}

/// Writes the payloads, then the error, as [`build_payloads`] appends them. The
/// in-context writer is only built when there is something to write with it.
pub(crate) fn write_payloads(
    t: &mut Tag<'_>,
    ns: ContentNs,
    payloads: &[Element],
    error: Option<&StanzaError>,
) {
    if payloads.is_empty() && error.is_none() {
        return;
    }
    let w = in_context(ns);
    for p in payloads {
        t.element(&w, p);
    }
    if let Some(err) = error {
        t.child(|out| err.write_inner(out, &w));
    }
}

/// A stanza: `<message/>`, `<presence/>` or `<iq/>`
/// ([RFC 6120 §8](https://www.rfc-editor.org/rfc/rfc6120#section-8)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Stanza {
    /// A message.
    Message(Message),
    /// A presence.
    Presence(Presence),
    /// An IQ.
    Iq(Iq),
}

impl Stanza {
    /// Whether `e` is named like a stanza (`message`, `presence` or `iq` in a content
    /// namespace); such an element that fails [`Stanza::parse`] deserves a stanza error,
    /// anything else is a nonza or unknown.
    #[must_use]
    pub fn is_stanza(e: ElementRef<'_>) -> bool {
        matches!(e.name(), "message" | "presence" | "iq") && ContentNs::from_ns(e.ns()).is_some()
    }

    /// Parses any stanza.
    ///
    /// # Errors
    /// [`ParseError::WrongElement`] for anything that is not a stanza, otherwise the error
    /// of the stanza's own parser.
    pub fn parse(e: ElementRef<'_>) -> Result<Self, ParseError> {
        match e.name() {
            "message" => Message::parse(e).map(Stanza::Message),
            "presence" => Presence::parse(e).map(Stanza::Presence),
            "iq" => Iq::parse(e).map(Stanza::Iq),
            _ => Err(ParseError::wrong("message, presence or iq", e)),
        }
    }

    /// The element.
    #[must_use]
    pub fn to_element(&self) -> Element {
        match self {
            Stanza::Message(m) => m.to_element(),
            Stanza::Presence(p) => p.to_element(),
            Stanza::Iq(i) => i.to_element(),
        }
    }

    /// Serialises the stanza straight to bytes (no element tree): the same XML as
    /// [`Stanza::to_element`] written with [`xmpp_xml::Writer`]. `stream_ns` is the content
    /// namespace of the enclosing stream, whose declaration is then omitted (`None`
    /// outside a stream).
    pub fn write_to(&self, out: &mut alloc::vec::Vec<u8>, stream_ns: Option<ContentNs>) {
        match self {
            Stanza::Message(m) => m.write_to(out, stream_ns),
            Stanza::Presence(p) => p.write_to(out, stream_ns),
            Stanza::Iq(i) => i.write_to(out, stream_ns),
        }
    }

    /// The content namespace.
    #[must_use]
    pub fn ns(&self) -> ContentNs {
        match self {
            Stanza::Message(m) => m.ns,
            Stanza::Presence(p) => p.ns,
            Stanza::Iq(i) => i.ns,
        }
    }

    /// The `id` attribute.
    #[must_use]
    pub fn id(&self) -> Option<&str> {
        match self {
            Stanza::Message(m) => m.id.as_deref(),
            Stanza::Presence(p) => p.id.as_deref(),
            Stanza::Iq(i) => Some(&i.id),
        }
    }

    /// The `from` attribute.
    #[must_use]
    pub fn from_jid(&self) -> Option<&Jid> {
        match self {
            Stanza::Message(m) => m.from.as_ref(),
            Stanza::Presence(p) => p.from.as_ref(),
            Stanza::Iq(i) => i.from.as_ref(),
        }
    }

    /// The `to` attribute.
    #[must_use]
    pub fn to_jid(&self) -> Option<&Jid> {
        match self {
            Stanza::Message(m) => m.to.as_ref(),
            Stanza::Presence(p) => p.to.as_ref(),
            Stanza::Iq(i) => i.to.as_ref(),
        }
    }

    /// The error reply to this stanza
    /// ([RFC 6120 §8.3.1](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.1)): `from`
    /// and `to` swapped, same `id`, type `error`. `None` for an error stanza and for an IQ
    /// result, which must not be answered with an error.
    #[must_use]
    pub fn error_reply(&self, error: StanzaError) -> Option<Stanza> {
        match self {
            Stanza::Message(m) => m.error_reply(error).map(Stanza::Message),
            Stanza::Presence(p) => p.error_reply(error).map(Stanza::Presence),
            Stanza::Iq(i) => i.error_reply(error).map(Stanza::Iq),
        }
    }
}

impl From<Message> for Stanza {
    fn from(m: Message) -> Self {
        Stanza::Message(m)
    }
}

impl From<Presence> for Stanza {
    fn from(p: Presence) -> Self {
        Stanza::Presence(p)
    }
}

impl From<Iq> for Stanza {
    fn from(i: Iq) -> Self {
        Stanza::Iq(i)
    }
}

element_conversions!(Stanza);
