//! Property tests: typed -> element -> typed is the identity (also through the writer
//! and parser), element -> typed -> element too for elements this crate writes, and any
//! element tree that types successfully re-types to the same value.

mod common;

use proptest::prelude::*;
use xmpp_jid::Jid;
use xmpp_stanza::{
    Auth, ChannelBindingTypes, ContentNs, DefinedCondition, ErrorType, Iq, IqPayload, LangText,
    Mechanisms, Message, MessageType, OtherHost, Packet, Presence, PresenceType, Sasl,
    SaslCondition, SaslFailure, SessionFeature, Show, Stanza, StanzaError, StartTlsFeature,
    StreamCondition, StreamError, StreamFeatures, StreamHeader, Thread, Version,
};
use xmpp_xml::{Element, Frame, Framer, Writer};

fn jid() -> impl Strategy<Value = Jid> {
    prop_oneof![
        "[a-z]{1,8}\\.example",
        "[a-z]{1,8}@[a-z]{1,8}\\.example",
        "[a-z]{1,5}@[a-z]{1,5}\\.example/[A-Za-z0-9]{1,8}",
    ]
    .prop_map(|s| Jid::new(&s).unwrap())
}

fn text() -> impl Strategy<Value = String> {
    "\\PC{0,12}"
}

fn lang() -> impl Strategy<Value = Option<String>> {
    proptest::option::of("[a-z]{2}(-[A-Z]{2})?")
}

fn lang_text() -> impl Strategy<Value = LangText> {
    (lang(), text()).prop_map(|(l, t)| match l {
        Some(l) => LangText::with_lang(l, t),
        None => LangText::new(t),
    })
}

fn content_ns() -> impl Strategy<Value = ContentNs> {
    prop_oneof![
        Just(ContentNs::Client),
        Just(ContentNs::Server),
        Just(ContentNs::ComponentAccept)
    ]
}

fn payload() -> impl Strategy<Value = Element> {
    (
        prop::sample::select(vec![
            "urn:a",
            "jabber:x:oob",
            "",
            "jabber:client",
            "jabber:server",
        ]),
        prop::sample::select(vec!["x", "query", "delay"]),
        text(),
        text(),
    )
        .prop_map(|(ns, name, a, t)| {
            let inner = Element::builder(ns, "item")
                .attr_ns("http://www.w3.org/XML/1998/namespace", "lang", "en")
                .text(t)
                .build()
                .unwrap();
            Element::builder(ns, name)
                .attr("k", a)
                .child(inner)
                .build()
                .unwrap()
        })
}

fn stanza_error() -> impl Strategy<Value = StanzaError> {
    (
        0..DefinedCondition::ALL.len(),
        proptest::option::of("xmpp:[a-z]{1,8}@[a-z]{1,8}"),
        prop::sample::select(vec![
            ErrorType::Auth,
            ErrorType::Cancel,
            ErrorType::Continue,
            ErrorType::Modify,
            ErrorType::Wait,
        ]),
        proptest::option::of(jid()),
        prop::collection::vec(lang_text(), 0..3),
        proptest::option::of(payload()),
    )
        .prop_map(|(i, uri, t, by, texts, app)| {
            let condition = match DefinedCondition::ALL[i].clone() {
                DefinedCondition::Gone(_) => DefinedCondition::Gone(uri),
                DefinedCondition::Redirect(_) => DefinedCondition::Redirect(uri),
                c => c,
            };
            let mut e = StanzaError::new(condition).with_type(t);
            e.by = by;
            e.texts = texts;
            e.app_condition = app;
            e
        })
}

