//! Stanza rules: iq payload counts, correlation, error replies, payload preservation,
//! nonza details, header rules.

mod common;

use common::{elements, elements_in};
use xmpp_jid::Jid;
use xmpp_stanza::{
    Auth, Bind, ContentNs, DefinedCondition, Iq, IqPayload, IqType, Message, MessageType, Packet,
    ParseError, Presence, PresenceType, Sasl, SessionRequest, Show, Stanza, StanzaError,
    StreamCondition, StreamFeatures, StreamHeader, Version,
};
use xmpp_xml::Element;

fn jid(s: &str) -> Jid {
    s.parse().unwrap()
}

fn one(xml: &str) -> Element {
    elements(xml).remove(0)
}

#[test]
fn iq_payload_rules() {
    let count = |xml: &str| Iq::try_from(&one(xml));
    assert!(matches!(
        count("<iq id='1' type='get'/>"),
        Err(ParseError::IqPayloadCount {
            iq_type: "get",
            found: 0
        })
    ));
    assert!(matches!(
        count("<iq id='1' type='set'><a xmlns='urn:a'/><b xmlns='urn:b'/></iq>"),
        Err(ParseError::IqPayloadCount {
            iq_type: "set",
            found: 2
        })
    ));
    assert!(matches!(
        count("<iq id='1' type='result'><a xmlns='urn:a'/><b xmlns='urn:b'/></iq>"),
        Err(ParseError::IqPayloadCount {
            iq_type: "result",
            found: 2
        })
    ));
    assert!(matches!(
        count("<iq type='get'><a xmlns='urn:a'/></iq>"),
        Err(ParseError::MissingAttribute {
            attribute: "id",
            ..
        })
    ));
    assert!(matches!(
        count("<iq id='1'><a xmlns='urn:a'/></iq>"),
        Err(ParseError::MissingAttribute {
            attribute: "type",
            ..
        })
    ));
    assert!(matches!(
        count("<iq id='1' type='fetch'><a xmlns='urn:a'/></iq>"),
        Err(ParseError::InvalidAttribute {
            attribute: "type",
            ..
        })
    ));
    assert!(matches!(
        count("<iq id='1' type='error'/>"),
        Err(ParseError::MissingChild { child: "error", .. })
    ));
    assert!(matches!(
        count("<iq id='1' type='get' to='a@@b'><a xmlns='urn:a'/></iq>"),
        Err(ParseError::InvalidJid {
            attribute: "to",
            ..
        })
    ));
    let ok = count("<iq id='1' type='get'> <a xmlns='urn:a'/> </iq>").unwrap();
    assert_eq!(ok.iq_type(), IqType::Get);
    assert!(ok.is_request());
}

#[test]
fn iq_correlation_and_replies() {
    let account = jid("juliet@example.com/balcony");
    let mut req = Iq::get(
        "r1",
        Some(jid("romeo@example.net")),
        one("<q xmlns='urn:q'/>"),
    );
    req.from = Some(account.clone());
    let res = req.result_reply(None).unwrap();
    assert_eq!(res.id, "r1");
    assert_eq!(res.from, req.to);
    assert_eq!(res.to, req.from);
    assert!(res.is_response_to(&req, Some(&account)));
    assert!(
        res.result_reply(None).is_none(),
        "results are never answered"
    );
    let mut other = res.clone();
    other.from = Some(jid("mallory@example.org"));
    assert!(!other.is_response_to(&req, Some(&account)));
    other = res.clone();
    other.id = "r2".into();
    assert!(!other.is_response_to(&req, Some(&account)));
    assert!(!req.is_response_to(&req, None));

    let err = req
        .error_reply(StanzaError::new(DefinedCondition::ServiceUnavailable))
        .unwrap();
    assert!(err.is_response_to(&req, None));
    let IqPayload::Error { error, original } = &err.payload else {
        panic!()
    };
    assert_eq!(error.condition, DefinedCondition::ServiceUnavailable);
    assert_eq!(original.as_ref(), req.payload_element());
    assert!(
        err.error_reply(StanzaError::new(DefinedCondition::BadRequest))
            .is_none()
    );

    // A request without `to` is answered by the account's server.
    let to_server = Iq::set("r3", None, one("<q xmlns='urn:q'/>"));
    let mut r = to_server.result_reply(None).unwrap();
    assert!(r.is_response_to(&to_server, Some(&account)));
    r.from = Some(jid("juliet@example.com"));
    assert!(r.is_response_to(&to_server, Some(&account)));
    r.from = Some(jid("example.com"));
    assert!(r.is_response_to(&to_server, Some(&account)));
    r.from = Some(jid("example.org"));
    assert!(!r.is_response_to(&to_server, Some(&account)));
    // A roster get to the own bare JID, answered without `from`.
    let roster = Iq::get(
        "r4",
        Some(jid("juliet@example.com")),
        one("<query xmlns='jabber:iq:roster'/>"),
    );
    let mut r = roster.result_reply(None).unwrap();
    r.from = None;
    assert!(r.is_response_to(&roster, Some(&account)));
    assert!(!r.is_response_to(&roster, None));
}

