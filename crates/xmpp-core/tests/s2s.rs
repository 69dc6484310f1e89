//! Server-to-server streams (RFC 6120 §9.2): an initiating and a receiving
//! `Connection` over real rustls with rcgen certificates, plus a hand-driven initiator
//! for what a well-behaved `Connection` refuses to send.
#![allow(
    clippy::disallowed_methods,
    reason = "tests read the real clock once per link"
)]

use std::io::{Read, Write};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use rcgen::{BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair};
use xmpp_core::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use xmpp_core::rustls::{self, RootCertStore};
use xmpp_core::{
    BareJid, CloseReason, Connection, Event, Jid, Message, NegotiationFailure, Role, S2sConfig,
    S2sReceiverConfig, SaslCondition, SeededNonceSource, SendError, Stanza, StreamCondition,
    StreamKind,
};

const INITIATOR: &str = "example.net";
const RECEIVER: &str = "example.com";

struct Leaf {
    chain: Vec<CertificateDer<'static>>,
    key: Vec<u8>,
}

struct Pki {
    ca: CertificateDer<'static>,
    initiator: Leaf,
    receiver: Leaf,
    /// Signed by the same CA, for a domain the initiator does not claim.
    stranger: Leaf,
}

fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let alg = &rcgen::PKCS_ECDSA_P256_SHA256;
        let ca_key = KeyPair::generate_for(alg).unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "xmpp-core s2s test CA");
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let leaf = |name: &str| {
            let key = KeyPair::generate_for(alg).unwrap();
            let mut params = CertificateParams::new(vec![name.to_string()]).unwrap();
            params.extended_key_usages = vec![
                ExtendedKeyUsagePurpose::ServerAuth,
                ExtendedKeyUsagePurpose::ClientAuth,
            ];
            let cert = params.signed_by(&key, &ca, &ca_key).unwrap();
            Leaf {
                chain: vec![cert.der().clone(), ca.der().clone()],
                key: key.serialize_der(),
            }
        };
        Pki {
            ca: ca.der().clone(),
            initiator: leaf(INITIATOR),
            receiver: leaf(RECEIVER),
            stranger: leaf("stranger.example"),
        }
    })
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn roots() -> Arc<RootCertStore> {
    let mut roots = RootCertStore::empty();
    roots.add(pki().ca.clone()).unwrap();
    Arc::new(roots)
}

fn key_of(leaf: &Leaf) -> PrivateKeyDer<'static> {
    PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf.key.clone()))
}

/// The initiator's TLS: trusts the CA, presents `cert` (or nothing).
fn client_tls(cert: Option<&Leaf>) -> Arc<rustls::ClientConfig> {
    let b = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots());
    let cfg = match cert {
        Some(leaf) => b
            .with_client_auth_cert(leaf.chain.clone(), key_of(leaf))
            .unwrap(),
        None => b.with_no_client_auth(),
    };
    Arc::new(cfg)
}

/// The receiver's TLS: its certificate, and client certificates checked against the
/// CA (optional, so a server without one still gets through TLS).
fn server_tls() -> Arc<rustls::ServerConfig> {
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(roots(), provider())
        .allow_unauthenticated()
        .build()
        .unwrap();
    let leaf = &pki().receiver;
    let cfg = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(leaf.chain.clone(), key_of(leaf))
        .unwrap();
    Arc::new(cfg)
}

fn initiator_config(cert: Option<&Leaf>) -> S2sConfig {
    S2sConfig::new(INITIATOR, RECEIVER, client_tls(cert))
        .random(Box::new(SeededNonceSource::new(1)))
}

fn receiver_config() -> S2sReceiverConfig {
    S2sReceiverConfig::new([RECEIVER], server_tls()).random(Box::new(SeededNonceSource::new(2)))
}

/// Two connections joined in memory; `chunk` bytes per delivery.
struct Link {
    a: Connection,
    b: Connection,
    a_events: Vec<Event>,
    b_events: Vec<Event>,
    /// Sizes of successive deliveries, used in turn.
    chunks: Vec<usize>,
    next: usize,
    now: Instant,
}