fn message() -> impl Strategy<Value = Message> {
    (
        (
            content_ns(),
            0..6usize,
            proptest::option::of("[a-zA-Z0-9]{1,8}"),
        ),
        (
            proptest::option::of(jid()),
            proptest::option::of(jid()),
            lang(),
        ),
        prop::collection::vec(lang_text(), 0..3),
        prop::collection::vec(lang_text(), 0..3),
        proptest::option::of((text(), proptest::option::of("[a-z0-9]{1,8}"))),
        stanza_error(),
        prop::collection::vec(payload(), 0..3),
    )
        .prop_map(
            |((ns, t, id), (from, to, lang), subjects, bodies, thread, err, payloads)| {
                let mut m = Message::new(ns);
                m.message_type = [
                    None,
                    Some(MessageType::Chat),
                    Some(MessageType::Error),
                    Some(MessageType::Groupchat),
                    Some(MessageType::Headline),
                    Some(MessageType::Normal),
                ][t];
                m.id = id;
                m.from = from;
                m.to = to;
                m.lang = lang;
                m.subjects = subjects;
                m.bodies = bodies;
                m.thread = thread.map(|(id, parent)| {
                    let mut th = Thread::new(id);
                    th.parent = parent;
                    th
                });
                if m.message_type == Some(MessageType::Error) {
                    m.error = Some(err);
                }
                m.payloads = payloads;
                m
            },
        )
}

fn presence() -> impl Strategy<Value = Presence> {
    (
        (
            content_ns(),
            0..8usize,
            proptest::option::of("[a-zA-Z0-9]{1,8}"),
        ),
        (
            proptest::option::of(jid()),
            proptest::option::of(jid()),
            lang(),
        ),
        proptest::option::of(prop::sample::select(vec![
            Show::Away,
            Show::Chat,
            Show::Dnd,
            Show::Xa,
        ])),
        prop::collection::vec(lang_text(), 0..3),
        proptest::option::of(any::<i8>()),
        stanza_error(),
        prop::collection::vec(payload(), 0..3),
    )
        .prop_map(
            |((ns, t, id), (from, to, lang), show, statuses, priority, err, payloads)| {
                let mut p = Presence::new(ns);
                p.presence_type = [
                    None,
                    Some(PresenceType::Error),
                    Some(PresenceType::Probe),
                    Some(PresenceType::Subscribe),
                    Some(PresenceType::Subscribed),
                    Some(PresenceType::Unavailable),
                    Some(PresenceType::Unsubscribe),
                    Some(PresenceType::Unsubscribed),
                ][t];
                p.id = id;
                p.from = from;
                p.to = to;
                p.lang = lang;
                p.show = show;
                p.statuses = statuses;
                p.priority = priority;
                if p.presence_type == Some(PresenceType::Error) {
                    p.error = Some(err);
                }
                p.payloads = payloads;
                p
            },
        )
}

fn iq() -> impl Strategy<Value = Iq> {
    (
        (content_ns(), "[a-zA-Z0-9]{1,8}", 0..4usize),
        (
            proptest::option::of(jid()),
            proptest::option::of(jid()),
            lang(),
        ),
        payload(),
        proptest::option::of(payload()),
        stanza_error(),
    )
        .prop_map(|((ns, id, t), (from, to, lang), p, opt, err)| {
            let payload = match t {
                0 => IqPayload::Get(p),
                1 => IqPayload::Set(p),
                2 => IqPayload::Result(opt),
                _ => IqPayload::Error {
                    error: err,
                    original: opt,
                },
            };
            let mut iq = Iq::new(id, payload);
            iq.ns = ns;
            iq.from = from;
            iq.to = to;
            iq.lang = lang;
            iq
        })
}

fn stanza() -> impl Strategy<Value = Stanza> {
    prop_oneof![
        message().prop_map(Stanza::Message),
        presence().prop_map(Stanza::Presence),
        iq().prop_map(Stanza::Iq),
    ]
}

