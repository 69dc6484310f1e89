//! `<stream:features/>` ([RFC 6120 §4.3.2](https://www.rfc-editor.org/rfc/rfc6120#section-4.3.2)).

use alloc::string::String;
use alloc::vec::Vec;

use xmpp_xml::{Element, ElementRef};

use crate::error::ParseError;
use crate::ns::{BIND, SASL, SASL_CB, SESSION, STREAM_NS, TLS};
use crate::util::{child_elements, el, element_conversions, expect, finish, text};

/// The `<starttls/>` feature ([RFC 6120 §5.4.1](https://www.rfc-editor.org/rfc/rfc6120#section-5.4.1)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct StartTlsFeature {
    /// Whether it carries `<required/>`: TLS is mandatory-to-negotiate.
    pub required: bool,
}

/// The channel-binding types a server supports
/// ([XEP-0440](https://xmpp.org/extensions/xep-0440.html)):
/// `<sasl-channel-binding xmlns='urn:xmpp:sasl-cb:0'>` with `<channel-binding type=.../>`
/// children, such as `tls-exporter` or `tls-server-end-point`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct ChannelBindingTypes {
    /// The `type` values, in document order.
    pub types: Vec<String>,
}

impl ChannelBindingTypes {
    /// The given types.
    #[must_use]
    pub fn new<S: Into<String>>(types: impl IntoIterator<Item = S>) -> Self {
        ChannelBindingTypes {
            types: types.into_iter().map(Into::into).collect(),
        }
    }

    /// Whether `t` is offered.
    #[must_use]
    pub fn contains(&self, t: &str) -> bool {
        self.types.iter().any(|x| x == t)
    }

    fn parse(e: ElementRef<'_>) -> Self {
        ChannelBindingTypes {
            types: child_elements(e)
                .filter(|c| c.is(SASL_CB, "channel-binding"))
                .filter_map(|c| c.attr("type").map(String::from))
                .collect(),
        }
    }

    fn to_element(&self) -> Element {
        let mut b = el(SASL_CB, "sasl-channel-binding");
        for t in &self.types {
            let c = el(SASL_CB, "channel-binding").attr("type", crate::util::clean(t));
            b = b.child(finish(c, SASL_CB, "channel-binding"));
        }
        finish(b, SASL_CB, "sasl-channel-binding")
    }
}

/// The `<mechanisms/>` feature ([RFC 6120 §6.4.1](https://www.rfc-editor.org/rfc/rfc6120#section-6.4.1)).
///
/// Mechanism names are kept as offered, in order (any name). Early XEP-0440 versions put
/// `<sasl-channel-binding/>` inside `<mechanisms/>`: it is read there too. Other children
/// (for example XEP-0233 hostnames) are kept raw.
///
/// XEP-0474 (SASL SCRAM downgrade protection) carries its hash inside SCRAM messages (a
/// SCRAM attribute in the base64 `<challenge/>` payload), not in the features; its
/// inputs are the mechanism list and channel-binding types held here.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Mechanisms {
    /// Mechanism names, in the order offered.
    pub names: Vec<String>,
    /// XEP-0440 channel-binding types found inside `<mechanisms/>`.
    pub channel_binding: Option<ChannelBindingTypes>,
    /// Other children, raw.
    pub extensions: Vec<Element>,
}

impl Mechanisms {
    /// The given mechanisms.
    #[must_use]
    pub fn new<S: Into<String>>(names: impl IntoIterator<Item = S>) -> Self {
        Mechanisms {
            names: names.into_iter().map(Into::into).collect(),
            ..Mechanisms::default()
        }
    }

    /// Whether `name` is offered.
    #[must_use]
    pub fn contains(&self, name: &str) -> bool {
        self.names.iter().any(|x| x == name)
    }

    fn parse(e: ElementRef<'_>) -> Self {
        let mut m = Mechanisms::default();
        for c in child_elements(e) {
            if c.is(SASL, "mechanism") {
                m.names.push(c.text().trim().into());
            } else if c.is(SASL_CB, "sasl-channel-binding") && m.channel_binding.is_none() {
                m.channel_binding = Some(ChannelBindingTypes::parse(c));
            } else {
                m.extensions.push(c.to_owned());
            }
        }
        m
    }

    fn to_element(&self) -> Element {
        let mut b = el(SASL, "mechanisms");
        for n in &self.names {
            b = b.child(finish(text(el(SASL, "mechanism"), n), SASL, "mechanism"));
        }
        if let Some(cb) = &self.channel_binding {
            b = b.child(cb.to_element());
        }
        for x in &self.extensions {
            b = b.child(x.clone());
        }
        finish(b, SASL, "mechanisms")
    }
}