impl Link {
    fn new(a: S2sConfig, b: S2sReceiverConfig, chunk: usize) -> Link {
        Link::with_schedule(a, b, vec![chunk])
    }

    fn with_schedule(a: S2sConfig, b: S2sReceiverConfig, chunks: Vec<usize>) -> Link {
        let now = Instant::now();
        Link {
            a: Connection::server_to_server(a, now),
            b: Connection::s2s_receiver(b, now),
            a_events: Vec::new(),
            b_events: Vec::new(),
            chunks,
            next: 0,
            now,
        }
    }

    fn deliver(&mut self, to_b: bool, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let n = self.chunks[self.next % self.chunks.len()].clamp(1, bytes.len());
            self.next += 1;
            let to = if to_b { &mut self.b } else { &mut self.a };
            to.handle_input(self.now, &bytes[..n]);
            bytes = &bytes[n..];
        }
    }

    /// Moves bytes until both sides are quiet.
    fn run(&mut self) {
        for _ in 0..10_000 {
            let mut out = Vec::new();
            self.a.poll_transmit(&mut out);
            let a_sent = !out.is_empty();
            self.deliver(true, &out);
            out.clear();
            self.b.poll_transmit(&mut out);
            let b_sent = !out.is_empty();
            self.deliver(false, &out);
            while let Some(e) = self.a.poll_event() {
                self.a_events.push(e);
            }
            while let Some(e) = self.b.poll_event() {
                self.b_events.push(e);
            }
            if !a_sent && !b_sent {
                return;
            }
        }
        panic!("the link never went quiet");
    }
}

fn message(from: &str, to: &str, body: &str) -> Stanza {
    let mut m = Message::chat(Jid::new(to).unwrap(), body);
    m.from = Some(Jid::new(from).unwrap());
    Stanza::Message(m)
}

fn s2s_online(events: &[Event]) -> Option<(&BareJid, &BareJid)> {
    events.iter().find_map(|e| match e {
        Event::S2sOnline { local, remote } => Some((local, remote)),
        _ => None,
    })
}

fn closed(events: &[Event]) -> Option<&CloseReason> {
    events.iter().find_map(|e| match e {
        Event::Closed(r) => Some(r),
        _ => None,
    })
}

/// The whole flow, a message across, a graceful close; returns both event lists.
fn success_flow(chunk: usize) -> (Vec<Event>, Vec<Event>) {
    success_flow_with(vec![chunk])
}

fn success_flow_with(chunks: Vec<usize>) -> (Vec<Event>, Vec<Event>) {
    let mut link = Link::with_schedule(
        initiator_config(Some(&pki().initiator)),
        receiver_config(),
        chunks,
    );
    link.run();
    assert!(
        link.a.is_online() && link.b.is_online(),
        "{link_a:?} / {link_b:?}",
        link_a = link.a_events,
        link_b = link.b_events
    );
    let sent = message(
        "juliet@example.net/balcony",
        "romeo@example.com",
        "Art thou there?",
    );
    link.a.send(link.now, sent).unwrap();
    link.run();
    link.a.close(link.now);
    link.run();
    (link.a_events, link.b_events)
}

#[test]
fn initiating_and_receiving_reach_online_and_deliver_a_message() {
    let (a, b) = success_flow(usize::MAX);
    let (local, remote) = s2s_online(&a).expect("initiator online");
    assert_eq!((local.as_str(), remote.as_str()), (INITIATOR, RECEIVER));
    let (local, remote) = s2s_online(&b).expect("receiver online");
    assert_eq!((local.as_str(), remote.as_str()), (RECEIVER, INITIATOR));
    for events in [&a, &b] {
        let auth = events.iter().find_map(|e| match e {
            Event::Authenticated { mechanism, jid, .. } => Some((mechanism.as_str(), jid.as_str())),
            _ => None,
        });
        assert_eq!(auth, Some(("EXTERNAL", INITIATOR)));
        assert!(
            events
                .iter()
                .any(|e| matches!(e, Event::TlsEstablished { .. }))
        );
        assert_eq!(closed(events), Some(&CloseReason::Graceful));
    }
    let got: Vec<&Stanza> = b
        .iter()
        .filter_map(|e| match e {
            Event::Stanza(s) => Some(s),
            _ => None,
        })
        .collect();
    assert_eq!(got.len(), 1);
    let Stanza::Message(m) = got[0] else {
        panic!("not a message: {got:?}")
    };
    assert_eq!(
        m.from.as_ref().map(Jid::as_str),
        Some("juliet@example.net/balcony")
    );
    assert_eq!(m.to.as_ref().map(Jid::as_str), Some("romeo@example.com"));
    assert_eq!(m.ns, xmpp_core::deps::xmpp_stanza::ContentNs::Server);
    assert!(!a.iter().any(|e| matches!(e, Event::Stanza(_))));
}

