//! Life after login and everything that ends a connection.

use std::time::{Duration, Instant};

use xmpp_core::deps::xmpp_stanza::{ContentNs, MessageType};
use xmpp_core::{
    ClientTls, CloseReason, Connection, DefinedCondition, Event, Jid, Limits, Message,
    NegotiationFailure, SaslCondition, SendError, Stanza, StreamCondition, TimeoutKind,
};

use crate::harness::*;

fn online_pair(tls: Tls) -> Pair {
    let mut p = Pair::with_tls(tls, PASSWORD);
    p.run();
    assert!(
        p.both_online(),
        "{:?}\n{:?}",
        p.client_events,
        p.server_events
    );
    p
}

fn chat(to: &str, body: &str) -> Stanza {
    Stanza::Message(Message::chat(Jid::new(to).unwrap(), body))
}

fn stanzas(events: &[Event]) -> Vec<&Stanza> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Stanza(s) => Some(s),
            _ => None,
        })
        .collect()
}

#[test]
fn messages_both_ways_with_from_stamped() {
    for tls in [Tls::None, Tls::StartTls13, Tls::Direct12Ems] {
        let mut p = online_pair(tls);
        let full = online(&p.client_events).unwrap().clone();
        p.client
            .send(p.now, chat("romeo@example.net", "hi"))
            .unwrap();
        p.run();
        let got = stanzas(&p.server_events);
        assert_eq!(got.len(), 1);
        let Stanza::Message(m) = got[0] else { panic!() };
        assert_eq!(m.from.as_ref().map(|j| j.as_str()), Some(full.as_str()));
        assert_eq!(m.body(None), Some("hi"));
        assert_eq!(m.kind(), MessageType::Chat);

        let mut reply = Message::chat(full.as_jid().clone(), "hello juliet");
        reply.from = Some(Jid::new("romeo@example.net/orchard").unwrap());
        p.server
            .send(p.now, Stanza::Message(reply.clone()))
            .unwrap();
        p.run();
        assert_eq!(stanzas(&p.client_events), vec![&Stanza::Message(reply)]);
    }
}

#[test]
fn bare_from_is_accepted_and_stamped_wrong_from_is_a_stream_error() {
    let mut p = online_pair(Tls::None);
    let full = online(&p.client_events).unwrap().clone();
    let mut m = Message::chat(Jid::new("romeo@example.net").unwrap(), "a");
    m.from = Some(Jid::new("juliet@example.com").unwrap());
    p.client.send(p.now, Stanza::Message(m)).unwrap();
    p.run();
    let got = stanzas(&p.server_events);
    assert_eq!(got[0].from_jid().map(|j| j.as_str()), Some(full.as_str()));

    let mut m = Message::chat(Jid::new("romeo@example.net").unwrap(), "b");
    m.from = Some(Jid::new("nurse@example.com/x").unwrap());
    p.client.send(p.now, Stanza::Message(m)).unwrap();
    p.run();
    assert_eq!(
        closed(&p.server_events),
        Some(&CloseReason::StreamError {
            condition: StreamCondition::InvalidFrom,
            text: None,
            by_peer: false
        })
    );
    assert!(matches!(
        closed(&p.client_events),
        Some(CloseReason::StreamError {
            condition: StreamCondition::InvalidFrom,
            by_peer: true,
            ..
        })
    ));
    assert_eq!(stanzas(&p.server_events).len(), 1);
}

#[test]
fn malformed_stanza_gets_a_stanza_error() {
    let mut p = online_pair(Tls::None);
    // An IQ get without payload is not a valid IQ (RFC 6120 §8.2.3): bad-request.
    p.server
        .handle_input(p.now, b"<iq type='get' id='q1' to='example.com'/>");
    let mut out = Vec::new();
    p.server.poll_transmit(&mut out);
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("type='error'"), "{out}");
    assert!(out.contains("id='q1'"), "{out}");
    assert!(out.contains("<bad-request"), "{out}");
    assert!(p.server.is_online());
}