#[test]
fn error_replies_swap_addresses_and_keep_id() {
    let mut m = Message::chat(jid("b@example.net"), "hi");
    m.id = Some("m1".into());
    m.from = Some(jid("a@example.com/x"));
    let s = Stanza::from(m);
    let r = s
        .error_reply(StanzaError::new(DefinedCondition::RecipientUnavailable))
        .unwrap();
    assert_eq!(r.id(), Some("m1"));
    assert_eq!(r.from_jid().unwrap().as_str(), "b@example.net");
    assert_eq!(r.to_jid().unwrap().as_str(), "a@example.com/x");
    let Stanza::Message(rm) = &r else { panic!() };
    assert_eq!(rm.kind(), MessageType::Error);
    assert!(
        r.error_reply(StanzaError::new(DefinedCondition::BadRequest))
            .is_none()
    );
    // The reply parses back.
    assert_eq!(Stanza::try_from(r.to_element()).unwrap(), r);

    let mut p = Presence::of_type(PresenceType::Subscribe, Some(jid("b@example.net")));
    p.id = Some("p1".into());
    p.from = Some(jid("a@example.com"));
    let r = p
        .error_reply(StanzaError::new(DefinedCondition::RemoteServerNotFound))
        .unwrap();
    assert_eq!(r.presence_type, Some(PresenceType::Error));
    assert_eq!(r.id.as_deref(), Some("p1"));
    assert_eq!(r.to.as_ref().unwrap().as_str(), "a@example.com");
    assert!(
        r.error_reply(StanzaError::new(DefinedCondition::BadRequest))
            .is_none()
    );
}

#[test]
fn payloads_are_kept_even_when_odd() {
    // Extension payloads are opaque: a broken one (unknown namespace, bogus content) does
    // not stop the stanza from being read, and nothing is dropped.
    let xml = "<message to='a@example.com' type='chat'>\
        <body>hi</body>\
        <delay xmlns='urn:xmpp:delay' stamp='not a date'/>\
        <x xmlns='jabber:x:data' type='???'><field><value><value/></value></field></x>\
        <unknown-in-client-ns/>\
        </message>";
    let m = Message::try_from(&one(xml)).unwrap();
    assert_eq!(m.body(None), Some("hi"));
    assert_eq!(m.payloads.len(), 3);
    assert!(m.payloads[2].is("jabber:client", "unknown-in-client-ns"));
    assert_eq!(m.to_element(), one(xml));
    // An <error/> in a message that is not of type error is a payload too.
    let m = Message::try_from(&one("<message><error type='x'/></message>")).unwrap();
    assert_eq!(m.payloads.len(), 1);
    assert!(m.error.is_none());
}

#[test]
fn message_details() {
    let m = Message::try_from(&one(
        "<message type='nonsense' xml:lang='en'><subject>s</subject>\
         <subject xml:lang='de'>t</subject><thread parent='p'>t1</thread></message>",
    ))
    .unwrap();
    assert_eq!(
        m.kind(),
        MessageType::Normal,
        "RFC 6121 §5.2.2: unknown means normal"
    );
    assert_eq!(m.subject(Some("de")), Some("t"));
    assert_eq!(m.subject(Some("fr")), Some("s"));
    let t = m.thread.as_ref().unwrap();
    assert_eq!((t.id.as_str(), t.parent.as_deref()), ("t1", Some("p")));
    assert!(matches!(
        Message::try_from(&one(
            "<message><thread>a</thread><thread>b</thread></message>"
        )),
        Err(ParseError::DuplicateChild {
            child: "thread",
            ..
        })
    ));
    assert!(matches!(
        Message::try_from(&one("<message from='@'/>")),
        Err(ParseError::InvalidJid {
            attribute: "from",
            ..
        })
    ));
    assert!(matches!(
        Message::try_from(&one("<presence/>")),
        Err(ParseError::WrongElement { .. })
    ));
    let e = &elements_in("jabber:iq:roster", "<message/>")[0];
    assert!(matches!(
        Message::try_from(e),
        Err(ParseError::UnknownContentNamespace(_))
    ));
    // Characters XML cannot carry are replaced rather than failing serialisation.
    let m = Message::chat(jid("a@example.com"), "bell\u{7}");
    assert_eq!(
        Message::try_from(m.to_element()).unwrap().body(None),
        Some("bell\u{FFFD}")
    );
}