#[test]
fn one_byte_pump_gives_identical_events() {
    assert_eq!(success_flow(1), success_flow(usize::MAX));
    assert_eq!(success_flow(7), success_flow(usize::MAX));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

    /// Any schedule of delivery sizes gives the same events as whole deliveries.
    #[test]
    fn any_split_gives_identical_events(chunks in proptest::collection::vec(1usize..300, 1..12)) {
        proptest::prop_assert_eq!(success_flow_with(chunks), success_flow(usize::MAX));
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Whatever a peer writes before TLS, neither end panics, and each either waits,
    /// or ends with exactly one `Closed` as its last event.
    #[test]
    fn arbitrary_plaintext_is_survived(
        prefix in proptest::sample::select(vec!["", HEADER, RESPONSE]),
        noise in proptest::collection::vec(proptest::num::u8::ANY, 0..200),
    ) {
        let now = Instant::now();
        let mut conns = [
            Connection::s2s_receiver(receiver_config(), now),
            Connection::server_to_server(initiator_config(Some(&pki().initiator)), now),
        ];
        for c in &mut conns {
            c.handle_input(now, prefix.as_bytes());
            c.handle_input(now, &noise);
            let mut out = Vec::new();
            c.poll_transmit(&mut out);
            let mut events = Vec::new();
            while let Some(e) = c.poll_event() {
                events.push(e);
            }
            let closes = events.iter().filter(|e| matches!(e, Event::Closed(_))).count();
            proptest::prop_assert!(closes <= 1);
            if closes == 1 {
                proptest::prop_assert!(matches!(events.last(), Some(Event::Closed(_))));
                proptest::prop_assert!(c.is_closed());
            }
        }
    }
}

#[test]
fn roles_kinds_and_send_rules() {
    let mut link = Link::new(
        initiator_config(Some(&pki().initiator)),
        receiver_config(),
        usize::MAX,
    );
    assert_eq!(link.a.stream_kind(), StreamKind::ServerToServer);
    assert_eq!((link.a.role(), link.b.role()), (Role::Client, Role::Server));
    let early = message("a@example.net", "b@example.com", "too early");
    assert_eq!(link.a.send(link.now, early), Err(SendError::NotOnline));
    link.run();
    assert_eq!(link.a.negotiated().mechanism.as_deref(), Some("EXTERNAL"));
    assert_eq!(
        link.b
            .negotiated()
            .authenticated
            .as_ref()
            .map(BareJid::as_str),
        Some(INITIATOR)
    );
    let back = message("b@example.com", "a@example.net", "wrong way");
    assert_eq!(link.b.send(link.now, back), Err(SendError::ReceiveOnly));
    let cases = [
        (
            "mallory@evil.example",
            "b@example.com",
            StreamCondition::InvalidFrom,
        ),
        (
            "a@example.net",
            "b@elsewhere.example",
            StreamCondition::HostUnknown,
        ),
    ];
    for (from, to, condition) in cases {
        let before = link.a.pending_output();
        assert_eq!(
            link.a.send(link.now, message(from, to, "x")),
            Err(SendError::Addressing { condition })
        );
        assert_eq!(link.a.pending_output(), before);
    }
    let mut no_from = Message::chat(Jid::new("b@example.com").unwrap(), "x");
    no_from.from = None;
    assert_eq!(
        link.a.send(link.now, Stanza::Message(no_from)),
        Err(SendError::Addressing {
            condition: StreamCondition::ImproperAddressing
        })
    );
    assert!(link.a.is_online() && link.b.is_online());
}

#[test]
fn certificate_for_another_domain_is_not_authorized() {
    let mut link = Link::new(
        initiator_config(Some(&pki().stranger)),
        receiver_config(),
        usize::MAX,
    );
    link.run();
    assert_eq!(
        closed(&link.a_events),
        Some(&CloseReason::AuthFailed {
            condition: SaslCondition::NotAuthorized,
            by_peer: true
        })
    );
    let failed = link.b_events.iter().find_map(|e| match e {
        Event::AuthFailed {
            condition,
            username,
            mechanism,
        } => Some((*condition, username.clone(), mechanism.clone())),
        _ => None,
    });
    assert_eq!(
        failed,
        Some((
            SaslCondition::NotAuthorized,
            Some(INITIATOR.to_string()),
            Some("EXTERNAL".to_string())
        ))
    );
    assert_eq!(closed(&link.b_events), Some(&CloseReason::Graceful));
    assert!(s2s_online(&link.b_events).is_none());
}

#[test]
fn no_client_certificate_means_no_external() {
    let mut link = Link::new(initiator_config(None), receiver_config(), usize::MAX);
    link.run();
    assert_eq!(
        closed(&link.a_events),
        Some(&CloseReason::Negotiation(NegotiationFailure::NoMechanism))
    );
    assert!(
        !link
            .b_events
            .iter()
            .any(|e| matches!(e, Event::Authenticated { .. }))
    );
}

#[test]
fn custom_verifier_decides_the_name() {
    // A verifier that trusts nothing turns a good certificate away.
    let refuse: Arc<dyn xmpp_core::PeerDomainVerifier> = Arc::new(|_: &[u8], _: &str| false);
    let mut link = Link::new(
        initiator_config(Some(&pki().initiator)),
        receiver_config().verifier(refuse),
        usize::MAX,
    );
    link.run();
    assert!(matches!(
        closed(&link.a_events),
        Some(CloseReason::AuthFailed {
            condition: SaslCondition::NotAuthorized,
            ..
        })
    ));
}

#[test]
fn webpki_verifier_matches_dns_names() {
    use xmpp_core::PeerDomainVerifier as _;
    let v = xmpp_core::WebPkiDomainVerifier;
    let der = pki().initiator.chain[0].as_ref();
    assert!(v.verify_peer_domain(der, INITIATOR));
    assert!(!v.verify_peer_domain(der, RECEIVER));
    assert!(!v.verify_peer_domain(der, "sub.example.net"));
    assert!(!v.verify_peer_domain(der, "192.0.2.1"));
    assert!(!v.verify_peer_domain(b"not a certificate", INITIATOR));
}

/// Plaintext headers the receiver refuses before any TLS.
#[test]
fn receiver_refuses_bad_headers() {
    let cases: [(&str, &str); 4] = [
        (
            "<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' from='example.net' to='elsewhere.example' version='1.0'>",
            "host-unknown",
        ),
        (
            "<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>",
            "improper-addressing",
        ),
        (
            "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='example.net' to='example.com' version='1.0'>",
            "invalid-namespace",
        ),
        (
            "<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' from='example.net' to='example.com' version='1.0'><message from='a@example.net' to='b@example.com'><body>x</body></message>",
            "not-authorized",
        ),
    ];
    for (input, condition) in cases {
        let now = Instant::now();
        let mut b = Connection::s2s_receiver(receiver_config(), now);
        b.handle_input(now, input.as_bytes());
        let mut out = Vec::new();
        b.poll_transmit(&mut out);
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.contains(&format!("<{condition} ")),
            "{condition}: {out}"
        );
        assert!(out.contains("xmlns='jabber:server'") || out.contains("xmlns=\"jabber:server\""));
        assert!(b.is_closed());
    }
}

