//! `<message/>` stanzas ([RFC 6120 §8.2.1](https://www.rfc-editor.org/rfc/rfc6120#section-8.2.1),
//! [RFC 6121 §5](https://www.rfc-editor.org/rfc/rfc6121#section-5)).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use xmpp_jid::Jid;
use xmpp_xml::{Element, ElementRef};

use crate::error::ParseError;
use crate::ns::ContentNs;
use crate::stanza::{
    Attrs, Common, build_payloads, parse_error_child, require_error, write_payloads,
};
use crate::stanza_error::StanzaError;
use crate::text::LangText;
use crate::util::{child_elements, el, element_conversions, finish, opt_attr, text};

/// The `type` of a message
/// ([RFC 6121 §5.2.2](https://www.rfc-editor.org/rfc/rfc6121#section-5.2.2)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum MessageType {
    /// One-to-one chat.
    Chat,
    /// An error about a message sent earlier.
    Error,
    /// Multi-user chat.
    Groupchat,
    /// An alert or notification that expects no reply.
    Headline,
    /// A standalone message (the default).
    #[default]
    Normal,
}

impl MessageType {
    /// The attribute value.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            MessageType::Chat => "chat",
            MessageType::Error => "error",
            MessageType::Groupchat => "groupchat",
            MessageType::Headline => "headline",
            MessageType::Normal => "normal",
        }
    }

    /// The type named `s`; an unknown value is `normal`, as
    /// [RFC 6121 §5.2.2](https://www.rfc-editor.org/rfc/rfc6121#section-5.2.2) requires.
    #[must_use]
    pub fn from_name(s: &str) -> Self {
        match s {
            "chat" => MessageType::Chat,
            "error" => MessageType::Error,
            "groupchat" => MessageType::Groupchat,
            "headline" => MessageType::Headline,
            _ => MessageType::Normal,
        }
    }
}

impl fmt::Display for MessageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `<thread/>` of a message
/// ([RFC 6121 §5.2.5](https://www.rfc-editor.org/rfc/rfc6121#section-5.2.5)).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Thread {
    /// The thread identifier.
    pub id: String,
    /// The `parent` attribute: the identifier of the parent thread.
    pub parent: Option<String>,
}

impl Thread {
    /// A thread without parent.
    #[must_use]
    pub fn new(id: impl Into<String>) -> Self {
        Thread {
            id: id.into(),
            parent: None,
        }
    }
}

/// A `<message/>` stanza.
///
/// Children other than `<subject/>`, `<body/>`, `<thread/>` (and `<error/>` in an error
/// message) are extension payloads, kept as raw elements in document order; a broken
/// payload cannot make the message unreadable. Serialisation writes subjects, bodies,
/// thread, payloads, then the error.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Message {
    /// Content namespace.
    pub ns: ContentNs,
    /// The `type` attribute; `None` when absent (which means `normal`).
    pub message_type: Option<MessageType>,
    /// The `id` attribute.
    pub id: Option<String>,
    /// The `from` attribute.
    pub from: Option<Jid>,
    /// The `to` attribute.
    pub to: Option<Jid>,
    /// The `xml:lang` attribute.
    pub lang: Option<String>,
    /// `<subject/>` children.
    pub subjects: Vec<LangText>,
    /// `<body/>` children.
    pub bodies: Vec<LangText>,
    /// The `<thread/>` child.
    pub thread: Option<Thread>,
    /// The `<error/>` of a message of type `error`.
    pub error: Option<StanzaError>,
    /// Extension payloads, in document order.
    pub payloads: Vec<Element>,
}

impl Message {
    /// An empty message in the content namespace `ns`.
    #[must_use]
    pub fn new(ns: ContentNs) -> Self {
        Message {
            ns,
            ..Message::default()
        }
    }

    /// A `chat` message to `to` with one body, in `jabber:client`.
    #[must_use]
    pub fn chat(to: Jid, body: impl Into<String>) -> Self {
        Message {
            message_type: Some(MessageType::Chat),
            to: Some(to),
            bodies: alloc::vec![LangText::new(body)],
            ..Message::default()
        }
    }

    /// The effective type (`normal` when the attribute is absent).
    #[must_use]
    pub fn kind(&self) -> MessageType {
        self.message_type.unwrap_or_default()
    }

    /// The body in language `lang`, or else the one without `xml:lang`, or else the first.
    #[must_use]
    pub fn body(&self, lang: Option<&str>) -> Option<&str> {
        pick(&self.bodies, lang)
    }

    /// The subject chosen as for [`Message::body`].
    #[must_use]
    pub fn subject(&self, lang: Option<&str>) -> Option<&str> {
        pick(&self.subjects, lang)
    }

