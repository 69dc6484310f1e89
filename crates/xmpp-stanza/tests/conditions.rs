//! Every defined condition of RFC 6120: stanza errors (§8.3.3), stream errors (§4.9.3)
//! and SASL failures (§6.5), parsed from XML and written back.

mod common;

use common::{elements, elements_in};
use xmpp_stanza::{
    ContentNs, DefinedCondition, ErrorType, LangText, OtherHost, Packet, ParseError, Sasl,
    SaslCondition, SaslFailure, StanzaError, StreamCondition, StreamError,
};
use xmpp_xml::Element;

const STANZA_CONDITIONS: [&str; 22] = [
    "bad-request",
    "conflict",
    "feature-not-implemented",
    "forbidden",
    "gone",
    "internal-server-error",
    "item-not-found",
    "jid-malformed",
    "not-acceptable",
    "not-allowed",
    "not-authorized",
    "policy-violation",
    "recipient-unavailable",
    "redirect",
    "registration-required",
    "remote-server-not-found",
    "remote-server-timeout",
    "resource-constraint",
    "service-unavailable",
    "subscription-required",
    "undefined-condition",
    "unexpected-request",
];

const STREAM_CONDITIONS: [&str; 25] = [
    "bad-format",
    "bad-namespace-prefix",
    "conflict",
    "connection-timeout",
    "host-gone",
    "host-unknown",
    "improper-addressing",
    "internal-server-error",
    "invalid-from",
    "invalid-namespace",
    "invalid-xml",
    "not-authorized",
    "not-well-formed",
    "policy-violation",
    "remote-connection-failed",
    "reset",
    "resource-constraint",
    "restricted-xml",
    "see-other-host",
    "system-shutdown",
    "undefined-condition",
    "unsupported-encoding",
    "unsupported-feature",
    "unsupported-stanza-type",
    "unsupported-version",
];

#[test]
fn every_stanza_error_condition() {
    assert_eq!(DefinedCondition::ALL.len(), STANZA_CONDITIONS.len());
    for ns in [
        ContentNs::Client,
        ContentNs::Server,
        ContentNs::ComponentAccept,
    ] {
        for name in STANZA_CONDITIONS {
            let xml = format!(
                "<iq id='e1' type='error'><error type='cancel'>\
                 <{name} xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
            );
            let e = &elements_in(ns.as_str(), &xml)[0];
            let Packet::Stanza(s) = Packet::try_from(e).unwrap() else {
                panic!()
            };
            assert_eq!(s.ns(), ns);
            let xmpp_stanza::Stanza::Iq(iq) = &s else {
                panic!()
            };
            let xmpp_stanza::IqPayload::Error { error, .. } = &iq.payload else {
                panic!()
            };
            assert_eq!(error.condition.as_str(), name);
            assert_eq!(error.error_type, ErrorType::Cancel);
            assert_eq!(&s.to_element(), e);
        }
    }
    for c in DefinedCondition::ALL {
        let err = StanzaError::new(c.clone())
            .with_text(LangText::with_lang("en", "why"))
            .with_type(ErrorType::Wait);
        let el = err.to_element(ContentNs::Client);
        assert_eq!(StanzaError::try_from(&el).unwrap(), err);
        assert!(STANZA_CONDITIONS.contains(&c.as_str()));
    }
}

#[test]
fn gone_and_redirect_carry_uris() {
    for c in [
        DefinedCondition::Gone(Some("xmpp:romeo@afterlife.example.net".into())),
        DefinedCondition::Redirect(Some("xmpp:characters@conference.example.org".into())),
        DefinedCondition::Gone(None),
    ] {
        let err = StanzaError::new(c);
        let el = err.to_element(ContentNs::Server);
        assert_eq!(StanzaError::try_from(&el).unwrap(), err);
    }
}

