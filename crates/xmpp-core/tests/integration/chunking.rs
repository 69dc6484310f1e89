//! Chunking invariance: however the bytes are split, the events are the same.

use std::time::Instant;

use xmpp_core::deps::xmpp_tls::Role as TlsRole;
use xmpp_core::testing::NullTlsEngine;
use xmpp_core::{ClientTls, Connection, Event, Mechanism, ServerTls, TlsMode};

use crate::harness::*;

/// Runs a full session (login, a message each way, close) with `chunk`-byte deliveries.
fn session(tls: Tls, chunk: usize) -> (Vec<Event>, Vec<Event>) {
    let mut p = Pair::with_tls(tls, PASSWORD);
    p.chunk = chunk;
    p.run();
    assert!(p.both_online(), "chunk {chunk}: {:?}", p.client_events);
    let full = online(&p.client_events).unwrap().clone();
    p.client
        .send(
            p.now,
            xmpp_core::Stanza::Message(xmpp_core::Message::chat(
                xmpp_core::Jid::new("romeo@example.net").unwrap(),
                "split me",
            )),
        )
        .unwrap();
    p.server
        .send(
            p.now,
            xmpp_core::Stanza::Message(xmpp_core::Message::chat(full.as_jid().clone(), "and me")),
        )
        .unwrap();
    p.run();
    p.client.close(p.now);
    p.run();
    assert!(p.client.is_closed() && p.server.is_closed());
    (p.client_events, p.server_events)
}

#[test]
fn one_byte_pumping_gives_the_same_events() {
    for tls in [
        Tls::None,
        Tls::StartTls13,
        Tls::StartTls12Ems,
        Tls::Direct13,
    ] {
        let whole = session(tls, usize::MAX);
        for chunk in [1, 2, 3, 7, 100] {
            assert_eq!(session(tls, chunk), whole, "{tls:?}, chunk {chunk}");
        }
    }
}

fn null_pair_configs(seed: u64) -> (xmpp_core::ClientConfig, xmpp_core::ServerConfig) {
    let c = client_config(PASSWORD, seed)
        .mechanisms(vec![Mechanism::Plain])
        .tls(ClientTls::Engine {
            engine: Box::new(NullTlsEngine::new(TlsRole::Client)),
            mode: TlsMode::StartTls { required: true },
        });
    let s = xmpp_core::ServerConfig::new([DOMAIN], fast_store())
        .random(Box::new(xmpp_core::SeededNonceSource::new(seed + 1)))
        .tls(ServerTls::Engine {
            engine: Box::new(NullTlsEngine::new(TlsRole::Server)),
            mode: TlsMode::StartTls { required: true },
        });
    (c, s)
}

/// The flights of one side: what it transmitted per round, recorded from a live run.
struct Recording {
    client_flights: Vec<Vec<u8>>,
    server_flights: Vec<Vec<u8>>,
    client_events: Vec<Event>,
    server_events: Vec<Event>,
}

fn record() -> Recording {
    let (c, s) = null_pair_configs(100);
    let now = Instant::now();
    let mut client = Connection::client(c, now);
    let mut server = Connection::server(s, now);
    let mut rec = Recording {
        client_flights: Vec::new(),
        server_flights: Vec::new(),
        client_events: Vec::new(),
        server_events: Vec::new(),
    };
    loop {
        let mut out = Vec::new();
        client.poll_transmit(&mut out);
        let mut moved = !out.is_empty();
        if !out.is_empty() {
            server.handle_input(now, &out);
            rec.client_flights.push(out);
        }
        while let Some(e) = server.poll_event() {
            if let Event::BindRequested { suggested, .. } = &e {
                server.accept_bind(now, &suggested.clone()).unwrap();
            }
            rec.server_events.push(e);
        }
        let mut out = Vec::new();
        server.poll_transmit(&mut out);
        moved |= !out.is_empty();
        if !out.is_empty() {
            client.handle_input(now, &out);
            rec.server_flights.push(out);
        }
        while let Some(e) = client.poll_event() {
            if matches!(e, Event::Online { .. }) {
                client.close(now);
            }
            rec.client_events.push(e);
        }
        if !moved {
            break;
        }
    }
    rec
}

