//! Login with every mechanism over every TLS setup, and the channel binding chosen.

use xmpp_core::testing::NullTlsEngine;
use xmpp_core::{
    ChannelBindingType, ClientTls, CloseReason, Event, LegacySession, Mechanism, SaslCondition,
    ServerTls, TlsMode, TlsVersion,
};

use crate::harness::*;

fn login(tls: Tls, mechanism: Mechanism) -> Pair {
    let (c, s) = tls.apply(
        client_config(PASSWORD, 11)
            .mechanisms(vec![mechanism])
            .allow_digest_md5(true),
        server_config(12).mechanisms(vec![mechanism]),
    );
    let mut p = Pair::new(c, s);
    p.run();
    p
}

fn assert_logged_in(p: &Pair, mechanism: &str, cb: Option<ChannelBindingType>) {
    assert!(
        p.both_online(),
        "{:?}\n{:?}",
        p.client_events,
        p.server_events
    );
    let jid = online(&p.client_events).unwrap();
    assert_eq!(jid.bare_str(), "juliet@example.com");
    assert_eq!(online(&p.server_events), Some(jid));
    assert_eq!(authenticated(&p.client_events), Some((mechanism, cb)));
    assert_eq!(authenticated(&p.server_events), Some((mechanism, cb)));
    assert_eq!(p.client.negotiated().mechanism.as_deref(), Some(mechanism));
    assert_eq!(p.server.negotiated().channel_binding, cb);
    assert_eq!(p.client.negotiated().jid.as_ref(), Some(jid));
}

#[test]
fn plaintext_scram_without_binding() {
    for m in [
        Mechanism::ScramSha1,
        Mechanism::ScramSha256,
        Mechanism::ScramSha512,
    ] {
        let p = login(Tls::None, m);
        assert_logged_in(&p, m.name(), None);
        assert_eq!(p.client.negotiated().tls_version, None);
        assert!(
            !p.client_events
                .iter()
                .any(|e| matches!(e, Event::TlsEstablished { .. }))
        );
    }
}

#[test]
fn plaintext_never_offers_or_uses_plain() {
    let p = login(Tls::None, Mechanism::Plain);
    assert!(!p.both_online());
    assert_eq!(
        closed(&p.client_events),
        Some(&CloseReason::Negotiation(
            xmpp_core::NegotiationFailure::NoMechanism
        ))
    );
    assert!(!String::from_utf8_lossy(&p.s2c).contains("PLAIN"));
    // The server saw a graceful close, not a broken stream.
    assert_eq!(closed(&p.server_events), Some(&CloseReason::Graceful));
}

#[test]
fn every_mechanism_over_starttls_tls13() {
    for m in [
        Mechanism::Plain,
        Mechanism::DigestMd5,
        Mechanism::ScramSha1,
        Mechanism::ScramSha256,
        Mechanism::ScramSha512,
    ] {
        let p = login(Tls::StartTls13, m);
        assert_logged_in(&p, m.name(), None);
        assert_eq!(p.client.negotiated().tls_version, Some(TlsVersion::Tls13));
    }
    for m in [
        Mechanism::ScramSha1Plus,
        Mechanism::ScramSha256Plus,
        Mechanism::ScramSha512Plus,
    ] {
        let p = login(Tls::StartTls13, m);
        assert_logged_in(&p, m.name(), Some(ChannelBindingType::TlsExporter));
    }
}

#[test]
fn every_mechanism_over_direct_tls() {
    for tls in [Tls::Direct13, Tls::Direct12Ems] {
        for m in [Mechanism::Plain, Mechanism::ScramSha256] {
            let p = login(tls, m);
            assert_logged_in(&p, m.name(), None);
        }
        let p = login(tls, Mechanism::ScramSha256Plus);
        assert_logged_in(
            &p,
            "SCRAM-SHA-256-PLUS",
            Some(ChannelBindingType::TlsExporter),
        );
        let expected = if tls == Tls::Direct13 {
            TlsVersion::Tls13
        } else {
            TlsVersion::Tls12
        };
        assert!(
            p.client_events
                .contains(&Event::TlsEstablished { version: expected })
        );
        assert!(
            p.server_events
                .contains(&Event::TlsEstablished { version: expected })
        );
    }
}