#[test]
fn graceful_close_from_either_side() {
    for client_first in [true, false] {
        let mut p = online_pair(Tls::StartTls13);
        if client_first {
            p.client.close(p.now);
        } else {
            p.server.close(p.now);
        }
        assert!(!p.client.is_online() || !client_first);
        p.run();
        assert_eq!(closed(&p.client_events), Some(&CloseReason::Graceful));
        assert_eq!(closed(&p.server_events), Some(&CloseReason::Graceful));
        assert!(p.client.is_closed() && p.server.is_closed());
        assert_eq!(p.client.poll_timeout(), None);
        assert_eq!(
            p.client.send(p.now, chat("a@b", "late")),
            Err(SendError::Closed)
        );
        // Closed means silent: no byte after the last drain.
        let mut out = Vec::new();
        p.client.handle_input(p.now, b"<more/>");
        p.client.handle_timeout(p.now + Duration::from_secs(3600));
        assert_eq!(p.client.poll_transmit(&mut out), 0);
        assert_eq!(p.client.poll_event(), None);
    }
}

#[test]
fn plaintext_close_transcript_ends_with_closing_tags() {
    let mut p = online_pair(Tls::None);
    p.client.close(p.now);
    p.run();
    assert!(String::from_utf8_lossy(&p.c2s).ends_with("</stream:stream>"));
    assert!(String::from_utf8_lossy(&p.s2c).ends_with("</stream:stream>"));
}

#[test]
fn eof_ends_without_output() {
    let mut p = online_pair(Tls::StartTls13);
    p.server.handle_eof(p.now);
    assert_eq!(p.server.poll_event(), Some(Event::Closed(CloseReason::Eof)));
    let mut out = Vec::new();
    assert_eq!(p.server.poll_transmit(&mut out), 0);
    // Close started, peer vanished: still reported as EOF.
    p.client.close(p.now);
    p.client.handle_eof(p.now);
    p.client.poll_transmit(&mut out);
    p.run();
    assert_eq!(closed(&p.client_events), Some(&CloseReason::Eof));
}

#[test]
fn negotiation_deadline() {
    let mut p = Pair::with_tls(Tls::StartTls13, PASSWORD);
    p.deliver = false;
    p.step();
    let deadline = p.client.poll_timeout().unwrap();
    assert_eq!(deadline, p.now + Duration::from_secs(30));
    p.advance(Duration::from_secs(29));
    assert!(!p.client.is_closed());
    p.advance(Duration::from_secs(1));
    assert_eq!(
        closed(&p.client_events),
        Some(&CloseReason::Timeout(TimeoutKind::Negotiation))
    );
    assert_eq!(
        closed(&p.server_events),
        Some(&CloseReason::Timeout(TimeoutKind::Negotiation))
    );
}

#[test]
fn ping_timeout_and_keepalive() {
    let (c, s) = Tls::None.apply(
        client_config(PASSWORD, 51)
            .keepalive(Duration::from_secs(20))
            .ping_interval(Duration::from_secs(60))
            .ping_timeout(Duration::from_secs(10)),
        server_config(52)
            .keepalive(Duration::ZERO)
            .ping_interval(Duration::ZERO),
    );
    let mut p = Pair::new(c, s);
    p.run();
    assert!(p.both_online());
    // Keepalive: one space after 20 s of sending nothing.
    p.advance(Duration::from_secs(20));
    let mut out = Vec::new();
    p.client.poll_transmit(&mut out);
    assert_eq!(out, b" ");
    // The server answers pings: the connection stays up across many intervals.
    for _ in 0..5 {
        p.advance(Duration::from_secs(30));
        p.run();
    }
    assert!(p.both_online(), "{:?}", p.client_events);
    assert!(String::from_utf8_lossy(&p.c2s).contains("urn:xmpp:ping"));
    assert!(
        stanzas(&p.client_events).is_empty(),
        "ping answers are swallowed"
    );
    assert!(
        stanzas(&p.server_events).is_empty(),
        "pings are answered by the server"
    );
    // Silence: the ping goes unanswered.
    p.deliver = false;
    p.advance(Duration::from_secs(60));
    p.step();
    assert!(p.client.is_online());
    p.advance(Duration::from_secs(10));
    assert_eq!(
        closed(&p.client_events),
        Some(&CloseReason::Timeout(TimeoutKind::Ping))
    );
}

#[test]
fn close_timeout_when_peer_never_answers() {
    let mut p = online_pair(Tls::None);
    p.deliver = false;
    p.client.close(p.now);
    p.step();
    p.advance(Duration::from_secs(10));
    assert_eq!(
        closed(&p.client_events),
        Some(&CloseReason::Timeout(TimeoutKind::Close))
    );
}

