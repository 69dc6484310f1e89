use xmpp_tls::{
    BufferLimits, ChannelBindings, HandshakeState, Role, RustlsEngine, TlsEngine, TlsErrorKind,
};

use crate::harness::*;

fn engines(limits: BufferLimits) -> (RustlsEngine, RustlsEngine) {
    let p = pki(&[DOMAIN]);
    let c = RustlsEngine::client(client_config(&p.ca, TLS13, false), DOMAIN)
        .unwrap()
        .with_limits(limits);
    let s = RustlsEngine::server(server_config(&p, TLS13, false))
        .unwrap()
        .with_limits(limits);
    (c, s)
}

/// Moves wire bytes both ways, `chunk` at a time, honouring partial consumption;
/// collects plaintext each side reads.
fn pump(
    c: &mut RustlsEngine,
    s: &mut RustlsEngine,
    chunk: usize,
    got_c: &mut Vec<u8>,
    got_s: &mut Vec<u8>,
) {
    let mut to_s = Vec::new();
    let mut to_c = Vec::new();
    for _ in 0..1_000_000 {
        c.poll_wire(&mut to_s);
        s.poll_wire(&mut to_c);
        if to_s.is_empty() && to_c.is_empty() {
            return;
        }
        for (src, dst, got) in [
            (&mut to_s, &mut *s, &mut *got_s),
            (&mut to_c, &mut *c, &mut *got_c),
        ] {
            let take = src.len().min(chunk);
            let n = dst.feed_wire(&src[..take]).unwrap();
            assert!(dst.plaintext_pending() <= dst.limits().plaintext_in + 16 * 1024 + 256);
            src.drain(..n);
            let mut buf = [0u8; 333];
            loop {
                let k = dst.read_plaintext(&mut buf);
                if k == 0 {
                    break;
                }
                got.extend_from_slice(&buf[..k]);
            }
        }
    }
    panic!("no quiescence");
}

#[test]
fn handshake_state_and_metadata() {
    for &chunk in CHUNKS {
        let (mut c, mut s) = engines(BufferLimits::default());
        assert_eq!(c.role(), Role::Client);
        assert_eq!(s.role(), Role::Server);
        assert_eq!(c.handshake_state(), HandshakeState::InProgress);
        assert!(c.export_keying_material(&mut [0; 8], b"x", None).is_err());
        assert!(ChannelBindings::export(&c).is_err());
        let (mut a, mut b) = (Vec::new(), Vec::new());
        pump(&mut c, &mut s, chunk, &mut a, &mut b);
        assert_eq!(c.handshake_state(), HandshakeState::Complete);
        assert_eq!(s.handshake_state(), HandshakeState::Complete);
        assert!(c.peer_certificate(0).is_some());
        assert!(c.peer_certificate(2).is_none());
        assert!(s.peer_certificate(0).is_none(), "no client certificate");
        assert_eq!(c.server_certificate(), s.server_certificate());
        assert_eq!(c.alpn_protocol(), None);
        let dbg = format!("{c:?}");
        assert!(dbg.contains("RustlsEngine"));
    }
}

#[test]
fn bounded_buffers_apply_backpressure() {
    let limits = BufferLimits {
        plaintext_in: 100,
        wire_out: 300,
    };
    for &chunk in CHUNKS {
        let (mut c, mut s) = engines(limits);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        pump(&mut c, &mut s, chunk, &mut a, &mut b);
        let data: Vec<u8> = (0..60_000u32).map(|i| (i % 251) as u8).collect();
        let mut rest = &data[..];
        let mut partial = false;
        while !rest.is_empty() {
            let n = c.write_plaintext(rest).unwrap();
            if n < rest.len() {
                partial = true;
            }
            rest = &rest[n..];
            pump(&mut c, &mut s, chunk, &mut a, &mut b);
        }
        assert!(
            partial,
            "the wire bound must limit how much is taken at once"
        );
        assert_eq!(b, data);
    }
}

#[test]
fn feed_wire_takes_partially_when_plaintext_is_full() {
    let limits = BufferLimits {
        plaintext_in: 10,
        wire_out: 64 * 1024,
    };
    let (mut c, mut s) = engines(limits);
    let (mut a0, mut b0) = (Vec::new(), Vec::new());
    pump(&mut c, &mut s, usize::MAX, &mut a0, &mut b0);
    // Several records at once, none read yet: the server stops taking wire bytes.
    let mut wire = Vec::new();
    for _ in 0..5 {
        assert_eq!(c.write_plaintext(&[7u8; 50]).unwrap(), 50);
        c.poll_wire(&mut wire);
    }
    let a = wire;
    let n = s.feed_wire(&a).unwrap();
    assert!(n < a.len());
    assert!(s.plaintext_pending() >= 10);
    let mut got = Vec::new();
    let mut off = n;
    let mut buf = [0u8; 64];
    loop {
        loop {
            let k = s.read_plaintext(&mut buf);
            if k == 0 {
                break;
            }
            got.extend_from_slice(&buf[..k]);
        }
        if off == a.len() {
            break;
        }
        off += s.feed_wire(&a[off..]).unwrap();
    }
    assert_eq!(got, vec![7u8; 250]);
}

#[test]
fn close_notify() {
    for &chunk in CHUNKS {
        let (mut c, mut s) = engines(BufferLimits::default());
        let (mut a, mut b) = (Vec::new(), Vec::new());
        pump(&mut c, &mut s, chunk, &mut a, &mut b);
        assert_eq!(c.write_plaintext(b"bye").unwrap(), 3);
        c.send_close_notify();
        assert_eq!(
            c.write_plaintext(b"late").unwrap_err().kind(),
            TlsErrorKind::Closed
        );
        pump(&mut c, &mut s, chunk, &mut a, &mut b);
        assert_eq!(b, b"bye");
        assert!(s.peer_closed());
        assert!(!c.peer_closed());
        // Nothing is taken after close_notify.
        assert_eq!(s.feed_wire(&[0x17, 3, 3, 0, 1, 0]).unwrap(), 0);
    }
}

#[test]
fn garbage_is_a_typed_error_and_sticks() {
    let (_, mut s) = engines(BufferLimits::default());
    let e = s
        .feed_wire(b"<stream:stream xmlns='jabber:client'>")
        .unwrap_err();
    assert_eq!(e.kind(), TlsErrorKind::Protocol);
    assert_eq!(s.handshake_state(), HandshakeState::Failed);
    assert_eq!(s.feed_wire(b"x").unwrap_err(), e);
    assert_eq!(s.error(), Some(&e));
}

#[test]
fn invalid_server_name_is_a_config_error() {
    let p = pki(&[DOMAIN]);
    let e = RustlsEngine::client(client_config(&p.ca, TLS13, false), "not a name!").unwrap_err();
    assert_eq!(e.kind(), TlsErrorKind::Config);
}