const HEADER: &str = "<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' from='example.net' to='example.com' version='1.0'>";

/// A hand-driven initiating server (plaintext script, then rustls directly), to put
/// on the wire what `Connection::send` refuses.
struct RawInitiator {
    b: Connection,
    tls: Option<rustls::ClientConnection>,
    /// Plaintext the receiver sent, all of it.
    seen: String,
    now: Instant,
}

impl RawInitiator {
    fn new() -> RawInitiator {
        let now = Instant::now();
        RawInitiator {
            b: Connection::s2s_receiver(receiver_config(), now),
            tls: None,
            seen: String::new(),
            now,
        }
    }

    fn send(&mut self, text: &str) {
        match &mut self.tls {
            None => self.b.handle_input(self.now, text.as_bytes()),
            Some(tls) => {
                tls.writer().write_all(text.as_bytes()).unwrap();
                self.pump();
            }
        }
        self.pump();
    }

    /// Moves records both ways until nothing moves.
    fn pump(&mut self) {
        for _ in 0..100 {
            let mut moved = false;
            if let Some(tls) = &mut self.tls {
                let mut wire = Vec::new();
                while tls.wants_write() {
                    tls.write_tls(&mut wire).unwrap();
                }
                moved |= !wire.is_empty();
                self.b.handle_input(self.now, &wire);
            }
            let mut out = Vec::new();
            self.b.poll_transmit(&mut out);
            moved |= !out.is_empty();
            match &mut self.tls {
                None => self.seen.push_str(&String::from_utf8_lossy(&out)),
                Some(tls) => {
                    let mut rd = &out[..];
                    while !rd.is_empty() {
                        tls.read_tls(&mut rd).unwrap();
                        tls.process_new_packets().unwrap();
                    }
                    let mut plain = Vec::new();
                    let _ = tls.reader().read_to_end(&mut plain);
                    self.seen.push_str(&String::from_utf8_lossy(&plain));
                }
            }
            if !moved {
                return;
            }
        }
    }