/// The legacy `<session/>` feature
/// ([draft-cridland-xmpp-session](https://datatracker.ietf.org/doc/html/draft-cridland-xmpp-session-01)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct SessionFeature {
    /// Whether it carries `<optional/>`: the client may skip the session request.
    pub optional: bool,
}

/// `<stream:features/>`: the typed features of RFC 6120 and XEP-0440, and every other
/// feature kept raw in document order.
///
/// Serialisation writes STARTTLS, mechanisms, XEP-0440 channel binding, bind, session,
/// then the others.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct StreamFeatures {
    /// `<starttls/>`.
    pub starttls: Option<StartTlsFeature>,
    /// `<mechanisms/>`.
    pub mechanisms: Option<Mechanisms>,
    /// XEP-0440 `<sasl-channel-binding/>` as a stream feature.
    pub channel_binding: Option<ChannelBindingTypes>,
    /// Whether `<bind/>` is offered ([RFC 6120 §7.2](https://www.rfc-editor.org/rfc/rfc6120#section-7.2)).
    pub bind: bool,
    /// `<session/>`.
    pub session: Option<SessionFeature>,
    /// Every other feature, raw.
    pub others: Vec<Element>,
}

impl StreamFeatures {
    /// No features.
    #[must_use]
    pub fn new() -> Self {
        StreamFeatures::default()
    }

    /// The channel-binding types offered, wherever the server put them.
    #[must_use]
    pub fn channel_binding_types(&self) -> Option<&ChannelBindingTypes> {
        self.channel_binding.as_ref().or_else(|| {
            self.mechanisms
                .as_ref()
                .and_then(|m| m.channel_binding.as_ref())
        })
    }

    /// Whether nothing is offered (the stream negotiation is complete,
    /// [RFC 6120 §4.3.5](https://www.rfc-editor.org/rfc/rfc6120#section-4.3.5)).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == StreamFeatures::default()
    }

    /// Parses `<stream:features/>`. A typed feature that repeats is kept raw the second
    /// time.
    ///
    /// # Errors
    /// [`ParseError::WrongElement`] when this is not
    /// `{http://etherx.jabber.org/streams}features`.
    pub fn parse(e: ElementRef<'_>) -> Result<Self, ParseError> {
        expect(
            e,
            STREAM_NS,
            "features",
            "{http://etherx.jabber.org/streams}features",
        )?;
        let mut f = StreamFeatures::default();
        for c in child_elements(e) {
            match (c.ns(), c.name()) {
                (TLS, "starttls") if f.starttls.is_none() => {
                    f.starttls = Some(StartTlsFeature {
                        required: c.get_child(TLS, "required").is_some(),
                    });
                }
                (SASL, "mechanisms") if f.mechanisms.is_none() => {
                    f.mechanisms = Some(Mechanisms::parse(c));
                }
                (SASL_CB, "sasl-channel-binding") if f.channel_binding.is_none() => {
                    f.channel_binding = Some(ChannelBindingTypes::parse(c));
                }
                // Its content is not defined by RFC 6120 §7.4, but servers put things
                // there (Prosody 0.12 sends `<required/>`), which must not hide the
                // feature.
                (BIND, "bind") if !f.bind => f.bind = true,
                (SESSION, "session") if f.session.is_none() => {
                    f.session = Some(SessionFeature {
                        optional: c.get_child(SESSION, "optional").is_some(),
                    });
                }
                _ => f.others.push(c.to_owned()),
            }
        }
        Ok(f)
    }

    /// The element.
    #[must_use]
    pub fn to_element(&self) -> Element {
        let mut b = el(STREAM_NS, "features");
        if let Some(s) = self.starttls {
            let mut t = el(TLS, "starttls");
            if s.required {
                t = t.child(finish(el(TLS, "required"), TLS, "required"));
            }
            b = b.child(finish(t, TLS, "starttls"));
        }
        if let Some(m) = &self.mechanisms {
            b = b.child(m.to_element());
        }
        if let Some(cb) = &self.channel_binding {
            b = b.child(cb.to_element());
        }
        if self.bind {
            b = b.child(finish(el(BIND, "bind"), BIND, "bind"));
        }
        if let Some(s) = self.session {
            let mut t = el(SESSION, "session");
            if s.optional {
                t = t.child(finish(el(SESSION, "optional"), SESSION, "optional"));
            }
            b = b.child(finish(t, SESSION, "session"));
        }
        for o in &self.others {
            b = b.child(o.clone());
        }
        finish(b, STREAM_NS, "features")
    }
}

element_conversions!(StreamFeatures);