#[test]
fn tls12_with_ems_binds_tls_exporter() {
    for m in [
        Mechanism::ScramSha1Plus,
        Mechanism::ScramSha512Plus,
        Mechanism::DigestMd5,
    ] {
        let p = login(Tls::StartTls12Ems, m);
        let cb = m.is_plus().then_some(ChannelBindingType::TlsExporter);
        assert_logged_in(&p, m.name(), cb);
        assert_eq!(p.client.negotiated().tls_version, Some(TlsVersion::Tls12));
    }
}

#[test]
fn tls12_without_ems_binds_server_end_point() {
    // No extended master secret: tls-exporter is unsafe and unavailable; XEP-0440 then
    // advertises tls-server-end-point only, and both sides use it.
    let mut p = Pair::with_tls(Tls::StartTls12NoEms, PASSWORD);
    p.run();
    assert_logged_in(
        &p,
        "SCRAM-SHA-512-PLUS",
        Some(ChannelBindingType::TlsServerEndPoint),
    );
    assert_eq!(
        p.client.negotiated().advertised_channel_bindings,
        Some(vec!["tls-server-end-point".to_string()])
    );
}

#[test]
fn default_preference_picks_sha512_plus_with_exporter() {
    for tls in [Tls::StartTls13, Tls::StartTls12Ems, Tls::Direct13] {
        let mut p = Pair::with_tls(tls, PASSWORD);
        p.run();
        assert_logged_in(
            &p,
            "SCRAM-SHA-512-PLUS",
            Some(ChannelBindingType::TlsExporter),
        );
    }
}

/// Prosody and ejabberd offer -PLUS (meaning `tls-unique`) without XEP-0440. rustls
/// has no `tls-unique`, so the client must use plain SCRAM with the gs2 flag `n`: a
/// `y` would be rejected as a downgrade by a server that offered -PLUS (ours too).
#[test]
fn plus_without_xep0440_falls_back_to_n_flag() {
    let c = client_config(PASSWORD, 21).tls(ClientTls::Engine {
        engine: Box::new(NullTlsEngine::new(xmpp_core::deps::xmpp_tls::Role::Client)),
        mode: TlsMode::StartTls { required: true },
    });
    let s = server_config(22)
        .advertise_channel_binding(false)
        .tls(ServerTls::Engine {
            engine: Box::new(NullTlsEngine::new(xmpp_core::deps::xmpp_tls::Role::Server)),
            mode: TlsMode::StartTls { required: true },
        });
    let mut p = Pair::new(c, s);
    p.run();
    let wire = String::from_utf8_lossy(&p.s2c).into_owned();
    assert!(wire.contains("SCRAM-SHA-512-PLUS"), "{wire}");
    assert!(!wire.contains("sasl-channel-binding"), "{wire}");
    assert_logged_in(&p, "SCRAM-SHA-512", None);
    // The initial response starts with gs2 header "n,,".
    let c2s = String::from_utf8_lossy(&p.c2s).into_owned();
    let start = c2s.find("mechanism='SCRAM-SHA-512'>").expect(&c2s) + 26;
    let end = start + c2s[start..].find('<').unwrap();
    let first = base64_decode(&c2s[start..end]);
    assert!(first.starts_with(b"n,,n=juliet,r="), "{first:?}");
}