/// Replays the server's flights to a fresh client (same seed, so the same nonces),
/// with the whole transcript split once at `at`.
fn replay_client(rec: &Recording, at: usize) -> Vec<Event> {
    let (c, _) = null_pair_configs(100);
    let now = Instant::now();
    let mut client = Connection::client(c, now);
    let mut events = Vec::new();
    let mut offset = 0;
    for flight in &rec.server_flights {
        let mut sink = Vec::new();
        client.poll_transmit(&mut sink);
        if (offset..offset + flight.len()).contains(&at) {
            let (a, b) = flight.split_at(at - offset);
            client.handle_input(now, a);
            client.handle_input(now, b);
        } else {
            client.handle_input(now, flight);
        }
        offset += flight.len();
        while let Some(e) = client.poll_event() {
            if matches!(e, Event::Online { .. }) {
                client.close(now);
            }
            events.push(e);
        }
    }
    events
}

fn replay_server(rec: &Recording, at: usize) -> Vec<Event> {
    let (_, s) = null_pair_configs(100);
    let now = Instant::now();
    let mut server = Connection::server(s, now);
    let mut events = Vec::new();
    let mut offset = 0;
    for flight in &rec.client_flights {
        let mut sink = Vec::new();
        server.poll_transmit(&mut sink);
        if (offset..offset + flight.len()).contains(&at) {
            let (a, b) = flight.split_at(at - offset);
            server.handle_input(now, a);
            while let Some(e) = server.poll_event() {
                if let Event::BindRequested { suggested, .. } = &e {
                    server.accept_bind(now, &suggested.clone()).unwrap();
                }
                events.push(e);
            }
            server.handle_input(now, b);
        } else {
            server.handle_input(now, flight);
        }
        offset += flight.len();
        while let Some(e) = server.poll_event() {
            if let Event::BindRequested { suggested, .. } = &e {
                server.accept_bind(now, &suggested.clone()).unwrap();
            }
            events.push(e);
        }
    }
    events
}

#[test]
fn transcript_split_at_every_byte() {
    let rec = record();
    assert!(
        rec.client_events
            .iter()
            .any(|e| matches!(e, Event::Online { .. }))
    );
    assert!(matches!(
        rec.client_events.last(),
        Some(Event::Closed(xmpp_core::CloseReason::Graceful))
    ));
    let s2c: usize = rec.server_flights.iter().map(Vec::len).sum();
    for at in 0..s2c {
        assert_eq!(replay_client(&rec, at), rec.client_events, "split at {at}");
    }
    let c2s: usize = rec.client_flights.iter().map(Vec::len).sum();
    for at in 0..c2s {
        assert_eq!(replay_server(&rec, at), rec.server_events, "split at {at}");
    }
}

fn scenario_events(setup: &dyn Fn() -> Pair, chunk: usize) -> (Vec<Event>, Vec<Event>) {
    let mut p = setup();
    p.chunk = chunk;
    p.run();
    (p.client_events, p.server_events)
}

#[test]
fn failures_are_chunking_invariant_too() {
    let scenarios: Vec<Box<dyn Fn() -> Pair>> = vec![
        Box::new(|| Pair::with_tls(Tls::StartTls13, "wrong password")),
        Box::new(|| {
            let c = xmpp_core::ClientConfig::new(
                xmpp_core::BareJid::new("juliet@elsewhere.example").unwrap(),
                PASSWORD,
            );
            Pair::new(c, server_config(3))
        }),
        Box::new(|| {
            let mut p = Pair::with_tls(Tls::None, PASSWORD);
            p.bind = Box::new(|_, _| Err(xmpp_core::DefinedCondition::Conflict));
            p
        }),
    ];
    for (i, s) in scenarios.iter().enumerate() {
        let whole = scenario_events(s.as_ref(), usize::MAX);
        assert!(
            matches!(whole.0.last(), Some(Event::Closed(_))),
            "scenario {i}: {whole:?}"
        );
        for chunk in [1, 5] {
            assert_eq!(
                scenario_events(s.as_ref(), chunk),
                whole,
                "scenario {i}, chunk {chunk}"
            );
        }
    }
}