    /// Through STARTTLS and TLS to an EXTERNAL `<auth/>` with `response` (base64 or `=`).
    fn authenticate(response: &str) -> RawInitiator {
        RawInitiator::authenticate_with("EXTERNAL", response)
    }

    fn authenticate_with(mechanism: &str, response: &str) -> RawInitiator {
        let mut r = RawInitiator::new();
        r.send(HEADER);
        r.send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
        assert!(r.seen.contains("<proceed"), "{}", r.seen);
        let name = rustls::pki_types::ServerName::try_from(RECEIVER).unwrap();
        let tls = rustls::ClientConnection::new(client_tls(Some(&pki().initiator)), name);
        r.tls = Some(tls.unwrap());
        r.pump();
        r.send(HEADER);
        assert!(
            r.seen.contains("<mechanism>EXTERNAL</mechanism>"),
            "{}",
            r.seen
        );
        r.send(&format!(
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='{mechanism}'>{response}</auth>"
        ));
        r
    }

    /// Through STARTTLS, EXTERNAL and the restart to the online state.
    fn online() -> RawInitiator {
        let mut r = RawInitiator::authenticate("=");
        assert!(r.seen.contains("<success"), "{}", r.seen);
        r.send(HEADER);
        assert!(r.b.is_online());
        r
    }
}

#[test]
fn receiver_checks_stanza_addresses() {
    let cases = [
        (
            "from='mallory@evil.example' to='romeo@example.com'",
            StreamCondition::InvalidFrom,
        ),
        (
            "from='juliet@example.net' to='romeo@elsewhere.example'",
            StreamCondition::HostUnknown,
        ),
        (
            "to='romeo@example.com'",
            StreamCondition::ImproperAddressing,
        ),
        (
            "from='juliet@example.net'",
            StreamCondition::ImproperAddressing,
        ),
    ];
    for (addresses, condition) in cases {
        let mut r = RawInitiator::online();
        r.send(&format!("<message {addresses}><body>hi</body></message>"));
        let mut events = Vec::new();
        while let Some(e) = r.b.poll_event() {
            events.push(e);
        }
        assert!(
            !events.iter().any(|e| matches!(e, Event::Stanza(_))),
            "{events:?}"
        );
        assert_eq!(
            closed(&events),
            Some(&CloseReason::StreamError {
                condition: condition.clone(),
                text: None,
                by_peer: false
            }),
            "{addresses}"
        );
        assert!(
            r.seen.contains(&format!("<{} ", condition.as_str())),
            "{}",
            r.seen
        );
    }
}

