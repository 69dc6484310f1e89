//! The server against a scripted client (plaintext, so every byte can be read).

use std::time::Instant;

use xmpp_core::{CloseReason, Connection, Event, Mechanism, StreamCondition};

use crate::harness::*;

const HEADER: &str = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";

fn server() -> (Connection, Instant) {
    let now = Instant::now();
    let s = xmpp_core::ServerConfig::new([DOMAIN], fast_store())
        .mechanisms(vec![Mechanism::ScramSha1, Mechanism::Plain])
        .random(Box::new(xmpp_core::SeededNonceSource::new(9)));
    (Connection::server(s, now), now)
}

fn output(c: &mut Connection) -> String {
    let mut out = Vec::new();
    c.poll_transmit(&mut out);
    String::from_utf8(out).unwrap()
}

fn events(c: &mut Connection) -> Vec<Event> {
    std::iter::from_fn(|| c.poll_event()).collect()
}

#[test]
fn header_and_features_without_tls() {
    let (mut s, now) = server();
    assert_eq!(output(&mut s), "");
    s.handle_input(now, HEADER.as_bytes());
    let out = output(&mut s);
    assert!(out.starts_with("<?xml version='1.0'?><stream:stream xmlns='jabber:client'"));
    assert!(out.contains("from='example.com'") && out.contains("version='1.0'"));
    // No TLS: PLAIN is not offered, SCRAM is; no -PLUS without channel binding.
    assert!(out.contains("<mechanism>SCRAM-SHA-1</mechanism>"), "{out}");
    assert!(!out.contains("PLAIN") && !out.contains("PLUS") && !out.contains("starttls"));
    assert!(s.negotiated().stream_id.is_some());
}

#[test]
fn wrong_namespace_and_missing_version() {
    let (mut s, now) = server();
    s.handle_input(
        now,
        b"<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>",
    );
    assert!(output(&mut s).contains("<invalid-namespace"));
    let (mut s, now) = server();
    s.handle_input(
        now,
        b"<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com'>",
    );
    assert!(output(&mut s).contains("<unsupported-version"));
    assert!(s.is_closed());
}

#[test]
fn stanza_before_auth_is_not_authorized() {
    let (mut s, now) = server();
    s.handle_input(now, HEADER.as_bytes());
    output(&mut s);
    s.handle_input(
        now,
        b"<message to='romeo@example.net'><body>x</body></message>",
    );
    assert!(output(&mut s).contains("<not-authorized"));
    assert!(matches!(
        events(&mut s).last(),
        Some(Event::Closed(CloseReason::StreamError {
            condition: StreamCondition::NotAuthorized,
            ..
        }))
    ));
}

fn auth(s: &mut Connection, now: Instant, mechanism: &str, data: &str) -> String {
    let xml = format!(
        "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='{mechanism}'>{data}</auth>"
    );
    s.handle_input(now, xml.as_bytes());
    output(s)
}

