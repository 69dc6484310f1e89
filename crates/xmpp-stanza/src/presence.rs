//! `<presence/>` stanzas ([RFC 6120 §8.2.2](https://www.rfc-editor.org/rfc/rfc6120#section-8.2.2),
//! [RFC 6121 §4.7](https://www.rfc-editor.org/rfc/rfc6121#section-4.7)).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use xmpp_jid::Jid;
use xmpp_xml::{Element, ElementRef};

use crate::error::ParseError;
use crate::message::pick;
use crate::ns::ContentNs;
use crate::stanza::{
    Attrs, Common, build_payloads, parse_error_child, require_error, write_payloads,
};
use crate::stanza_error::StanzaError;
use crate::text::LangText;
use crate::util::{child_elements, el, element_conversions, finish, text};

/// The `type` of a presence stanza; its absence means available
/// ([RFC 6121 §4.7.1](https://www.rfc-editor.org/rfc/rfc6121#section-4.7.1)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PresenceType {
    /// An error about a presence stanza sent earlier.
    Error,
    /// A request for the current presence.
    Probe,
    /// A subscription request.
    Subscribe,
    /// A subscription approval.
    Subscribed,
    /// No longer available.
    Unavailable,
    /// Unsubscribing.
    Unsubscribe,
    /// A subscription denial or cancellation.
    Unsubscribed,
}

impl PresenceType {
    /// The attribute value.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            PresenceType::Error => "error",
            PresenceType::Probe => "probe",
            PresenceType::Subscribe => "subscribe",
            PresenceType::Subscribed => "subscribed",
            PresenceType::Unavailable => "unavailable",
            PresenceType::Unsubscribe => "unsubscribe",
            PresenceType::Unsubscribed => "unsubscribed",
        }
    }

    /// The type named `s`.
    #[must_use]
    pub fn from_name(s: &str) -> Option<Self> {
        Some(match s {
            "error" => PresenceType::Error,
            "probe" => PresenceType::Probe,
            "subscribe" => PresenceType::Subscribe,
            "subscribed" => PresenceType::Subscribed,
            "unavailable" => PresenceType::Unavailable,
            "unsubscribe" => PresenceType::Unsubscribe,
            "unsubscribed" => PresenceType::Unsubscribed,
            _ => return None,
        })
    }
}

impl fmt::Display for PresenceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `<show/>` of an available presence
/// ([RFC 6121 §4.7.2.1](https://www.rfc-editor.org/rfc/rfc6121#section-4.7.2.1)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Show {
    /// Temporarily away.
    Away,
    /// Free to chat.
    Chat,
    /// Do not disturb.
    Dnd,
    /// Extended away.
    Xa,
}

impl Show {
    /// The element text.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Show::Away => "away",
            Show::Chat => "chat",
            Show::Dnd => "dnd",
            Show::Xa => "xa",
        }
    }

    /// The value named `s`.
    #[must_use]
    pub fn from_name(s: &str) -> Option<Self> {
        Some(match s {
            "away" => Show::Away,
            "chat" => Show::Chat,
            "dnd" => Show::Dnd,
            "xa" => Show::Xa,
            _ => return None,
        })
    }
}

/// A `<presence/>` stanza.
///
/// Children other than `<show/>`, `<status/>`, `<priority/>` (and `<error/>` in an error
/// presence) are extension payloads, kept raw in document order. Serialisation writes
/// show, statuses, priority, payloads, then the error.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Presence {
    /// Content namespace.
    pub ns: ContentNs,
    /// The `type` attribute; `None` means available.
    pub presence_type: Option<PresenceType>,
    /// The `id` attribute.
    pub id: Option<String>,
    /// The `from` attribute.
    pub from: Option<Jid>,
    /// The `to` attribute.
    pub to: Option<Jid>,
    /// The `xml:lang` attribute.
    pub lang: Option<String>,
    /// The `<show/>` child.
    pub show: Option<Show>,
    /// `<status/>` children.
    pub statuses: Vec<LangText>,
    /// The `<priority/>` child, -128..=127
    /// ([RFC 6121 §4.7.2.3](https://www.rfc-editor.org/rfc/rfc6121#section-4.7.2.3)).
    pub priority: Option<i8>,
    /// The `<error/>` of a presence of type `error`.
    pub error: Option<StanzaError>,
    /// Extension payloads, in document order.
    pub payloads: Vec<Element>,
}

impl Presence {
    /// An available presence without children, in the content namespace `ns`.
    #[must_use]
    pub fn new(ns: ContentNs) -> Self {
        Presence {
            ns,
            ..Presence::default()
        }
    }

    /// A presence of type `presence_type` to `to`, in `jabber:client`.
    #[must_use]
    pub fn of_type(presence_type: PresenceType, to: Option<Jid>) -> Self {
        Presence {
            presence_type: Some(presence_type),
            to,
            ..Presence::default()
        }
    }

    /// The status chosen as for [`Message::body`](crate::Message::body).
    #[must_use]
    pub fn status(&self, lang: Option<&str>) -> Option<&str> {
        pick(&self.statuses, lang)
    }