fn features() -> impl Strategy<Value = StreamFeatures> {
    (
        proptest::option::of(any::<bool>()),
        proptest::option::of(prop::collection::vec("[A-Z0-9-]{1,20}", 0..4)),
        proptest::option::of(prop::collection::vec("[a-z-]{1,20}", 1..3)),
        any::<bool>(),
        proptest::option::of(any::<bool>()),
        prop::collection::vec(payload(), 0..2),
    )
        .prop_map(|(tls, mechs, cb, bind, session, others)| {
            let mut f = StreamFeatures::new();
            f.starttls = tls.map(|required| {
                let mut s = StartTlsFeature::default();
                s.required = required;
                s
            });
            f.mechanisms = mechs.map(Mechanisms::new);
            f.channel_binding = cb.map(ChannelBindingTypes::new);
            f.bind = bind;
            f.session = session.map(|optional| {
                let mut s = SessionFeature::default();
                s.optional = optional;
                s
            });
            f.others = others;
            f
        })
}

fn sasl() -> impl Strategy<Value = Sasl> {
    let bytes = || prop::collection::vec(any::<u8>(), 0..40);
    prop_oneof![
        ("[A-Z0-9-]{1,20}", proptest::option::of(bytes()))
            .prop_map(|(m, d)| Sasl::Auth(Auth::new(m, d))),
        bytes().prop_map(Sasl::Challenge),
        bytes().prop_map(Sasl::Response),
        Just(Sasl::Abort),
        proptest::option::of(bytes()).prop_map(Sasl::Success),
        (0..11usize, prop::collection::vec(lang_text(), 0..2)).prop_map(|(i, texts)| {
            let mut f = SaslFailure::new(SaslCondition::ALL[i]);
            f.texts = texts;
            Sasl::Failure(f)
        }),
    ]
}

fn stream_error() -> impl Strategy<Value = StreamError> {
    (
        0..StreamCondition::ALL.len() + 1,
        "[a-z]{1,8}\\.example|[0-9a-f]{1,4}::[0-9a-f]{1,4}",
        proptest::option::of(any::<u16>()),
        prop::collection::vec(lang_text(), 0..2),
        proptest::option::of(payload()),
    )
        .prop_map(|(i, host, port, texts, app)| {
            let c = StreamCondition::ALL
                .get(i)
                .cloned()
                .unwrap_or_else(|| StreamCondition::SeeOtherHost(OtherHost::new(host, port)));
            let mut e = StreamError::new(c);
            e.texts = texts;
            e.app_condition = app;
            e
        })
}

fn packet() -> impl Strategy<Value = Packet> {
    prop_oneof![
        stanza().prop_map(Packet::Stanza),
        features().prop_map(Packet::Features),
        sasl().prop_map(Packet::Sasl),
        stream_error().prop_map(Packet::StreamError),
    ]
}

/// Writes `e` inside a stream with content namespace `ns` and reads it back.
fn through_the_wire(ns: ContentNs, e: &Element) -> Element {
    let mut w = Writer::new();
    let mut out = Vec::new();
    w.stream_open(&mut out, ns.as_str(), &[]).unwrap();
    w.element(&mut out, e);
    let mut f = Framer::default();
    assert_eq!(f.feed(&out), out.len());
    let mut found = None;
    while let Some(fr) = f.poll() {
        if let Frame::Element(e) = fr.unwrap() {
            found = Some(e);
        }
    }
    found.unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn packets_round_trip(p in packet(), ns in content_ns()) {
        let e = p.to_element();
        let back = Packet::try_from(&e).unwrap();
        prop_assert_eq!(&back, &p);
        prop_assert_eq!(back.to_element(), e.clone());
        let wire = through_the_wire(ns, &e);
        prop_assert_eq!(&wire, &e);
        prop_assert_eq!(Packet::try_from(&wire).unwrap(), p);
    }

    #[test]
    fn direct_writing_matches_the_element(s in stanza(), stream_ns in content_ns()) {
        let e = s.to_element();
        let mut out = Vec::new();
        s.write_to(&mut out, None);
        prop_assert_eq!(&Element::parse(&out).unwrap(), &e);
        // Inside a stream whose content namespace may or may not be the stanza's.
        let mut w = Writer::new();
        let mut bytes = Vec::new();
        w.stream_open(&mut bytes, stream_ns.as_str(), &[]).unwrap();
        s.write_to(&mut bytes, Some(stream_ns));
        let mut f = Framer::default();
        f.feed(&bytes);
        let mut got = None;
        while let Some(fr) = f.poll() {
            if let Frame::Element(x) = fr.unwrap() {
                got = Some(x);
            }
        }
        prop_assert_eq!(got.unwrap(), e);
    }

    #[test]
    fn headers_round_trip(
        ns in content_ns(),
        to in proptest::option::of(jid()),
        from in proptest::option::of(jid()),
        id in proptest::option::of("[a-zA-Z0-9+/=]{1,20}"),
        version in proptest::option::of((0u32..5, 0u32..20)),
        lang in lang(),
    ) {
        let mut h = StreamHeader::default();
        h.ns = ns;
        h.to = to;
        h.from = from;
        h.id = id;
        h.version = version.map(|(major, minor)| Version { major, minor });
        h.lang = lang;
        let mut out = Vec::new();
        h.write(&mut Writer::new(), &mut out).unwrap();
        let mut f = Framer::default();
        f.feed(&out);
        let Some(Ok(Frame::StreamOpen(raw))) = f.poll() else { panic!() };
        prop_assert_eq!(StreamHeader::parse(&raw).unwrap(), h);
    }
}