/// Our server with XEP-0440 over the null engine (which exports only tls-exporter).
#[test]
fn xep0440_with_exporter_is_chosen() {
    let c = client_config(PASSWORD, 23).tls(ClientTls::Engine {
        engine: Box::new(NullTlsEngine::new(xmpp_core::deps::xmpp_tls::Role::Client)),
        mode: TlsMode::StartTls { required: true },
    });
    let s = server_config(24).tls(ServerTls::Engine {
        engine: Box::new(NullTlsEngine::new(xmpp_core::deps::xmpp_tls::Role::Server)),
        mode: TlsMode::StartTls { required: true },
    });
    let mut p = Pair::new(c, s);
    p.run();
    let wire = String::from_utf8_lossy(&p.s2c).into_owned();
    assert!(
        wire.contains("<sasl-channel-binding xmlns='urn:xmpp:sasl-cb:0'><channel-binding type='tls-exporter'/>"),
        "{wire}"
    );
    assert_logged_in(
        &p,
        "SCRAM-SHA-512-PLUS",
        Some(ChannelBindingType::TlsExporter),
    );
    let c2s = String::from_utf8_lossy(&p.c2s).into_owned();
    let start = c2s.find("mechanism='SCRAM-SHA-512-PLUS'>").expect(&c2s) + 31;
    let end = start + c2s[start..].find('<').unwrap();
    assert!(base64_decode(&c2s[start..end]).starts_with(b"p=tls-exporter,,"));
}

#[test]
fn wrong_password_ends_cleanly_without_retry() {
    let mut p = Pair::with_tls(Tls::StartTls13, "not the password");
    p.run();
    assert_eq!(
        closed(&p.client_events),
        Some(&CloseReason::AuthFailed {
            condition: SaslCondition::NotAuthorized,
            by_peer: true
        })
    );
    assert_eq!(closed(&p.server_events), Some(&CloseReason::Graceful));
    assert!(p.client.is_closed() && p.server.is_closed());
    assert!(
        !p.client_events
            .iter()
            .any(|e| matches!(e, Event::Authenticated { .. }))
    );
    // Exactly one attempt (the bytes are encrypted, so count on a plaintext run).
    let mut p = Pair::with_tls(Tls::None, "not the password");
    p.run();
    let c2s = String::from_utf8_lossy(&p.c2s).into_owned();
    assert_eq!(c2s.matches("<auth ").count(), 1, "{c2s}");
    assert!(c2s.ends_with("</stream:stream>"));
}

#[test]
fn legacy_session_when_required() {
    let (c, s) = Tls::StartTls13.apply(
        client_config(PASSWORD, 31),
        server_config(32).legacy_session(LegacySession::Required),
    );
    let mut p = Pair::new(c, s);
    p.run();
    assert!(p.both_online());
    assert!(p.client.negotiated().session);
    assert!(p.server.negotiated().session);
    // Optional (the default): the client skips it.
    let mut p = Pair::with_tls(Tls::None, PASSWORD);
    p.run();
    assert!(p.both_online());
    assert!(!p.client.negotiated().session);
    assert!(!String::from_utf8_lossy(&p.c2s).contains("xmpp-session'/>"));
}

#[test]
fn requested_and_assigned_resources() {
    let (c, s) = Tls::None.apply(
        client_config(PASSWORD, 41).resource(Some("balcony".into())),
        server_config(42),
    );
    let mut p = Pair::new(c, s);
    p.run();
    assert_eq!(
        online(&p.client_events).map(|j| j.as_str()),
        Some("juliet@example.com/balcony")
    );
    let requested = p.server_events.iter().find_map(|e| match e {
        Event::BindRequested { requested, .. } => Some(requested.clone()),
        _ => None,
    });
    assert_eq!(requested, Some(Some("balcony".to_string())));
    // None requested: the server's random suggestion is bound.
    let mut p = Pair::with_tls(Tls::None, PASSWORD);
    p.run();
    let jid = online(&p.client_events).unwrap();
    assert_eq!(jid.resourcepart().len(), 16);
}