#[test]
fn send_before_online_and_full_buffer() {
    let mut p = Pair::with_tls(Tls::None, PASSWORD);
    assert_eq!(
        p.client.send(p.now, chat("a@b", "x")),
        Err(SendError::NotOnline)
    );
    let (c, s) = Tls::StartTls13.apply(
        client_config(PASSWORD, 61).output_limit(4096),
        server_config(62),
    );
    let mut p = Pair::new(c, s);
    p.run();
    assert!(p.both_online());
    let big = "x".repeat(1000);
    let mut sent = 0;
    let err = loop {
        match p.client.send(p.now, chat("romeo@example.net", &big)) {
            Ok(()) => sent += 1,
            Err(e) => break e,
        }
        assert!(sent < 100, "the buffer never filled");
    };
    assert!(
        matches!(err, SendError::BufferFull { limit: 4096, .. }),
        "{err:?}"
    );
    assert!(p.client.pending_output() <= 4096);
    // Draining makes room again, and everything sent arrives.
    p.run();
    p.client
        .send(p.now, chat("romeo@example.net", &big))
        .unwrap();
    p.run();
    assert_eq!(stanzas(&p.server_events).len(), sent + 1);
}

#[test]
fn stanza_over_the_size_limit_is_a_stream_error() {
    let mut limits = Limits::default();
    limits.max_element_bytes = 2048;
    let (c, s) = Tls::StartTls13.apply(
        client_config(PASSWORD, 71),
        server_config(72).limits(limits),
    );
    let mut p = Pair::new(c, s);
    p.run();
    assert!(p.both_online());
    p.client
        .send(p.now, chat("romeo@example.net", &"y".repeat(4000)))
        .unwrap();
    p.run();
    assert!(matches!(
        closed(&p.server_events),
        Some(CloseReason::StreamError {
            condition: StreamCondition::PolicyViolation,
            by_peer: false,
            ..
        })
    ));
    assert!(matches!(
        closed(&p.client_events),
        Some(CloseReason::StreamError {
            condition: StreamCondition::PolicyViolation,
            by_peer: true,
            ..
        })
    ));
}

#[test]
fn pre_auth_limits_are_tighter() {
    let mut p = Pair::with_tls(Tls::None, PASSWORD);
    p.step();
    // 20 KiB of attribute before authentication: over Limits::pre_auth (16 KiB).
    let mut junk = b"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='".to_vec();
    junk.extend(std::iter::repeat_n(b'A', 20 * 1024));
    p.server.handle_input(p.now, &junk);
    assert!(matches!(
        p.server.poll_event(),
        Some(Event::Closed(CloseReason::StreamError {
            condition: StreamCondition::PolicyViolation,
            ..
        }))
    ));
}

#[test]
fn host_unknown() {
    let c = xmpp_core::ClientConfig::new(
        xmpp_core::BareJid::new("juliet@elsewhere.example").unwrap(),
        PASSWORD,
    );
    let mut p = Pair::new(c, server_config(81));
    p.run();
    assert!(matches!(
        closed(&p.client_events),
        Some(CloseReason::StreamError {
            condition: StreamCondition::HostUnknown,
            by_peer: true,
            ..
        })
    ));
    assert!(matches!(
        closed(&p.server_events),
        Some(CloseReason::StreamError {
            condition: StreamCondition::HostUnknown,
            by_peer: false,
            ..
        })
    ));
    // The server opened its side of the stream before the error (RFC 6120 §4.9.1.1).
    let s2c = String::from_utf8_lossy(&p.s2c).into_owned();
    assert!(
        s2c.starts_with("<?xml version='1.0'?><stream:stream"),
        "{s2c}"
    );
    assert!(s2c.contains("<host-unknown"), "{s2c}");
}

#[test]
fn bind_conflict_refused() {
    let (c, s) = Tls::None.apply(
        client_config(PASSWORD, 91).resource(Some("balcony".into())),
        server_config(92),
    );
    let mut p = Pair::new(c, s);
    p.bind = Box::new(|requested, _| {
        assert_eq!(requested, Some("balcony"));
        Err(DefinedCondition::Conflict)
    });
    p.run();
    assert_eq!(
        closed(&p.client_events),
        Some(&CloseReason::BindFailed {
            condition: DefinedCondition::Conflict
        })
    );
    assert_eq!(closed(&p.server_events), Some(&CloseReason::Graceful));
    assert!(online(&p.server_events).is_none());
}

#[test]
fn bind_answers_outside_a_request_are_errors() {
    let mut p = online_pair(Tls::None);
    assert_eq!(
        p.server.accept_bind(p.now, "again"),
        Err(xmpp_core::CallError::NoBindPending)
    );
    assert_eq!(
        p.client.refuse_bind(p.now, DefinedCondition::Conflict),
        Err(xmpp_core::CallError::NotServer)
    );
}

