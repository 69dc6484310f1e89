use xmpp_tls::{
    ALPN_XMPP_CLIENT, ALPN_XMPP_SERVER, DirectState, NegotiationError, StreamKind, TlsEngine,
    TlsErrorKind,
};
use xmpp_xml::Frame;

use crate::harness::*;

#[test]
fn direct_tls_with_alpn() {
    for &chunk in CHUNKS {
        for kind in [StreamKind::ClientToServer, StreamKind::ServerToServer] {
            let p = pki(&[DOMAIN]);
            let mut c = Side::direct_client(client_config(&p.ca, TLS13, false), DOMAIN, kind);
            let mut s = Side::direct_server(server_config(&p, TLS13, false), kind);
            run(&mut c, &mut s, chunk, &mut no_tamper(), &mut no_tamper());
            assert!(
                c.error.is_none() && s.error.is_none(),
                "{:?} {:?}",
                c.error,
                s.error
            );
            assert!(c.is_secure() && s.is_secure());
            let expected = match kind {
                StreamKind::ClientToServer => ALPN_XMPP_CLIENT,
                StreamKind::ServerToServer => ALPN_XMPP_SERVER,
            };
            assert_eq!(c.engine.alpn_protocol(), Some(expected));
            assert_eq!(s.engine.alpn_protocol(), Some(expected));
            assert_eq!(s.engine.sni(), Some(DOMAIN));
            // No plaintext XML at all; the stream runs inside TLS.
            assert!(c.plain_frames.is_empty() && s.plain_frames.is_empty());
            assert!(matches!(
                s.secure_frames.first(),
                Some(Frame::StreamOpen(_))
            ));
            assert!(matches!(
                c.secure_frames.first(),
                Some(Frame::StreamOpen(_))
            ));
            assert_eq!(c.bindings(), s.bindings());
        }
    }
}

#[test]
fn direct_tls_alpn_mismatch() {
    for &chunk in CHUNKS {
        let p = pki(&[DOMAIN]);
        let mut c = Side::direct_client(
            client_config(&p.ca, TLS13, false),
            DOMAIN,
            StreamKind::ServerToServer,
        );
        let mut s =
            Side::direct_server(server_config(&p, TLS13, false), StreamKind::ClientToServer);
        run(&mut c, &mut s, chunk, &mut no_tamper(), &mut no_tamper());
        match &s.error {
            Some(NegotiationError::Tls(e)) => {
                assert_eq!(e.kind(), TlsErrorKind::NoApplicationProtocol)
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(!c.is_secure() && !s.is_secure());
        if let Machine::Direct(d) = &s.machine {
            assert_eq!(d.state(), DirectState::Failed);
        }
    }
}

#[test]
fn direct_tls_wrong_name_and_bad_certificate() {
    for &chunk in CHUNKS {
        let p = pki(&[DOMAIN]);
        let mut c = Side::direct_client(
            client_config(&p.ca, TLS13, false),
            "wrong.example",
            StreamKind::ClientToServer,
        );
        let mut s =
            Side::direct_server(server_config(&p, TLS13, false), StreamKind::ClientToServer);
        run(&mut c, &mut s, chunk, &mut no_tamper(), &mut no_tamper());
        assert!(
            matches!(&c.error, Some(NegotiationError::Tls(e)) if e.kind() == TlsErrorKind::CertificateNameMismatch)
        );

        let other = pki(&[DOMAIN]);
        let mut c = Side::direct_client(
            client_config(&other.ca, TLS13, false),
            DOMAIN,
            StreamKind::ClientToServer,
        );
        let mut s =
            Side::direct_server(server_config(&p, TLS13, false), StreamKind::ClientToServer);
        run(&mut c, &mut s, chunk, &mut no_tamper(), &mut no_tamper());
        assert!(
            matches!(&c.error, Some(NegotiationError::Tls(e)) if e.kind() == TlsErrorKind::CertificateInvalid)
        );
        assert!(!c.is_secure() && !s.is_secure());
    }
}