/// Arbitrary trees over the vocabulary of RFC 6120: whatever types successfully re-types
/// to the same value, and nothing panics. Roots are top-level stanzas and nonzas, so that
/// a good share of the trees type successfully.
fn vocab_tree() -> impl Strategy<Value = Element> {
    let ns = prop::sample::select(vec![
        "jabber:client",
        "jabber:client",
        "jabber:server",
        "http://etherx.jabber.org/streams",
        "urn:ietf:params:xml:ns:xmpp-stanzas",
        "urn:ietf:params:xml:ns:xmpp-streams",
        "urn:ietf:params:xml:ns:xmpp-sasl",
        "urn:ietf:params:xml:ns:xmpp-tls",
        "urn:ietf:params:xml:ns:xmpp-bind",
        "urn:xmpp:sasl-cb:0",
        "urn:x",
    ]);
    let name = prop::sample::select(vec![
        "message",
        "presence",
        "iq",
        "body",
        "subject",
        "thread",
        "show",
        "status",
        "priority",
        "error",
        "text",
        "features",
        "mechanisms",
        "mechanism",
        "auth",
        "success",
        "failure",
        "starttls",
        "required",
        "bind",
        "jid",
        "resource",
        "see-other-host",
        "gone",
        "bad-request",
        "not-authorized",
        "sasl-channel-binding",
        "channel-binding",
        "session",
        "optional",
    ]);
    let attr = prop::sample::select(vec![
        "type",
        "id",
        "to",
        "from",
        "by",
        "mechanism",
        "parent",
    ]);
    let value = prop::sample::select(vec![
        "get",
        "set",
        "result",
        "error",
        "chat",
        "cancel",
        "a@b.example",
        "@",
        "x",
        "",
        "dnd",
        "-1",
        "PLAIN",
        "[::1]:5222",
    ]);
    let text = prop::sample::select(vec![
        "",
        "",
        "hi",
        " ",
        "away",
        "xa",
        "5",
        "200",
        "=",
        "AGp1bGlldAA=",
        "@@",
        "a@b.example/r",
        "[::1]:5222",
        "host:99999",
    ]);
    let attrs = prop::collection::vec((attr, value), 0..4);
    let leaf = (ns.clone(), name.clone(), attrs.clone(), text.clone())
        .prop_map(|(ns, name, attrs, t)| build(ns, name, &attrs, t, vec![]));
    let inner = leaf.prop_recursive(3, 16, 4, move |inner| {
        (
            ns.clone(),
            name.clone(),
            prop::collection::vec(
                (
                    prop::sample::select(vec!["type", "id"]),
                    prop::sample::select(vec!["cancel", "modify", "x"]),
                ),
                0..2,
            ),
            prop::collection::vec(inner, 0..4),
        )
            .prop_map(|(ns, name, attrs, kids)| build(ns, name, &attrs, "", kids))
    });
    let root = prop::sample::select(vec![
        ("jabber:client", "message"),
        ("jabber:client", "presence"),
        ("jabber:client", "iq"),
        ("jabber:server", "message"),
        ("jabber:component:accept", "iq"),
        ("http://etherx.jabber.org/streams", "features"),
        ("http://etherx.jabber.org/streams", "error"),
        ("urn:ietf:params:xml:ns:xmpp-sasl", "auth"),
        ("urn:ietf:params:xml:ns:xmpp-sasl", "success"),
        ("urn:ietf:params:xml:ns:xmpp-sasl", "failure"),
        ("urn:ietf:params:xml:ns:xmpp-sasl", "challenge"),
        ("urn:ietf:params:xml:ns:xmpp-tls", "starttls"),
        ("urn:ietf:params:xml:ns:xmpp-bind", "bind"),
    ]);
    // Conditions in the namespace where each is defined (or a wrong one).
    let condition = (
        prop::sample::select(vec![
            "urn:ietf:params:xml:ns:xmpp-stanzas",
            "urn:ietf:params:xml:ns:xmpp-streams",
            "urn:ietf:params:xml:ns:xmpp-sasl",
        ]),
        prop::sample::select(vec![
            "not-authorized",
            "conflict",
            "gone",
            "redirect",
            "see-other-host",
            "reset",
            "aborted",
            "text",
            "bad-request",
            "host-unknown",
        ]),
        text.clone(),
    )
        .prop_map(|(ns, name, t)| build(ns, name, &[], t, vec![]));
    let error = (
        prop::sample::select(vec![
            "jabber:client",
            "jabber:server",
            "jabber:component:accept",
        ]),
        prop::sample::select(vec!["cancel", "wait", "later"]),
        prop::collection::vec(condition.clone(), 0..3),
    )
        .prop_map(|(ns, t, kids)| build(ns, "error", &[("type", t)], "", kids));
    let kid = prop_oneof![3 => inner, 1 => condition, 1 => error];
    let kind = proptest::option::of(prop::sample::select(vec![
        "get",
        "set",
        "result",
        "error",
        "chat",
        "unavailable",
    ]));
    (
        root,
        kind,
        any::<bool>(),
        attrs,
        text,
        prop::collection::vec(kid, 0..5),
    )
        .prop_map(|((ns, name), kind, id, attrs, t, kids)| {
            let mut all: Vec<(&str, &str)> = Vec::new();
            if let Some(k) = kind {
                all.push(("type", k));
            }
            if id {
                all.push(("id", "i1"));
            }
            all.extend(attrs);
            build(ns, name, &all, t, kids)
        })
}

fn build(ns: &str, name: &str, attrs: &[(&str, &str)], t: &str, kids: Vec<Element>) -> Element {
    let mut b = Element::builder(ns, name);
    let mut seen = Vec::new();
    for (k, v) in attrs {
        if !seen.contains(k) {
            seen.push(*k);
            b = b.attr(*k, *v);
        }
    }
    for k in kids {
        b = b.child(k);
    }
    b.text(t).build().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn typed_results_are_stable(e in vocab_tree()) {
        if let Ok(p) = Packet::try_from(&e) {
            let out = p.to_element();
            let again = Packet::try_from(&out).unwrap();
            prop_assert_eq!(&again, &p);
            prop_assert_eq!(again.to_element(), out);
        }
        for c in e.children() {
            if let Ok(b) = xmpp_stanza::Bind::try_from(c) {
                prop_assert_eq!(xmpp_stanza::Bind::try_from(b.to_element()).unwrap(), b);
            }
        }
    }
}