/// Only failures that judged the credentials count toward `max_auth_failures`
/// (RFC 6120 §6.4.5): unknown or unoffered mechanisms and aborts do not.
#[test]
fn unknown_mechanisms_are_not_password_guesses() {
    let (mut s, now) = server();
    s.handle_input(now, HEADER.as_bytes());
    output(&mut s);
    assert!(auth(&mut s, now, "X-UNKNOWN", "").contains("<invalid-mechanism/>"));
    // PLAIN is not offered without TLS, so it is refused like an unknown one.
    let plain = auth(&mut s, now, "PLAIN", "AGp1bGlldAByMG0zMG15cjBtMzA=");
    assert!(plain.contains("<invalid-mechanism/>"));
    s.handle_input(now, b"<abort xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
    assert!(output(&mut s).contains("<aborted/>"));
    assert!(!s.is_closed());
    // Malformed SCRAM exchanges count: the third ends the stream.
    for n in 1..=3 {
        let out = auth(&mut s, now, "SCRAM-SHA-1", "bm90IHNjcmFt");
        assert!(
            out.contains("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"),
            "{out}"
        );
        assert_eq!(out.contains("<policy-violation"), n == 3, "{n}: {out}");
        assert_eq!(s.is_closed(), n == 3);
    }
}

/// A channel-binding type we cannot provide is no password guess (RFC 5802 §7
/// `unsupported-channel-binding-type`): `<malformed-request/>` with that value as
/// text, and it does not count toward `max_auth_failures`.
#[test]
fn unsupported_channel_binding_type_is_not_a_password_guess() {
    let (mut s, now) = server();
    s.handle_input(now, HEADER.as_bytes());
    output(&mut s);
    // "p=tls-bogus,,n=juliet,r=abcd"; no TLS here, so we bind nothing at all.
    for _ in 0..5 {
        let out = auth(
            &mut s,
            now,
            "SCRAM-SHA-1",
            "cD10bHMtYm9ndXMsLG49anVsaWV0LHI9YWJjZA==",
        );
        assert!(out.contains("<malformed-request/>"), "{out}");
        assert!(
            out.contains("unsupported-channel-binding-type (supported: none)"),
            "{out}"
        );
        assert!(!s.is_closed());
    }
    assert!(matches!(
        events(&mut s).last(),
        Some(Event::AuthFailed {
            condition: xmpp_core::SaslCondition::MalformedRequest,
            ..
        })
    ));
}

/// Attempts that are no password guesses still end the stream at the hard bound
/// (`max_auth_attempts`, default 10), aborts included.
#[test]
fn attempts_of_any_kind_are_bounded() {
    let (mut s, now) = server();
    s.handle_input(now, HEADER.as_bytes());
    output(&mut s);
    for n in 1..=9 {
        if n % 3 == 0 {
            s.handle_input(now, b"<abort xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
            assert!(output(&mut s).contains("<aborted/>"));
        } else {
            assert!(auth(&mut s, now, "X-UNKNOWN", "").contains("<invalid-mechanism/>"));
        }
        assert!(!s.is_closed(), "closed after {n}");
    }
    let out = auth(&mut s, now, "X-UNKNOWN", "");
    assert!(out.contains("<invalid-mechanism/>"), "{out}");
    assert!(out.contains("<policy-violation"), "{out}");
    assert!(s.is_closed());

    // The bound is configurable.
    let config = xmpp_core::ServerConfig::new([DOMAIN], fast_store())
        .mechanisms(vec![Mechanism::ScramSha1])
        .max_auth_attempts(4)
        .random(Box::new(xmpp_core::SeededNonceSource::new(9)));
    let mut s = Connection::server(config, now);
    s.handle_input(now, HEADER.as_bytes());
    output(&mut s);
    for _ in 1..=3 {
        auth(&mut s, now, "X-UNKNOWN", "");
        assert!(!s.is_closed());
    }
    assert!(auth(&mut s, now, "X-UNKNOWN", "").contains("<policy-violation"));
}

#[test]
fn bad_base64_in_auth_is_incorrect_encoding() {
    let (mut s, now) = server();
    s.handle_input(now, HEADER.as_bytes());
    output(&mut s);
    s.handle_input(
        now,
        b"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-1'>!!!</auth>",
    );
    assert!(output(&mut s).contains("<incorrect-encoding/>"));
}

#[test]
fn unknown_top_level_element_is_unsupported_stanza_type() {
    let (mut s, now) = server();
    s.handle_input(now, HEADER.as_bytes());
    output(&mut s);
    s.handle_input(now, b"<foo xmlns='urn:example'/>");
    assert!(output(&mut s).contains("<unsupported-stanza-type"));
}

#[test]
fn garbage_before_header_gets_a_header_then_an_error() {
    let (mut s, now) = server();
    s.handle_input(now, b"GET / HTTP/1.1\r\n");
    let out = output(&mut s);
    assert!(
        out.starts_with("<?xml version='1.0'?><stream:stream"),
        "{out}"
    );
    assert!(
        out.contains("<not-well-formed") || out.contains("<bad-format"),
        "{out}"
    );
    assert!(out.ends_with("</stream:stream>"));
    assert!(s.is_closed());
}

/// go-xmpp writes `<starttls/>` followed by a newline in one packet: whitespace is not
/// an injection, but anything else behind `<starttls/>` is.
#[test]
fn whitespace_behind_starttls_is_not_an_injection() {
    let config = || {
        xmpp_core::ServerConfig::new([DOMAIN], fast_store())
            .random(Box::new(xmpp_core::SeededNonceSource::new(9)))
            .tls(xmpp_core::ServerTls::starttls(server_tls_config(
                TLS13, false,
            )))
    };
    let now = Instant::now();
    let mut s = Connection::server(config(), now);
    s.handle_input(now, HEADER.as_bytes());
    output(&mut s);
    s.handle_input(
        now,
        b"<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>\r\n",
    );
    assert_eq!(
        output(&mut s),
        "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
    );
    assert!(!s.is_closed(), "{:?}", events(&mut s));

    let mut s = Connection::server(config(), now);
    s.handle_input(now, HEADER.as_bytes());
    output(&mut s);
    s.handle_input(
        now,
        b"<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>\n<iq type='get' id='x'/>",
    );
    assert!(output(&mut s).contains("<policy-violation"));
    assert!(s.is_closed());
}

#[test]
fn failed_attempts_are_reported_with_the_claimed_username() {
    let (mut s, now) = server();
    s.handle_input(now, HEADER.as_bytes());
    output(&mut s);
    // SCRAM client-first with a username, then a bogus client-final.
    s.handle_input(
        now,
        b"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-1'>biwsbj1yb21lbyxyPWFiY2RlZmdoaWprbG1ub3A=</auth>",
    );
    assert!(output(&mut s).contains("<challenge"));
    s.handle_input(
        now,
        b"<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>Yz1iaXdzLHI9YWJj</response>",
    );
    output(&mut s);
    let ev = events(&mut s);
    match &ev[..] {
        [
            Event::AuthFailed {
                mechanism,
                username,
                condition: _,
            },
        ] => {
            assert_eq!(mechanism.as_deref(), Some("SCRAM-SHA-1"));
            assert_eq!(username.as_deref(), Some("romeo"));
        }
        other => panic!("{other:?}"),
    }
    // An unknown mechanism is reported too, without a username.
    s.handle_input(
        now,
        b"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='X-FOO'/>",
    );
    assert!(matches!(
        &events(&mut s)[..],
        [Event::AuthFailed {
            username: None,
            condition: xmpp_core::SaslCondition::InvalidMechanism,
            ..
        }]
    ));
}

/// The RFC 6120 §9.1 shape: a server nonce from a scripted source, and no XEP-0474
/// `d=` attribute when downgrade protection is off.
#[test]
fn scripted_server_nonce_and_no_downgrade_attribute() {
    let now = Instant::now();
    let config = xmpp_core::ServerConfig::new([DOMAIN], store())
        .mechanisms(vec![Mechanism::ScramSha1])
        .downgrade_protection(false)
        .random(Box::new(xmpp_core::deps::xmpp_sasl::FixedNonceSource::new(
            ["e124695b-69a9-4de6-9c30-b51b3808c59e"],
        )));
    let mut s = Connection::server(config, now);
    s.handle_input(now, HEADER.as_bytes());
    output(&mut s);
    // "n,,n=juliet,r=oMsTAAwAAAAMAAAANP0TAAAAAABPU0AA"
    s.handle_input(
        now,
        b"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-1'>biwsbj1qdWxpZXQscj1vTXNUQUF3QUFBQU1BQUFBTlAwVEFBQUFBQUJQVTBBQQ==</auth>",
    );
    let out = output(&mut s);
    let start = out.find("'>").unwrap() + 2;
    let end = start + out[start..].find('<').unwrap();
    let first = String::from_utf8(decode(&out[start..end])).unwrap();
    assert!(
        first.starts_with(
            "r=oMsTAAwAAAAMAAAANP0TAAAAAABPU0AAe124695b-69a9-4de6-9c30-b51b3808c59e,s="
        ),
        "{first}"
    );
    assert!(first.ends_with(",i=4096"), "{first}");
    assert!(!first.contains(",d="));
}

fn decode(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}