#[test]
fn presence_details() {
    let p = Presence::try_from(&one(
        "<presence><show>xa</show><priority> -128 </priority></presence>",
    ))
    .unwrap();
    assert_eq!(p.show, Some(Show::Xa));
    assert_eq!(p.priority, Some(-128));
    for bad in [
        "<presence><priority>128</priority></presence>",
        "<presence><priority>high</priority></presence>",
        "<presence><show>busy</show></presence>",
    ] {
        assert!(matches!(
            Presence::try_from(&one(bad)),
            Err(ParseError::InvalidText { .. })
        ));
    }
    assert!(matches!(
        Presence::try_from(&one("<presence><show>xa</show><show>dnd</show></presence>")),
        Err(ParseError::DuplicateChild { child: "show", .. })
    ));
    assert!(matches!(
        Presence::try_from(&one("<presence type='online'/>")),
        Err(ParseError::InvalidAttribute {
            attribute: "type",
            ..
        })
    ));
}

#[test]
fn sasl_payload_forms() {
    let e = |x: &str| {
        let (name, rest) = x.split_at(x.find([' ', '/', '>']).unwrap());
        one(&format!(
            "<{name} xmlns='urn:ietf:params:xml:ns:xmpp-sasl'{rest}"
        ))
    };
    let auth = Sasl::try_from(&e("auth mechanism='ANONYMOUS'/>")).unwrap();
    assert_eq!(auth, Sasl::Auth(Auth::new("ANONYMOUS", None)));
    let auth = Sasl::try_from(&e("auth mechanism='X-ANY-NAME'>=</auth>")).unwrap();
    assert_eq!(auth, Sasl::Auth(Auth::new("X-ANY-NAME", Some(vec![]))));
    assert_eq!(auth.to_element().text(), "=");
    assert!(matches!(
        Sasl::try_from(&e("auth/>")),
        Err(ParseError::MissingAttribute {
            attribute: "mechanism",
            ..
        })
    ));
    let bad = Sasl::try_from(&e("response>@@@</response>")).unwrap_err();
    assert!(matches!(bad, ParseError::InvalidText { .. }));
    assert_eq!(
        bad.sasl_condition(),
        xmpp_stanza::SaslCondition::IncorrectEncoding
    );
    let bad = Sasl::try_from(&e("auth/>")).unwrap_err();
    assert_eq!(
        bad.sasl_condition(),
        xmpp_stanza::SaslCondition::InvalidMechanism
    );
    assert_eq!(
        Sasl::try_from(&e("success>=</success>")).unwrap(),
        Sasl::Success(Some(vec![]))
    );
    assert_eq!(
        Sasl::try_from(&e("challenge/>")).unwrap(),
        Sasl::Challenge(vec![])
    );
    assert_eq!(Sasl::try_from(&e("abort/>")).unwrap(), Sasl::Abort);
    // Secrets stay out of Debug output.
    let plain = Sasl::Auth(Auth::new("PLAIN", Some(b"\0juliet\0secret".to_vec())));
    let dbg = format!("{plain:?}");
    assert!(!dbg.contains("secret") && dbg.contains("14 bytes"), "{dbg}");
}

#[test]
fn bind_feature_with_content_is_still_bind() {
    // Prosody 0.12 advertises `<bind><required/></bind>`; RFC 6120 §7.4 defines no
    // content, so whatever is inside must not hide the feature.
    let f = StreamFeatures::try_from(&one(
        "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><required/></bind>\
         </stream:features>",
    ))
    .unwrap();
    assert!(f.bind);
    assert!(f.others.is_empty());
}

