use xmpp_tls::{InitiatorState, NegotiationError, ReceiverState, TlsErrorKind, TlsPolicy};
use xmpp_xml::{Frame, STREAM_NS};

use crate::harness::*;

fn pair(policy_c: TlsPolicy, policy_s: TlsPolicy, name: &str) -> (Side, Side) {
    let p = pki(&[DOMAIN]);
    let c = Side::starttls_client(client_config(&p.ca, TLS13, false), name, policy_c);
    let s = Side::starttls_server(server_config(&p, TLS13, false), policy_s);
    (c, s)
}

fn secure_stream_reached(c: &Side, s: &Side) {
    assert!(c.is_secure() && s.is_secure());
    assert!(
        c.error.is_none() && s.error.is_none(),
        "{:?} {:?}",
        c.error,
        s.error
    );
    // The server saw the restarted stream header over TLS, the client the new
    // header and features (without STARTTLS).
    assert!(matches!(
        s.secure_frames.first(),
        Some(Frame::StreamOpen(_))
    ));
    assert!(matches!(
        c.secure_frames.first(),
        Some(Frame::StreamOpen(_))
    ));
    match c.secure_frames.get(1) {
        Some(Frame::Element(f)) => {
            assert!(f.is(STREAM_NS, "features"));
            assert!(f.get_child(xmpp_tls::NS_TLS, "starttls").is_none());
        }
        other => panic!("expected features, got {other:?}"),
    }
}

#[test]
fn starttls_success() {
    for &chunk in CHUNKS {
        for (pc, ps) in [
            (TlsPolicy::Required, TlsPolicy::Required),
            (TlsPolicy::Optional, TlsPolicy::Required),
            (TlsPolicy::Required, TlsPolicy::Optional),
        ] {
            let (mut c, mut s) = pair(pc, ps, DOMAIN);
            run(&mut c, &mut s, chunk, &mut no_tamper(), &mut no_tamper());
            secure_stream_reached(&c, &s);
            assert_eq!(s.engine.sni(), Some(DOMAIN));
            let cb_c = c.bindings().unwrap();
            let cb_s = s.bindings().unwrap();
            assert_eq!(cb_c, cb_s);
        }
    }
}

#[test]
fn starttls_failure_ends_the_stream() {
    for &chunk in CHUNKS {
        let (mut c, mut s) = pair(TlsPolicy::Required, TlsPolicy::Required, DOMAIN);
        s.refuse = true;
        run(&mut c, &mut s, chunk, &mut no_tamper(), &mut no_tamper());
        assert_eq!(c.error, Some(NegotiationError::Failure));
        if let harness::Machine::Initiator(m) = &c.machine {
            assert_eq!(m.state(), InitiatorState::Failed);
        }
        assert!(s.closed);
        assert!(!c.is_secure() && !s.is_secure());
        assert!(c.secure_frames.is_empty());
    }
}

use crate::harness;

#[test]
fn stripped_starttls_is_an_error_not_plaintext() {
    for &chunk in CHUNKS {
        // An attacker removes the STARTTLS feature from the features in flight.
        let (mut c, mut s) = pair(TlsPolicy::Required, TlsPolicy::Required, DOMAIN);
        let mut strip = |buf: &mut Vec<u8>| {
            if let Some(start) = contains(buf, b"<starttls") {
                let end = contains(&buf[start..], b"</starttls>").unwrap() + start + 11;
                buf.drain(start..end);
            }
        };
        run(&mut c, &mut s, chunk, &mut no_tamper(), &mut strip);
        assert_eq!(c.error, Some(NegotiationError::TlsNotOffered));
        assert!(!c.went_plaintext && !c.is_secure());

        // Same with a server that does not offer TLS at all.
        let (mut c, mut s) = pair(TlsPolicy::Required, TlsPolicy::Disabled, DOMAIN);
        run(&mut c, &mut s, chunk, &mut no_tamper(), &mut no_tamper());
        assert_eq!(c.error, Some(NegotiationError::TlsNotOffered));

        // With an optional policy, plaintext is the explicit outcome.
        let (mut c, mut s) = pair(TlsPolicy::Optional, TlsPolicy::Disabled, DOMAIN);
        run(&mut c, &mut s, chunk, &mut no_tamper(), &mut no_tamper());
        assert!(c.error.is_none() && c.went_plaintext && !c.is_secure());
    }
}

const INJECTED: &[u8] = b"<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>";