    /// The error reply to this message
    /// ([RFC 6120 §8.3.1](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.1)): `from` and
    /// `to` swapped, same `id` and namespace, type `error`, no payloads. `None` for a
    /// message that is itself an error, which must never be answered with an error.
    #[must_use]
    pub fn error_reply(&self, error: StanzaError) -> Option<Message> {
        if self.kind() == MessageType::Error {
            return None;
        }
        Some(Message {
            ns: self.ns,
            message_type: Some(MessageType::Error),
            id: self.id.clone(),
            from: self.to.clone(),
            to: self.from.clone(),
            error: Some(error),
            ..Message::default()
        })
    }

    /// Parses a `<message/>` in any content namespace.
    ///
    /// # Errors
    /// A [`ParseError`]: not a message, invalid `to`/`from`, two `<thread/>`s, or a
    /// message of type `error` without a valid `<error/>`.
    pub fn parse(e: ElementRef<'_>) -> Result<Self, ParseError> {
        let c = Common::parse(e, "message")?;
        let message_type = e.attr("type").map(MessageType::from_name);
        let is_error = message_type == Some(MessageType::Error);
        let ns = c.ns.as_str();
        let mut m = Message {
            ns: c.ns,
            message_type,
            id: c.id,
            from: c.from,
            to: c.to,
            lang: c.lang,
            ..Message::default()
        };
        for child in child_elements(e) {
            if child.ns() == ns {
                match child.name() {
                    "body" => {
                        m.bodies.push(LangText::parse(child));
                        continue;
                    }
                    "subject" => {
                        m.subjects.push(LangText::parse(child));
                        continue;
                    }
                    "thread" => {
                        if m.thread.is_some() {
                            return Err(ParseError::DuplicateChild {
                                element: "message",
                                child: "thread",
                            });
                        }
                        m.thread = Some(Thread {
                            id: child.text().into_owned(),
                            parent: child.attr("parent").map(String::from),
                        });
                        continue;
                    }
                    "error" if is_error => {
                        parse_error_child(&mut m.error, child, "message")?;
                        continue;
                    }
                    _ => {}
                }
            }
            m.payloads.push(child.to_owned());
        }
        require_error(is_error, m.error.as_ref(), "message")?;
        Ok(m)
    }

    /// The common attributes, for both serialisations.
    fn attrs(&self) -> Attrs<'_> {
        Attrs {
            kind: self.message_type.map(MessageType::as_str),
            id: self.id.as_deref(),
            from: self.from.as_ref(),
            to: self.to.as_ref(),
            lang: self.lang.as_deref(),
        }
    }

    /// The `<message/>` element.
    #[must_use]
    pub fn to_element(&self) -> Element {
        let ns = self.ns.as_str();
        let mut b = self.attrs().build(el(ns, "message"));
        for s in &self.subjects {
            b = b.child(s.to_element_in(ns, "subject"));
        }
        for s in &self.bodies {
            b = b.child(s.to_element_in(ns, "body"));
        }
        if let Some(t) = &self.thread {
            let tb = opt_attr(el(ns, "thread"), "parent", t.parent.as_deref());
            b = b.child(finish(text(tb, &t.id), ns, "thread"));
        }
        let b = build_payloads(b, self.ns, &self.payloads, self.error.as_ref());
        finish(b, ns, "message")
    }
}

impl Message {
    /// Serialises the message straight to bytes (no element tree): the same XML as
    /// [`Message::to_element`] written with [`xmpp_xml::Writer`]. `stream_ns` is the
    /// content namespace of the enclosing stream, whose declaration is then omitted
    /// (`None` outside a stream).
    pub fn write_to(&self, out: &mut Vec<u8>, stream_ns: Option<ContentNs>) {
        use crate::write::{Tag, decl};
        let mut t = Tag::start(out, "message", decl(self.ns, stream_ns));
        self.attrs().write(&mut t);
        for s in &self.subjects {
            t.lang_text("subject", None, s);
        }
        for s in &self.bodies {
            t.lang_text("body", None, s);
        }
        if let Some(th) = &self.thread {
            t.child(|out| {
                let mut c = Tag::start(out, "thread", None);
                c.opt_attr("parent", th.parent.as_deref()).text(&th.id);
                c.end();
            });
        }
        write_payloads(&mut t, self.ns, &self.payloads, self.error.as_ref());
        t.end();
    }
}

/// Picks the text in `lang`, else the untagged one, else the first.
pub(crate) fn pick<'a>(texts: &'a [LangText], lang: Option<&str>) -> Option<&'a str> {
    lang.and_then(|l| texts.iter().find(|t| t.lang.as_deref() == Some(l)))
        .or_else(|| texts.iter().find(|t| t.lang.is_none()))
        .or_else(|| texts.first())
        .map(|t| t.text.as_str())
}

element_conversions!(Message);