#[test]
fn features_details() {
    let f = StreamFeatures::try_from(&one("<stream:features>\
           <mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\
             <mechanism>SCRAM-SHA-256-PLUS</mechanism><mechanism>X-OAUTH2</mechanism>\
             <hostname xmlns='urn:xmpp:domain-based-name:1'>x.example</hostname>\
           </mechanisms>\
           <sasl-channel-binding xmlns='urn:xmpp:sasl-cb:0'>\
             <channel-binding type='tls-server-end-point'/>\
             <channel-binding type='tls-exporter'/>\
           </sasl-channel-binding>\
           <session xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/></session>\
           <sm xmlns='urn:xmpp:sm:3'/>\
           <starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>\
         </stream:features>"))
    .unwrap();
    let m = f.mechanisms.as_ref().unwrap();
    assert!(m.contains("X-OAUTH2"));
    assert_eq!(m.extensions.len(), 1);
    let cb = f.channel_binding_types().unwrap();
    assert!(cb.contains("tls-exporter") && cb.contains("tls-server-end-point"));
    assert_eq!(f.session.map(|s| s.optional), Some(true));
    assert_eq!(f.starttls.map(|s| s.required), Some(false));
    assert!(!f.bind);
    assert_eq!(f.others.len(), 1);
    assert!(f.others[0].is("urn:xmpp:sm:3", "sm"));
    assert_eq!(StreamFeatures::try_from(f.to_element()).unwrap(), f);
    // XEP-0440 before 0.4 put the channel-binding types inside <mechanisms/>.
    let old = StreamFeatures::try_from(&one(
        "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\
         <mechanism>SCRAM-SHA-1-PLUS</mechanism>\
         <sasl-channel-binding xmlns='urn:xmpp:sasl-cb:0'><channel-binding type='tls-unique'/>\
         </sasl-channel-binding></mechanisms></stream:features>",
    ))
    .unwrap();
    assert!(old.channel_binding_types().unwrap().contains("tls-unique"));
    assert!(
        StreamFeatures::try_from(&one("<stream:features/>"))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn bind_and_session() {
    let b = Bind::try_from(&one("<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>")).unwrap();
    assert_eq!(b, Bind::Request(None));
    assert!(matches!(
        Bind::try_from(&one(
            "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>juliet@example.com</jid></bind>"
        )),
        Err(ParseError::InvalidJid { .. })
    ));
    assert!(matches!(
        Bind::try_from(&one(
            "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>a</resource>\
             <resource>b</resource></bind>"
        )),
        Err(ParseError::DuplicateChild { .. })
    ));
    let s = one("<session xmlns='urn:ietf:params:xml:ns:xmpp-session'/>");
    assert_eq!(SessionRequest::try_from(&s).unwrap(), SessionRequest);
    assert_eq!(SessionRequest.to_element(), s);
    let iq = Iq::set("sess_1", Some(jid("example.com")), SessionRequest.into());
    assert_eq!(Iq::try_from(iq.to_element()).unwrap(), iq);
}

#[test]
fn unknown_top_level_elements_are_kept() {
    let e = one("<r xmlns='urn:xmpp:sm:3'/>");
    assert_eq!(Packet::try_from(&e).unwrap(), Packet::Other(e.clone()));
    assert_eq!(Packet::try_from(&e).unwrap().to_element(), e);
}

#[test]
fn header_parsing_rules() {
    use xmpp_xml::{Frame, Framer};
    let parse = |attrs: &str, ns: &str| {
        let mut f = Framer::default();
        let x = format!(
            "<stream:stream xmlns='{ns}' xmlns:stream='http://etherx.jabber.org/streams' {attrs}>"
        );
        f.feed(x.as_bytes());
        let Some(Ok(Frame::StreamOpen(h))) = f.poll() else {
            panic!()
        };
        StreamHeader::parse(&h)
    };
    let h = parse(
        "to='example.com' version='1.0' foo='bar' xml:lang='en'",
        "jabber:server",
    )
    .unwrap();
    assert_eq!(h.ns, ContentNs::Server);
    let e = parse("to='example.com'", "jabber:iq:roster").unwrap_err();
    assert_eq!(e.stream_condition(), StreamCondition::InvalidNamespace);
    let e = parse("from='@bad'", "jabber:client").unwrap_err();
    assert_eq!(e.stream_condition(), StreamCondition::InvalidFrom);
    let e = parse("version='one'", "jabber:client").unwrap_err();
    assert_eq!(e.stream_condition(), StreamCondition::UnsupportedVersion);
    let h = parse("to='example.com' id='ignored'", "jabber:client").unwrap();
    assert_eq!(h.id.as_deref(), Some("ignored"));
    let mut f = Framer::default();
    f.feed(b"<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' id='x'>");
    let Some(Ok(Frame::StreamOpen(raw))) = f.poll() else {
        panic!()
    };
    let h = StreamHeader::parse_from(&raw, xmpp_stanza::Role::Initiating).unwrap();
    assert_eq!(h.id, None, "RFC 6120 §4.7.3: ignored");
    let r = h
        .response(
            jid("example.com"),
            "id1",
            "en",
            Version::V1_0,
            Version::V0_9,
        )
        .unwrap();
    assert_eq!(r.version, None, "no version offered: none in the response");
    assert_eq!(
        h.response(
            jid("example.com"),
            "id1",
            "en",
            Version::V1_0,
            Version::V1_0
        ),
        Err(StreamCondition::UnsupportedVersion)
    );
}