#[test]
fn receiver_accepts_a_good_stanza() {
    let mut r = RawInitiator::online();
    r.send("<presence from='juliet@example.net' to='romeo@example.com'/>");
    let mut events = Vec::new();
    while let Some(e) = r.b.poll_event() {
        events.push(e);
    }
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Stanza(Stanza::Presence(_)))),
        "{events:?}"
    );
    assert!(closed(&events).is_none());
}

#[test]
fn authzid_must_be_the_certified_domain() {
    // base64("example.net") is allowed, base64("example.org") is not.
    let mut r = RawInitiator::authenticate("ZXhhbXBsZS5uZXQ=");
    assert!(r.seen.contains("<success"), "{}", r.seen);
    r.send(HEADER);
    assert!(r.b.is_online());
    let r = RawInitiator::authenticate("ZXhhbXBsZS5vcmc=");
    assert!(r.seen.contains("<invalid-authzid/>"), "{}", r.seen);
    assert!(!r.b.is_online());
}

#[test]
fn other_mechanisms_fail_and_failures_are_bounded() {
    let mut r = RawInitiator::authenticate_with("PLAIN", "AGp1bGlldABzZWNyZXQ=");
    assert!(r.seen.contains("<invalid-mechanism/>"), "{}", r.seen);
    let mut events = Vec::new();
    while let Some(e) = r.b.poll_event() {
        events.push(e);
    }
    assert!(events.contains(&Event::AuthFailed {
        mechanism: Some("PLAIN".into()),
        username: Some(INITIATOR.into()),
        condition: SaslCondition::InvalidMechanism,
    }));
    // Asking for a mechanism we do not offer checks no credential: it is bounded by
    // the attempt cap (ten allowed, the eleventh ends the stream), not by
    // max_auth_failures (3).
    let auth = "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>=</auth>";
    for _ in 1..10 {
        r.send(auth);
        assert!(!r.b.is_closed(), "{}", r.seen);
    }
    r.send(auth);
    assert!(r.b.is_closed());
    assert!(r.seen.contains("<policy-violation "), "{}", r.seen);
}

#[test]
fn aborts_are_bounded_too() {
    let mut r = RawInitiator::authenticate_with("PLAIN", "AGp1bGlldABzZWNyZXQ=");
    let abort = "<abort xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>";
    // With the <auth/> above, ten attempts are allowed; the eleventh ends the stream.
    for _ in 0..9 {
        r.send(abort);
        assert!(!r.b.is_closed(), "{}", r.seen);
    }
    assert!(r.seen.contains("<aborted/>"), "{}", r.seen);
    r.send(abort);
    assert!(r.b.is_closed());
    assert!(
        r.seen.contains("too many authentication attempts"),
        "{}",
        r.seen
    );
}

#[test]
fn initiator_sending_its_authzid_gets_online() {
    let mut link = Link::new(
        initiator_config(Some(&pki().initiator)).send_authzid(true),
        receiver_config(),
        usize::MAX,
    );
    link.run();
    assert!(s2s_online(&link.a_events).is_some() && s2s_online(&link.b_events).is_some());
}

#[test]
fn negotiation_timer_still_applies() {
    let now = Instant::now();
    let mut b = Connection::s2s_receiver(receiver_config(), now);
    let due = b.poll_timeout().expect("negotiation deadline");
    b.handle_timeout(due + Duration::from_millis(1));
    let mut events = Vec::new();
    while let Some(e) = b.poll_event() {
        events.push(e);
    }
    assert!(matches!(closed(&events), Some(CloseReason::Timeout(_))));
}

