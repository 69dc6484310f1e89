//! Fuzz the STARTTLS and direct-TLS negotiation machines of both roles: arbitrary bytes
//! go through an XML framer into the machine and, once the machine says the handshake
//! starts, into a rustls engine. The first two input bytes pick the policy, whether a
//! valid stream header is prepended, and the piece size.
//!
//! Checks: no panic; a machine is never secure unless its engine reports a completed
//! handshake (and with these configurations no handshake can complete, so never
//! secure at all); nothing parsed as XML after the switch to TLS.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use xmpp_tls::rustls::{self, ClientConfig, RootCertStore, ServerConfig};
use xmpp_tls::{
    DirectTls, HandshakeState, Initiator, InitiatorAction, InitiatorState, Receiver,
    ReceiverAction, ReceiverState, RustlsEngine, StreamKind, TlsEngine, TlsPolicy,
};
use xmpp_xml::{Frame, Framer, Limits};

const HEADER: &[u8] = b"<stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";

/// A server that has no certificate: any ClientHello ends the handshake.
#[derive(Debug)]
struct NoCertificate;

impl rustls::server::ResolvesServerCert for NoCertificate {
    fn resolve(
        &self,
        _: rustls::server::ClientHello<'_>,
    ) -> Option<Arc<rustls::sign::CertifiedKey>> {
        None
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn client_config() -> Arc<ClientConfig> {
    static CFG: OnceLock<Arc<ClientConfig>> = OnceLock::new();
    CFG.get_or_init(|| {
        Arc::new(
            ClientConfig::builder_with_provider(provider())
                .with_safe_default_protocol_versions()
                .expect("ring supports the default versions")
                .with_root_certificates(RootCertStore::empty())
                .with_no_client_auth(),
        )
    })
    .clone()
}

fn server_config() -> Arc<ServerConfig> {
    static CFG: OnceLock<Arc<ServerConfig>> = OnceLock::new();
    CFG.get_or_init(|| {
        Arc::new(
            ServerConfig::builder_with_provider(provider())
                .with_safe_default_protocol_versions()
                .expect("ring supports the default versions")
                .with_no_client_auth()
                .with_cert_resolver(Arc::new(NoCertificate)),
        )
    })
    .clone()
}

/// Feeds `wire` to the engine in pieces; checks the invariant after every piece.
fn tls_phase(
    engine: &mut RustlsEngine,
    wire: &[u8],
    chunk: usize,
    mut progress: impl FnMut(&RustlsEngine) -> bool,
) {
    let mut out = Vec::new();
    for piece in wire.chunks(chunk) {
        let mut rest = piece;
        while !rest.is_empty() {
            match engine.feed_wire(rest) {
                Ok(0) | Err(_) => {
                    let secure = progress(engine);
                    assert!(!secure || engine.handshake_state() == HandshakeState::Complete);
                    assert!(!secure, "no handshake can complete here");
                    return;
                }
                Ok(n) => rest = &rest[n..],
            }
            let mut buf = [0u8; 256];
            while engine.read_plaintext(&mut buf) > 0 {}
            out.clear();
            engine.poll_wire(&mut out);
            let secure = progress(engine);
            assert!(!secure || engine.handshake_state() == HandshakeState::Complete);
            assert!(!secure, "no handshake can complete here");
        }
    }
}

/// The plaintext phase: frames go to `on_element` until it returns `Some(true)` (switch
/// to TLS) or `Some(false)` (stop). Returns the bytes left for TLS.
fn plain_phase(
    input: &[u8],
    chunk: usize,
    mut on_element: impl FnMut(&xmpp_xml::Element, usize) -> Option<bool>,
) -> Option<Vec<u8>> {
    let mut framer = Framer::new(Limits::pre_auth());
    let mut pieces = input.chunks(chunk);
    while let Some(piece) = pieces.next() {
        let mut rest = piece;
        loop {
            let n = framer.feed(rest);
            rest = &rest[n..];
            while let Some(frame) = framer.poll() {
                let Ok(frame) = frame else { return None };
                if let Frame::Element(e) = frame {
                    let unprocessed = framer.unprocessed() + rest.len();
                    match on_element(&e, unprocessed) {
                        Some(true) => {
                            // The machine only switches with nothing pending.
                            assert_eq!(unprocessed, 0);
                            framer.reset();
                            let mut left: Vec<u8> = Vec::new();
                            for p in pieces.by_ref() {
                                left.extend_from_slice(p);
                            }
                            return Some(left);
                        }
                        Some(false) => return None,
                        None => {}
                    }
                }
            }
            if rest.is_empty() || n == 0 {
                break;
            }
        }
    }
    None
}

fn initiator(policy: TlsPolicy, input: &[u8], chunk: usize) {
    let mut m = Initiator::new(policy);
    let left = plain_phase(input, chunk, |e, unprocessed| {
        let r = match m.state() {
            InitiatorState::AwaitingFeatures => m.handle_features(e),
            InitiatorState::AwaitingProceed => m.handle_element(e, unprocessed),
            _ => return Some(false),
        };
        assert!(!m.is_secure());
        match r {
            Ok(InitiatorAction::StartHandshake) => Some(true),
            Ok(_) => None,
            Err(_) => Some(false),
        }
    });
    assert!(!m.is_secure());
    if let Some(left) = left {
        assert_eq!(m.state(), InitiatorState::Handshaking);
        let Ok(mut engine) = RustlsEngine::client(client_config(), "example.com") else {
            return;
        };
        tls_phase(&mut engine, &left, chunk, |e| {
            m.handshake_progress(e).unwrap_or(false)
        });
    }
    assert!(!m.is_secure());
    assert!(m.channel_bindings().is_none());
}

fn receiver(policy: TlsPolicy, input: &[u8], chunk: usize) {
    let mut m = Receiver::new(policy);
    let _ = m.feature();
    let left = plain_phase(input, chunk, |e, unprocessed| {
        if m.state() != ReceiverState::Offering {
            return Some(false);
        }
        match m.handle_element(e, unprocessed) {
            Ok(ReceiverAction::Proceed(_)) => Some(true),
            Ok(_) | Err(_) => Some(false),
        }
    });
    assert!(!m.is_secure());
    if let Some(left) = left {
        assert_eq!(m.state(), ReceiverState::Handshaking);
        let Ok(mut engine) = RustlsEngine::server(server_config()) else {
            return;
        };
        tls_phase(&mut engine, &left, chunk, |e| {
            m.handshake_progress(e).unwrap_or(false)
        });
    }
    assert!(!m.is_secure());
    assert!(m.channel_bindings().is_none());
}

fn direct(input: &[u8], chunk: usize) {
    for kind in [StreamKind::ClientToServer, StreamKind::ServerToServer] {
        let mut m = DirectTls::new(kind);
        if let Ok(mut engine) = DirectTls::client_engine(client_config(), "example.com", kind) {
            tls_phase(&mut engine, input, chunk, |e| {
                m.handshake_progress(e).unwrap_or(false)
            });
        }
        assert!(!m.is_secure());
        let mut m = DirectTls::new(kind);
        if let Ok(mut engine) = DirectTls::server_engine(server_config(), kind) {
            tls_phase(&mut engine, input, chunk, |e| {
                m.handshake_progress(e).unwrap_or(false)
            });
        }
        assert!(!m.is_secure());
    }
}

fuzz_target!(|data: &[u8]| {
    let [a, b, body @ ..] = data else { return };
    let policy = match a % 3 {
        0 => TlsPolicy::Required,
        1 => TlsPolicy::Optional,
        _ => TlsPolicy::Disabled,
    };
    let chunk = usize::from(b % 32) + 1;
    let mut input = Vec::with_capacity(HEADER.len() + body.len());
    if a & 0x80 != 0 {
        input.extend_from_slice(HEADER);
    }
    input.extend_from_slice(body);
    initiator(policy, &input, chunk);
    receiver(policy, &input, chunk);
    direct(body, chunk);
});
