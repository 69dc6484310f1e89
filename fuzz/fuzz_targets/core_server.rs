//! Fuzz the server role of `xmpp_core::Connection`: arbitrary client bytes, behind an
//! optional canned prefix that reaches a given phase (stream open, STARTTLS, SASL
//! PLAIN, bind), through a pass-through TLS engine so every TLS-gated path is reachable.
//! The first input byte picks the prefix, the piece size and whether TLS is direct.
//!
//! Checks: no panic; `Closed` is the last event and comes once; nothing is transmitted
//! after the connection is closed and drained; output per step stays bounded.
#![no_main]

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use xmpp_core::testing::NullTlsEngine;
use xmpp_core::{
    Connection, Event, MemoryStore, PasswordPrep, SeededNonceSource, ServerConfig, ServerTls,
    StoredCredentials, TlsMode,
};

const HEADER: &[u8] = b"<?xml version='1.0'?><stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";
const STARTTLS: &[u8] = b"<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>";
// PLAIN: "\0juliet\0secret"
const AUTH: &[u8] =
    b"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldABzZWNyZXQ=</auth>";
const BIND: &[u8] = b"<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>r</resource></bind></iq>";

fn store() -> Arc<MemoryStore> {
    static S: OnceLock<Arc<MemoryStore>> = OnceLock::new();
    S.get_or_init(|| {
        let mut s = MemoryStore::new();
        let c = StoredCredentials::derive("juliet", "secret", PasswordPrep::None, b"s", 1, &[])
            .expect("static credentials derive");
        s.insert("juliet", c);
        Arc::new(s)
    })
    .clone()
}

fn prefix(level: u8, direct: bool) -> Vec<u8> {
    let mut p = Vec::new();
    let steps: &[&[u8]] = if direct {
        &[HEADER, AUTH, HEADER, BIND]
    } else {
        &[HEADER, STARTTLS, HEADER, AUTH, HEADER, BIND]
    };
    for s in steps.iter().take(usize::from(level)) {
        p.extend_from_slice(s);
    }
    p
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, rest)) = data.split_first() else {
        return;
    };
    let direct = control & 0x80 != 0;
    let level = control & 0x07;
    let piece = usize::from((control >> 3) & 0x0f) * 7 + 1;
    let mode = if direct {
        TlsMode::Direct
    } else {
        TlsMode::StartTls { required: true }
    };
    let config = ServerConfig::new(["example.com"], store())
        .random(Box::new(SeededNonceSource::new(1)))
        .tls(ServerTls::Engine {
            engine: Box::new(NullTlsEngine::new(xmpp_core::deps::xmpp_tls::Role::Server)),
            mode,
        });
    let mut now = Instant::now();
    let mut conn = Connection::server(config, now);
    let mut input = prefix(level, direct);
    input.extend_from_slice(rest);
    let mut closed_seen = false;
    let mut drained_closed = false;
    for (i, chunk) in input.chunks(piece).enumerate() {
        conn.handle_input(now, chunk);
        if i % 5 == 4 {
            now += Duration::from_secs(u64::from(chunk[0] % 64));
            conn.handle_timeout(now);
        }
        while let Some(e) = conn.poll_event() {
            assert!(!closed_seen, "event after Closed");
            match e {
                Event::Closed(_) => closed_seen = true,
                Event::BindRequested { suggested, .. } => {
                    let _ = conn.accept_bind(now, &suggested);
                }
                _ => {}
            }
        }
        let mut out = Vec::new();
        conn.poll_transmit(&mut out);
        assert!(out.len() < 1 << 20, "unbounded output");
        if drained_closed {
            assert!(out.is_empty(), "output after close");
        }
        if conn.is_closed() {
            drained_closed = true;
        }
    }
});