fn base64_decode(s: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes().filter(|c| *c != b'=') {
        let v = ALPHABET.iter().position(|a| *a == c).unwrap() as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// XEP-0474: a man in the middle (here: over the pass-through engine, so it can edit
/// the features) strips the strongest -PLUS mechanism. The client picks the next one,
/// the server's `d=` hash covers what it really offered, and the client stops.
#[test]
fn stripped_mechanism_is_detected_by_downgrade_protection() {
    use std::time::Instant;
    use xmpp_core::Connection;
    let now = Instant::now();
    let mut client = Connection::client(
        client_config(PASSWORD, 25).tls(ClientTls::Engine {
            engine: Box::new(NullTlsEngine::new(xmpp_core::deps::xmpp_tls::Role::Client)),
            mode: TlsMode::StartTls { required: true },
        }),
        now,
    );
    let mut server = Connection::server(
        server_config(26).tls(ServerTls::Engine {
            engine: Box::new(NullTlsEngine::new(xmpp_core::deps::xmpp_tls::Role::Server)),
            mode: TlsMode::StartTls { required: true },
        }),
        now,
    );
    let mut client_events = Vec::new();
    for _ in 0..20 {
        let mut out = Vec::new();
        client.poll_transmit(&mut out);
        server.handle_input(now, &out);
        let mut out = Vec::new();
        server.poll_transmit(&mut out);
        let edited = String::from_utf8(out)
            .unwrap()
            .replace("<mechanism>SCRAM-SHA-512-PLUS</mechanism>", "");
        client.handle_input(now, edited.as_bytes());
        client_events.extend(std::iter::from_fn(|| client.poll_event()));
        while server.poll_event().is_some() {}
    }
    assert!(
        !client_events
            .iter()
            .any(|e| matches!(e, Event::Authenticated { .. })),
        "{client_events:?}"
    );
    assert!(
        matches!(
            client_events.last(),
            Some(Event::Closed(CloseReason::AuthFailed {
                condition: SaslCondition::NotAuthorized,
                by_peer: false
            }))
        ),
        "{client_events:?}"
    );
}

#[test]
fn optional_starttls_on_the_server() {
    let optional = || {
        server_config(27).tls(ServerTls::StartTls {
            config: server_tls_config(TLS13, false),
            required: false,
        })
    };
    // A client with TLS takes it.
    let c = client_config(PASSWORD, 28).tls(ClientTls::StartTls(client_tls_config(TLS13, false)));
    let mut p = Pair::new(c, optional());
    p.run();
    assert_logged_in(
        &p,
        "SCRAM-SHA-512-PLUS",
        Some(ChannelBindingType::TlsExporter),
    );
    let first = String::from_utf8_lossy(&p.s2c[..400]).into_owned();
    assert!(
        first.contains("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"),
        "{first}"
    );
    // A client without TLS logs in with SCRAM in plaintext; PLAIN was never offered.
    let mut p = Pair::new(client_config(PASSWORD, 29), optional());
    p.run();
    assert_logged_in(&p, "SCRAM-SHA-512", None);
    assert!(!String::from_utf8_lossy(&p.s2c).contains("<mechanism>PLAIN</mechanism>"));
}

/// The Prosody shape over real TLS: SCRAM-SHA-1-PLUS, SCRAM-SHA-1 and PLAIN, no
/// XEP-0440. Our server offered -PLUS, so it would refuse a `y` flag as a downgrade:
/// the login succeeding proves the client sent `n`, and it reports no binding.
#[test]
fn prosody_shaped_offer_over_rustls() {
    for tls in [Tls::StartTls13, Tls::StartTls12Ems] {
        let (c, s) = tls.apply(
            client_config(PASSWORD, 33),
            server_config(34)
                .advertise_channel_binding(false)
                .mechanisms(vec![
                    Mechanism::ScramSha1Plus,
                    Mechanism::ScramSha1,
                    Mechanism::Plain,
                ]),
        );
        let mut p = Pair::new(c, s);
        p.run();
        assert_logged_in(&p, "SCRAM-SHA-1", None);
        assert_eq!(p.client.negotiated().advertised_channel_bindings, None);
    }
}