#[test]
fn bytes_injected_after_proceed() {
    for &chunk in CHUNKS {
        let (mut c, mut s) = pair(TlsPolicy::Required, TlsPolicy::Required, DOMAIN);
        let mut inject = |buf: &mut Vec<u8>| {
            if contains(buf, b"<proceed").is_some() {
                buf.extend_from_slice(INJECTED);
            }
        };
        run(&mut c, &mut s, chunk, &mut no_tamper(), &mut inject);
        assert!(!c.is_secure());
        match &c.error {
            Some(NegotiationError::PlaintextInjection { bytes }) => {
                assert!(chunk > 1);
                assert!(*bytes > 0);
            }
            // Fed one byte at a time the framer has nothing pending at `<proceed/>`;
            // the injected bytes then reach the TLS engine and are rejected there.
            Some(NegotiationError::Tls(e)) => assert_eq!(e.kind(), TlsErrorKind::Protocol),
            other => panic!("unexpected outcome {other:?}"),
        }
        // Nothing received before TLS is processed after it.
        assert!(c.secure_frames.is_empty());
    }
}

#[test]
fn bytes_sent_after_starttls_before_handshake() {
    for &chunk in CHUNKS {
        let (mut c, mut s) = pair(TlsPolicy::Required, TlsPolicy::Required, DOMAIN);
        let mut inject = |buf: &mut Vec<u8>| {
            if contains(buf, b"<starttls").is_some() {
                buf.extend_from_slice(b"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
            }
        };
        run(&mut c, &mut s, chunk, &mut inject, &mut no_tamper());
        assert!(!s.is_secure());
        match &s.error {
            Some(NegotiationError::PlaintextInjection { .. }) => assert!(chunk > 1),
            Some(NegotiationError::Tls(e)) => assert_eq!(e.kind(), TlsErrorKind::Protocol),
            other => panic!("unexpected outcome {other:?}"),
        }
        assert!(s.secure_frames.is_empty());
        if let harness::Machine::Receiver(m) = &s.machine {
            assert_eq!(m.state(), ReceiverState::Failed);
        }
    }
}

#[test]
fn bad_certificate() {
    for &chunk in CHUNKS {
        let p = pki(&[DOMAIN]);
        let other = pki(&[DOMAIN]);
        // The client trusts another CA.
        let mut c = Side::starttls_client(
            client_config(&other.ca, TLS13, false),
            DOMAIN,
            TlsPolicy::Required,
        );
        let mut s = Side::starttls_server(server_config(&p, TLS13, false), TlsPolicy::Required);
        run(&mut c, &mut s, chunk, &mut no_tamper(), &mut no_tamper());
        match &c.error {
            Some(NegotiationError::Tls(e)) => {
                assert_eq!(e.kind(), TlsErrorKind::CertificateInvalid)
            }
            other => panic!("unexpected {other:?}"),
        }
        match &s.error {
            Some(NegotiationError::Tls(e)) => assert_eq!(e.kind(), TlsErrorKind::AlertReceived),
            other => panic!("unexpected {other:?}"),
        }
        assert!(!c.is_secure() && !s.is_secure());
        assert!(c.bindings().is_none() && s.bindings().is_none());
    }
}

#[test]
fn wrong_name() {
    for &chunk in CHUNKS {
        let (mut c, mut s) = pair(TlsPolicy::Required, TlsPolicy::Required, "other.example");
        run(&mut c, &mut s, chunk, &mut no_tamper(), &mut no_tamper());
        match &c.error {
            Some(NegotiationError::Tls(e)) => {
                assert_eq!(e.kind(), TlsErrorKind::CertificateNameMismatch)
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(!c.is_secure() && !s.is_secure());
    }
}

#[test]
fn required_server_rejects_other_first_element() {
    for &chunk in CHUNKS {
        let p = pki(&[DOMAIN]);
        // A client that does not want TLS, against a server that requires it.
        let mut c = Side::starttls_client(
            client_config(&p.ca, TLS13, false),
            DOMAIN,
            TlsPolicy::Disabled,
        );
        let mut s = Side::starttls_server(server_config(&p, TLS13, false), TlsPolicy::Required);
        run(&mut c, &mut s, chunk, &mut no_tamper(), &mut no_tamper());
        assert_eq!(c.error, Some(NegotiationError::PeerRequiresTls));
        assert!(!c.is_secure());
    }
}