#[test]
fn stanza_error_rules() {
    let parse = |inner: &str| {
        let e = &elements(&format!("<message type='error'>{inner}</message>"))[0];
        Packet::try_from(e)
    };
    let ns = "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'";
    assert!(matches!(
        parse(&format!("<error><bad-request {ns}/></error>")),
        Err(ParseError::MissingAttribute {
            attribute: "type",
            ..
        })
    ));
    assert!(matches!(
        parse(&format!("<error type='later'><bad-request {ns}/></error>")),
        Err(ParseError::InvalidAttribute {
            attribute: "type",
            ..
        })
    ));
    assert!(matches!(
        parse("<error type='cancel'/>"),
        Err(ParseError::UnknownCondition { .. })
    ));
    assert!(matches!(
        parse(&format!("<error type='cancel'><no-such {ns}/></error>")),
        Err(ParseError::UnknownCondition { .. })
    ));
    assert!(matches!(
        parse(&format!(
            "<error type='cancel'><conflict {ns}/><gone {ns}/></error>"
        )),
        Err(ParseError::DuplicateChild { .. })
    ));
    assert!(matches!(
        parse(&format!(
            "<error type='cancel' by='@@'><conflict {ns}/></error>"
        )),
        Err(ParseError::InvalidJid {
            attribute: "by",
            ..
        })
    ));
    assert!(matches!(
        parse("<body>hi</body>"),
        Err(ParseError::MissingChild { child: "error", .. })
    ));
}

#[test]
fn every_stream_error_condition() {
    assert_eq!(StreamCondition::ALL.len() + 1, STREAM_CONDITIONS.len());
    for name in STREAM_CONDITIONS {
        let text = if name == "see-other-host" {
            "[::1]:5222"
        } else {
            ""
        };
        let xml = format!(
            "<stream:error><{name} xmlns='urn:ietf:params:xml:ns:xmpp-streams'>{text}</{name}>\
             <text xmlns='urn:ietf:params:xml:ns:xmpp-streams' xml:lang='en'>t</text>\
             <app xmlns='urn:example'/></stream:error>"
        );
        let e = &elements(&xml)[0];
        let Packet::StreamError(err) = Packet::try_from(e).unwrap() else {
            panic!()
        };
        assert_eq!(err.condition.as_str(), name);
        assert_eq!(err.texts, [LangText::with_lang("en", "t")]);
        assert!(err.app_condition.as_ref().unwrap().is("urn:example", "app"));
        assert_eq!(&err.to_element(), e);
        assert_eq!(&Element::from(&err), e);
    }
    let err = StreamError::new(StreamCondition::SeeOtherHost(OtherHost::new(
        "2001:db8::1",
        Some(9222),
    )));
    let el = err.to_element();
    assert_eq!(
        el.get_child("urn:ietf:params:xml:ns:xmpp-streams", "see-other-host")
            .unwrap()
            .text(),
        "[2001:db8::1]:9222"
    );
    assert_eq!(StreamError::try_from(&el).unwrap(), err);
}

#[test]
fn stream_error_rules() {
    let parse = |inner: &str| StreamError::try_from(&elements(inner)[0]);
    let ns = "xmlns='urn:ietf:params:xml:ns:xmpp-streams'";
    assert!(matches!(
        parse("<stream:error/>"),
        Err(ParseError::UnknownCondition { .. })
    ));
    assert!(matches!(
        parse(&format!("<stream:error><x-nope {ns}/></stream:error>")),
        Err(ParseError::UnknownCondition { .. })
    ));
    assert!(matches!(
        parse(&format!(
            "<stream:error><see-other-host {ns}>::1</see-other-host></stream:error>"
        )),
        Err(ParseError::InvalidText { .. })
    ));
    assert!(matches!(
        parse(&format!(
            "<stream:error><reset {ns}/><reset {ns}/></stream:error>"
        )),
        Err(ParseError::DuplicateChild { .. })
    ));
    assert!(matches!(
        parse("<message/>"),
        Err(ParseError::WrongElement { .. })
    ));
}

#[test]
fn framing_errors_become_stream_errors() {
    let e = Element::parse(b"<a><b></a>").unwrap_err();
    let s = StreamError::from(&e);
    assert_eq!(s.condition, StreamCondition::NotWellFormed);
    assert_eq!(s.texts.len(), 1);
}

#[test]
fn every_sasl_failure_condition() {
    for c in SaslCondition::ALL {
        let xml = format!(
            "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><{}/>\
             <text xml:lang='en'>x</text></failure>",
            c.as_str()
        );
        let e = &elements(&xml)[0];
        let Packet::Sasl(Sasl::Failure(f)) = Packet::try_from(e).unwrap() else {
            panic!()
        };
        assert_eq!(f.condition, c);
        assert_eq!(&Sasl::Failure(f.clone()).to_element(), e);
        let plain = Sasl::Failure(SaslFailure::new(c));
        assert_eq!(Sasl::try_from(plain.to_element()).unwrap(), plain);
    }
    let bad = &elements("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><oops/></failure>")[0];
    assert!(matches!(
        Sasl::try_from(bad),
        Err(ParseError::UnknownCondition { .. })
    ));
}
