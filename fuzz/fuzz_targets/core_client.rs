//! Fuzz the client role of `xmpp_core::Connection`: arbitrary server bytes, behind an
//! optional canned prefix that reaches a given phase (features, STARTTLS proceed, SASL
//! PLAIN success, bind result), through a pass-through TLS engine so every TLS-gated
//! path is reachable. The first input byte picks the prefix and the piece size.
//!
//! Checks: no panic; `Closed` is the last event and comes once; nothing is transmitted
//! after the connection is closed and drained; output per step stays bounded.
#![no_main]

use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use xmpp_core::testing::NullTlsEngine;
use xmpp_core::{
    BareJid, ClientConfig, ClientTls, Connection, Event, Mechanism, SeededNonceSource, TlsMode,
};

const HEADER: &[u8] = b"<?xml version='1.0'?><stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams' from='example.com' id='s1' version='1.0' xml:lang='en'>";
const TLS_FEATURES: &[u8] = b"<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>";
const PROCEED: &[u8] = b"<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>";
const SASL_FEATURES: &[u8] = b"<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism><mechanism>SCRAM-SHA-1</mechanism></mechanisms></stream:features>";
const SUCCESS: &[u8] = b"<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>";
const BIND_FEATURES: &[u8] = b"<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></stream:features>";

fuzz_target!(|data: &[u8]| {
    let Some((&control, rest)) = data.split_first() else {
        return;
    };
    let level = usize::from(control & 0x07);
    let piece = usize::from((control >> 3) & 0x1f) * 5 + 1;
    let jid = BareJid::new("juliet@example.com").expect("static JID");
    let config = ClientConfig::new(jid, "secret")
        .mechanisms(vec![Mechanism::Plain, Mechanism::ScramSha1])
        .random(Box::new(SeededNonceSource::new(3)))
        .tls(ClientTls::Engine {
            engine: Box::new(NullTlsEngine::new(xmpp_core::deps::xmpp_tls::Role::Client)),
            mode: TlsMode::StartTls { required: true },
        });
    let mut now = Instant::now();
    let mut conn = Connection::client(config, now);
    let script: [&[u8]; 7] = [
        HEADER,
        TLS_FEATURES,
        PROCEED,
        HEADER,
        SASL_FEATURES,
        SUCCESS,
        HEADER,
    ];
    let mut closed_seen = false;
    let mut drained_closed = false;
    let mut step = |conn: &mut Connection, now: Instant, chunk: &[u8]| {
        conn.handle_input(now, chunk);
        while let Some(e) = conn.poll_event() {
            assert!(!closed_seen, "event after Closed");
            if matches!(e, Event::Closed(_)) {
                closed_seen = true;
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
    };
    // Each scripted flight goes in whole, as a server would answer one request.
    for flight in script.iter().take(level) {
        step(&mut conn, now, flight);
    }
    if level == 7 {
        step(&mut conn, now, BIND_FEATURES);
    }
    for (i, chunk) in rest.chunks(piece).enumerate() {
        step(&mut conn, now, chunk);
        if i % 5 == 4 {
            now += Duration::from_secs(u64::from(chunk[0] % 64));
            conn.handle_timeout(now);
        }
    }
});