    /// The error reply to this presence
    /// ([RFC 6120 §8.3.1](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.1)); `None` when
    /// it is itself an error.
    #[must_use]
    pub fn error_reply(&self, error: StanzaError) -> Option<Presence> {
        if self.presence_type == Some(PresenceType::Error) {
            return None;
        }
        Some(Presence {
            ns: self.ns,
            presence_type: Some(PresenceType::Error),
            id: self.id.clone(),
            from: self.to.clone(),
            to: self.from.clone(),
            error: Some(error),
            ..Presence::default()
        })
    }

    /// Parses a `<presence/>` in any content namespace.
    ///
    /// # Errors
    /// A [`ParseError`]: not a presence, unknown `type`, invalid `to`/`from`, an invalid
    /// or repeated `<show/>` or `<priority/>`, or a presence of type `error` without a
    /// valid `<error/>`.
    pub fn parse(e: ElementRef<'_>) -> Result<Self, ParseError> {
        let c = Common::parse(e, "presence")?;
        let presence_type = match e.attr("type") {
            None => None,
            Some(t) => Some(
                PresenceType::from_name(t).ok_or(ParseError::InvalidAttribute {
                    element: "presence",
                    attribute: "type",
                    rule: "unknown presence type (RFC 6121 §4.7.1)",
                })?,
            ),
        };
        let is_error = presence_type == Some(PresenceType::Error);
        let ns = c.ns.as_str();
        let mut p = Presence {
            ns: c.ns,
            presence_type,
            id: c.id,
            from: c.from,
            to: c.to,
            lang: c.lang,
            ..Presence::default()
        };
        let dup = |child| ParseError::DuplicateChild {
            element: "presence",
            child,
        };
        for child in child_elements(e) {
            if child.ns() == ns {
                match child.name() {
                    "show" => {
                        if p.show.is_some() {
                            return Err(dup("show"));
                        }
                        p.show = Some(Show::from_name(&child.text()).ok_or(
                            ParseError::InvalidText {
                                element: "show",
                                rule: "must be away, chat, dnd or xa (RFC 6121 §4.7.2.1)",
                            },
                        )?);
                        continue;
                    }
                    "status" => {
                        p.statuses.push(LangText::parse(child));
                        continue;
                    }
                    "priority" => {
                        if p.priority.is_some() {
                            return Err(dup("priority"));
                        }
                        p.priority = Some(child.text().trim().parse::<i8>().map_err(|_| {
                            ParseError::InvalidText {
                                element: "priority",
                                rule: "must be an integer in -128..=127 (RFC 6121 §4.7.2.3)",
                            }
                        })?);
                        continue;
                    }
                    "error" if is_error => {
                        parse_error_child(&mut p.error, child, "presence")?;
                        continue;
                    }
                    _ => {}
                }
            }
            p.payloads.push(child.to_owned());
        }
        require_error(is_error, p.error.as_ref(), "presence")?;
        Ok(p)
    }

    /// The common attributes, for both serialisations.
    fn attrs(&self) -> Attrs<'_> {
        Attrs {
            kind: self.presence_type.map(PresenceType::as_str),
            id: self.id.as_deref(),
            from: self.from.as_ref(),
            to: self.to.as_ref(),
            lang: self.lang.as_deref(),
        }
    }

    /// The `<presence/>` element.
    #[must_use]
    pub fn to_element(&self) -> Element {
        let ns = self.ns.as_str();
        let mut b = self.attrs().build(el(ns, "presence"));
        if let Some(s) = self.show {
            b = b.child(finish(text(el(ns, "show"), s.as_str()), ns, "show"));
        }
        for s in &self.statuses {
            b = b.child(s.to_element_in(ns, "status"));
        }
        if let Some(pr) = self.priority {
            let mut buf = itoa(pr);
            b = b.child(finish(
                text(el(ns, "priority"), buf.as_str()),
                ns,
                "priority",
            ));
            buf.clear();
        }
        let b = build_payloads(b, self.ns, &self.payloads, self.error.as_ref());
        finish(b, ns, "presence")
    }
}

impl Presence {
    /// Serialises the presence straight to bytes, as
    /// [`Message::write_to`](crate::Message::write_to) does.
    pub fn write_to(&self, out: &mut Vec<u8>, stream_ns: Option<ContentNs>) {
        use crate::write::{Tag, decl};
        let mut t = Tag::start(out, "presence", decl(self.ns, stream_ns));
        self.attrs().write(&mut t);
        if let Some(s) = self.show {
            t.child(|out| {
                let mut c = Tag::start(out, "show", None);
                c.text(s.as_str());
                c.end();
            });
        }
        for s in &self.statuses {
            t.lang_text("status", None, s);
        }
        if let Some(pr) = self.priority {
            t.child(|out| {
                let mut c = Tag::start(out, "priority", None);
                c.text(&itoa(pr));
                c.end();
            });
        }
        write_payloads(&mut t, self.ns, &self.payloads, self.error.as_ref());
        t.end();
    }
}

fn itoa(v: i8) -> String {
    use core::fmt::Write;
    let mut s = String::new();
    let _ = write!(s, "{v}");
    s
}

element_conversions!(Presence);