#[path = "s2s/transcript.rs"]
mod transcript;

const RFC6120_9_2: &str = include_str!("s2s/rfc6120-9.2-server-to-server.txt");

#[test]
fn transcript_rfc6120_9_2_as_receiving_server() {
    let now = Instant::now();
    transcript::replay(
        RFC6120_9_2,
        transcript::Side::Receiving,
        Connection::s2s_receiver(receiver_config(), now),
        now,
        transcript::PeerTls::Client(client_tls(Some(&pki().initiator)), RECEIVER),
    );
}

#[test]
fn transcript_rfc6120_9_2_as_initiating_server() {
    let now = Instant::now();
    transcript::replay(
        RFC6120_9_2,
        transcript::Side::Initiating,
        Connection::server_to_server(initiator_config(Some(&pki().initiator)), now),
        now,
        transcript::PeerTls::Server(server_tls()),
    );
}

#[test]
fn receiver_refuses_a_changed_from_after_tls() {
    let mut r = RawInitiator::new();
    r.send(HEADER);
    r.send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    let name = rustls::pki_types::ServerName::try_from(RECEIVER).unwrap();
    let tls = rustls::ClientConnection::new(client_tls(Some(&pki().initiator)), name);
    r.tls = Some(tls.unwrap());
    r.pump();
    r.send(&HEADER.replace("from='example.net'", "from='other.example'"));
    assert!(r.seen.contains("<invalid-from "), "{}", r.seen);
    assert!(r.b.is_closed());
}

/// The initiating server's plaintext steps against a scripted receiver.
fn initiator_fed(input: &str) -> (String, Vec<Event>) {
    let now = Instant::now();
    let mut a = Connection::server_to_server(initiator_config(Some(&pki().initiator)), now);
    a.handle_input(now, input.as_bytes());
    let mut out = Vec::new();
    a.poll_transmit(&mut out);
    let mut events = Vec::new();
    while let Some(e) = a.poll_event() {
        events.push(e);
    }
    (String::from_utf8(out).unwrap(), events)
}

const RESPONSE: &str = "<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' from='example.com' to='example.net' id='x1' version='1.0' xml:lang='en'>";

#[test]
fn initiator_opens_with_both_domains_and_requires_starttls() {
    let (out, events) = initiator_fed("");
    assert!(
        out.contains("from='example.net' to='example.com' version='1.0'"),
        "{out}"
    );
    assert!(out.contains("xmlns='jabber:server'"), "{out}");
    assert!(events.is_empty());
    let (out, events) = initiator_fed(&format!("{RESPONSE}<stream:features/>"));
    assert!(out.ends_with("</stream:stream>"), "{out}");
    assert_eq!(
        closed(&events),
        None,
        "the close completes when the peer closes too"
    );
    let (_, events) = initiator_fed(&format!("{RESPONSE}<stream:features/></stream:stream>"));
    assert_eq!(
        closed(&events),
        Some(&CloseReason::Negotiation(NegotiationFailure::TlsNotOffered))
    );
}

#[test]
fn initiator_refuses_a_response_from_another_domain() {
    let (out, events) =
        initiator_fed(&RESPONSE.replace("from='example.com'", "from='evil.example'"));
    assert!(out.contains("<invalid-from "), "{out}");
    assert!(matches!(
        closed(&events),
        Some(CloseReason::StreamError {
            condition: StreamCondition::InvalidFrom,
            by_peer: false,
            ..
        })
    ));
    let (out, _) = initiator_fed(&RESPONSE.replace("jabber:server", "jabber:client"));
    assert!(out.contains("<invalid-namespace "), "{out}");
}

#[test]
fn transcript_initiator_refuses_stanzas() {
    let now = Instant::now();
    transcript::replay(
        include_str!("s2s/initiator-refuses-stanzas.txt"),
        transcript::Side::Initiating,
        Connection::server_to_server(initiator_config(Some(&pki().initiator)), now),
        now,
        transcript::PeerTls::Server(server_tls()),
    );
}