#[test]
fn starttls_required_refuses_auth_in_plaintext() {
    let mut p = Pair::with_tls(Tls::StartTls13, PASSWORD);
    p.step();
    let mut server = p.server;
    server.handle_input(
        p.now,
        b"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldABy</auth>",
    );
    assert!(matches!(
        server.poll_event(),
        Some(Event::Closed(CloseReason::StreamError {
            condition: StreamCondition::PolicyViolation,
            ..
        }))
    ));
}

// ---- the client against a scripted server ----

const SERVER_HEADER: &str = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams' from='example.com' id='s1' version='1.0' xml:lang='en'>";

fn scripted_client(tls: ClientTls) -> (Connection, Instant) {
    let now = Instant::now();
    let c = Connection::client(client_config(PASSWORD, 5).tls(tls), now);
    (c, now)
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
fn see_other_host() {
    let (mut c, now) = scripted_client(ClientTls::None);
    output(&mut c);
    c.handle_input(
        now,
        format!(
            "{SERVER_HEADER}<stream:error><see-other-host xmlns='urn:ietf:params:xml:ns:xmpp-streams'>[2001:db8::1]:5223</see-other-host></stream:error>"
        )
        .as_bytes(),
    );
    let ev = events(&mut c);
    assert_eq!(
        ev[0],
        Event::SeeOtherHost {
            host: "2001:db8::1".into(),
            port: Some(5223)
        }
    );
    assert!(matches!(
        &ev[1],
        Event::Closed(CloseReason::StreamError {
            condition: StreamCondition::SeeOtherHost(_),
            by_peer: true,
            ..
        })
    ));
    assert_eq!(output(&mut c), "</stream:stream>");
}

#[test]
fn every_stream_error_from_the_server_closes() {
    for cond in [
        "bad-format",
        "conflict",
        "connection-timeout",
        "host-gone",
        "internal-server-error",
        "not-authorized",
        "policy-violation",
        "reset",
        "resource-constraint",
        "system-shutdown",
        "undefined-condition",
    ] {
        let (mut c, now) = scripted_client(ClientTls::None);
        output(&mut c);
        c.handle_input(
            now,
            format!("{SERVER_HEADER}<stream:error><{cond} xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>bye</text></stream:error>").as_bytes(),
        );
        let ev = events(&mut c);
        match &ev[..] {
            [
                Event::Closed(CloseReason::StreamError {
                    condition,
                    text,
                    by_peer: true,
                }),
            ] => {
                assert_eq!(condition.as_str(), cond);
                assert_eq!(text.as_deref(), Some("bye"));
            }
            other => panic!("{cond}: {other:?}"),
        }
        assert!(c.is_closed());
    }
}

#[test]
fn stripped_starttls_is_refused() {
    let (mut c, now) = scripted_client(ClientTls::StartTls(client_tls_config(TLS13, false)));
    output(&mut c);
    c.handle_input(
        now,
        format!("{SERVER_HEADER}<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>").as_bytes(),
    );
    assert_eq!(output(&mut c), "</stream:stream>");
    c.handle_input(now, b"</stream:stream>");
    assert_eq!(
        events(&mut c),
        vec![Event::Closed(CloseReason::Negotiation(
            NegotiationFailure::TlsNotOffered
        ))]
    );
}

#[test]
fn injection_after_proceed_is_refused() {
    let (mut c, now) = scripted_client(ClientTls::StartTls(client_tls_config(TLS13, false)));
    output(&mut c);
    c.handle_input(
        now,
        format!("{SERVER_HEADER}<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>").as_bytes(),
    );
    assert!(output(&mut c).contains("<starttls"));
    c.handle_input(
        now,
        b"<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/><stream:features/>",
    );
    assert_eq!(
        events(&mut c),
        vec![Event::Closed(CloseReason::Negotiation(
            NegotiationFailure::PlaintextInjection
        ))]
    );
}

const MECHS: &str = "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\
    <mechanism>SCRAM-SHA-256</mechanism><mechanism>SCRAM-SHA-1</mechanism></mechanisms></stream:features>";

#[test]
fn sasl_retry_only_after_mechanism_refusals() {
    let (mut c, now) = scripted_client(ClientTls::None);
    output(&mut c);
    c.handle_input(now, format!("{SERVER_HEADER}{MECHS}").as_bytes());
    assert!(output(&mut c).contains("mechanism='SCRAM-SHA-256'"));
    // "Not this mechanism": the next one is tried.
    c.handle_input(
        now,
        b"<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><invalid-mechanism/></failure>",
    );
    assert!(output(&mut c).contains("mechanism='SCRAM-SHA-1'"));
    // Wrong password: no further attempt, the stream is closed.
    c.handle_input(
        now,
        b"<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/></failure>",
    );
    assert_eq!(output(&mut c), "</stream:stream>");
    c.handle_input(now, b"</stream:stream>");
    assert_eq!(
        events(&mut c),
        vec![Event::Closed(CloseReason::AuthFailed {
            condition: SaslCondition::NotAuthorized,
            by_peer: true
        })]
    );
}

#[test]
fn sasl_temporary_failure_is_not_retried() {
    let (mut c, now) = scripted_client(ClientTls::None);
    output(&mut c);
    c.handle_input(now, format!("{SERVER_HEADER}{MECHS}").as_bytes());
    output(&mut c);
    c.handle_input(
        now,
        b"<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><temporary-auth-failure/></failure>",
    );
    assert_eq!(output(&mut c), "</stream:stream>");
}

#[test]
fn bad_server_signature_is_caught() {
    let (mut c, now) = scripted_client(ClientTls::None);
    output(&mut c);
    c.handle_input(now, format!("{SERVER_HEADER}{MECHS}").as_bytes());
    output(&mut c);
    // A success with a made-up verifier (no challenge first) must not log us in.
    c.handle_input(
        now,
        b"<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>dj1ybWY5cHFWOFM3c3VBb1pXamE0ZEpSa0ZzS1E9</success>",
    );
    let ev = events(&mut c);
    assert!(
        !ev.iter().any(|e| matches!(e, Event::Authenticated { .. })),
        "{ev:?}"
    );
    assert_eq!(output(&mut c), "</stream:stream>");
    assert!(!c.is_online());
    let _ = ContentNs::Client;
}

#[test]
fn server_pings_are_answered_by_the_client() {
    let (c, s) = Tls::StartTls13.apply(
        client_config(PASSWORD, 55)
            .keepalive(Duration::ZERO)
            .ping_interval(Duration::ZERO),
        server_config(56)
            .keepalive(Duration::ZERO)
            .ping_interval(Duration::from_secs(30))
            .ping_timeout(Duration::from_secs(5)),
    );
    let mut p = Pair::new(c, s);
    p.run();
    for _ in 0..4 {
        p.advance(Duration::from_secs(30));
        p.run();
        p.advance(Duration::from_secs(5));
    }
    assert!(p.both_online(), "{:?}", p.server_events);
    assert!(stanzas(&p.client_events).is_empty());
    assert!(stanzas(&p.server_events).is_empty());
    // A client that stops answering is dropped.
    p.deliver = false;
    p.advance(Duration::from_secs(30));
    p.advance(Duration::from_secs(5));
    assert_eq!(
        closed(&p.server_events),
        Some(&CloseReason::Timeout(TimeoutKind::Ping))
    );
}

#[test]
fn required_channel_binding_refuses_plain_scram() {
    use xmpp_core::deps::xmpp_tls::Role as TlsRole;
    use xmpp_core::testing::NullTlsEngine;
    use xmpp_core::{ServerTls, TlsMode};
    let c = client_config(PASSWORD, 57)
        .require_channel_binding(true)
        .tls(ClientTls::Engine {
            engine: Box::new(NullTlsEngine::new(TlsRole::Client)),
            mode: TlsMode::StartTls { required: true },
        });
    // Without XEP-0440 the -PLUS offer means tls-unique, which we cannot provide.
    let s = server_config(58)
        .advertise_channel_binding(false)
        .tls(ServerTls::Engine {
            engine: Box::new(NullTlsEngine::new(TlsRole::Server)),
            mode: TlsMode::StartTls { required: true },
        });
    let mut p = Pair::new(c, s);
    p.run();
    assert_eq!(
        closed(&p.client_events),
        Some(&CloseReason::Negotiation(NegotiationFailure::NoMechanism))
    );
}

#[test]
fn large_stanzas_within_limits_arrive_whole() {
    // 200 KiB: over the framer's 64 KiB input buffer, under the 256 KiB element limit.
    for tls in [Tls::None, Tls::StartTls13] {
        let mut p = online_pair(tls);
        let body = "z".repeat(200 * 1024);
        p.client
            .send(p.now, chat("romeo@example.net", &body))
            .unwrap();
        p.run();
        let got = stanzas(&p.server_events);
        let Stanza::Message(m) = got[0] else { panic!() };
        assert_eq!(m.body(None).map(str::len), Some(body.len()));
        assert!(p.both_online());
    }
}

#[test]
fn certificate_name_mismatch_fails_tls_on_both_sides() {
    for tls in [Tls::StartTls13, Tls::Direct13] {
        let (c, s) = tls.apply(
            client_config(PASSWORD, 95).server_name("other.example"),
            server_config(96),
        );
        let mut p = Pair::new(c, s);
        p.run();
        assert!(
            matches!(closed(&p.client_events), Some(CloseReason::Tls(_))),
            "{:?}",
            p.client_events
        );
        assert!(
            matches!(closed(&p.server_events), Some(CloseReason::Tls(_))),
            "{:?}",
            p.server_events
        );
        assert!(
            !p.client_events
                .iter()
                .any(|e| matches!(e, Event::Authenticated { .. }))
        );
    }
}

#[test]
fn close_during_the_tls_handshake_aborts() {
    let mut p = Pair::with_tls(Tls::StartTls13, PASSWORD);
    // Header, features, <starttls/>, <proceed/>: the client is now handshaking.
    for _ in 0..2 {
        p.step();
    }
    assert!(p.client.negotiated().tls_version.is_none());
    p.client.close(p.now);
    assert_eq!(closed(&p.client_events), None);
    assert_eq!(
        p.client.poll_event(),
        Some(Event::Closed(CloseReason::Aborted))
    );
    assert!(p.client.is_closed());
}

#[test]
fn whitespace_behind_proceed_and_success_is_tolerated() {
    use xmpp_core::TlsMode;
    use xmpp_core::deps::xmpp_tls::Role as TlsRole;
    use xmpp_core::testing::NullTlsEngine;
    let (mut c, now) = scripted_client(ClientTls::Engine {
        engine: Box::new(NullTlsEngine::new(TlsRole::Client)),
        mode: TlsMode::StartTls { required: true },
    });
    output(&mut c);
    c.handle_input(
        now,
        format!("{SERVER_HEADER}<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>").as_bytes(),
    );
    assert!(output(&mut c).contains("<starttls"));
    c.handle_input(now, b"<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>\n");
    // The pass-through engine completes at once: the new stream header is out.
    let out = output(&mut c);
    assert!(
        out.starts_with("<?xml version='1.0'?><stream:stream"),
        "{out}"
    );
    assert!(!c.is_closed(), "{:?}", events(&mut c));
    c.handle_input(
        now,
        format!("{SERVER_HEADER}<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>").as_bytes(),
    );
    assert!(output(&mut c).contains("mechanism='PLAIN'"));
    c.handle_input(
        now,
        b"<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>\r\n\t ",
    );
    let ev = events(&mut c);
    assert!(
        ev.iter().any(|e| matches!(e, Event::Authenticated { .. })),
        "{ev:?}"
    );
    assert!(output(&mut c).starts_with("<?xml version='1.0'?><stream:stream"));
    // The next stream parses normally.
    c.handle_input(
        now,
        format!("{SERVER_HEADER}<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>").as_bytes(),
    );
    assert!(output(&mut c).contains("urn:ietf:params:xml:ns:xmpp-bind"));
    assert!(!c.is_closed());
}

#[test]
fn prosody_bind_feature_with_required_child() {
    use xmpp_core::TlsMode;
    use xmpp_core::deps::xmpp_tls::Role as TlsRole;
    use xmpp_core::testing::NullTlsEngine;
    let (mut c, now) = scripted_client(ClientTls::Engine {
        engine: Box::new(NullTlsEngine::new(TlsRole::Client)),
        mode: TlsMode::Direct,
    });
    output(&mut c);
    c.handle_input(
        now,
        format!("{SERVER_HEADER}<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>").as_bytes(),
    );
    assert!(output(&mut c).contains("mechanism='PLAIN'"));
    c.handle_input(now, b"<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
    output(&mut c);
    c.handle_input(
        now,
        format!("{SERVER_HEADER}<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><required/></bind><session xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/></session></stream:features>").as_bytes(),
    );
    let out = output(&mut c);
    assert!(
        out.contains("<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"),
        "{out}"
    );
    let id_start = out.find("id='").unwrap() + 4;
    let id = &out[id_start..id_start + out[id_start..].find('\'').unwrap()];
    c.handle_input(
        now,
        format!("<iq type='result' id='{id}'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>juliet@example.com/abc</jid></bind></iq>").as_bytes(),
    );
    assert!(c.is_online(), "{:?}", events(&mut c));
}
