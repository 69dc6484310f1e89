//! A server driver on mio: one thread, one `Poll`, one `Connection` per client socket.
//!
//! ```sh
//! cargo run -p xmpp-core --example mio_server -- 127.0.0.1:5222 /tmp/ca.pem alice:wonderland bob:builder
//! ```
//!
//! Serves the domain `localhost` with STARTTLS and a freshly generated self-signed
//! certificate (written to the PEM path for clients to trust), binds whatever resource
//! a client asks for, and echoes every message back to its sender. The full router is
//! `server.rs`; this file shows only the loop. See docs/driving.md.
#![allow(
    clippy::disallowed_methods,
    reason = "the driver owns the clock: it reads Instant::now and passes it in"
)]

use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::sync::Arc;
use std::time::Instant;

use base64::Engine as _;
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};
use xmpp_core::rustls::{self, pki_types::PrivateKeyDer};
use xmpp_core::{Connection, Event, MemoryStore, PasswordPrep, ServerConfig, ServerTls, Stanza};
use xmpp_core::{Jid, Message, StoredCredentials};

const LISTENER: Token = Token(0);

struct Client {
    socket: TcpStream,
    conn: Connection,
    /// Taken from the connection, not yet accepted by the socket.
    unsent: Vec<u8>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [addr, cert_out, users @ ..] = &args[..] else {
        return Err("usage: mio_server ADDR CERT_PEM_OUT USER:PASSWORD...".into());
    };
    let new_config = setup(cert_out, users)?;
    let mut poll = Poll::new()?;
    let mut listener = TcpListener::bind(addr.parse()?)?;
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)?;
    let mut clients: HashMap<Token, Client> = HashMap::new();
    let (mut events, mut input, mut next) = (Events::with_capacity(128), vec![0u8; 16 * 1024], 1);
    println!("listening on {addr}");
    loop {
        // 1. Sleep until a socket is ready or the earliest connection timer is due.
        let now = Instant::now();
        let deadline = clients.values().filter_map(|c| c.conn.poll_timeout()).min();
        let timeout = deadline.map(|t| t.saturating_duration_since(now));
        match poll.poll(&mut events, timeout) {
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            other => other?,
        }
        // 2. Feed the sockets that woke us. mio is edge-triggered: read until WouldBlock.
        for event in &events {
            if event.token() != LISTENER {
                if let Some(c) = clients.get_mut(&event.token()) {
                    read_all(c, &mut input);
                }
                continue;
            }
            while let Ok((mut socket, peer)) = listener.accept() {
                let token = Token(next);
                next += 1;
                // Writable too: an edge then tells us when a full socket drained.
                let interest = Interest::READABLE | Interest::WRITABLE;
                poll.registry().register(&mut socket, token, interest)?;
                let conn = Connection::server(new_config(), Instant::now());
                let unsent = Vec::new();
                clients.insert(
                    token,
                    Client {
                        socket,
                        conn,
                        unsent,
                    },
                );
                println!("{peer} connected");
            }
        }
        // 3. Timers (early calls are harmless), events, output: for every connection.
        let now = Instant::now();
        for c in clients.values_mut() {
            c.conn.handle_timeout(now);
            answer_events(&mut c.conn);
            flush(c);
        }
        // 4. Forget connections that are over and fully written.
        clients.retain(|_, c| {
            let keep = !c.conn.is_closed() || !c.unsent.is_empty();
            if !keep {
                let _ = poll.registry().deregister(&mut c.socket);
            }
            keep
        });
    }
}

/// Accounts, a self-signed certificate (written out for clients to trust), and the
/// configuration every new connection gets.
fn setup(
    cert_out: &str,
    users: &[String],
) -> Result<impl Fn() -> ServerConfig, Box<dyn std::error::Error>> {
    let mut store = MemoryStore::new();
    for user in users {
        let (name, password) = user.split_once(':').ok_or("users are NAME:PASSWORD")?;
        let salt = name.as_bytes(); // a real server draws a random salt per user
        let prep = PasswordPrep::default();
        store.insert(
            name,
            StoredCredentials::derive(name, password, prep, salt, 4096, &[])?,
        );
    }
    let store = Arc::new(store);
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()])?;
    std::fs::write(cert_out, pem("CERTIFICATE", cert.cert.der()))?;
    let key = PrivateKeyDer::try_from(cert.key_pair.serialize_der())?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(vec![cert.cert.der().clone()], key)?;
    let tls = Arc::new(tls);
    Ok(move || {
        let tls = ServerTls::StartTls {
            config: tls.clone(),
            required: true,
        };
        ServerConfig::new(["localhost"], store.clone()).tls(tls)
    })
}

fn read_all(c: &mut Client, input: &mut [u8]) {
    loop {
        match c.socket.read(input) {
            Ok(0) => return c.conn.handle_eof(Instant::now()),
            Ok(n) => c.conn.handle_input(Instant::now(), &input[..n]),
            Err(e) if e.kind() == ErrorKind::WouldBlock => return,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return c.conn.handle_eof(Instant::now()),
        }
    }
}

fn answer_events(conn: &mut Connection) {
    while let Some(event) = conn.poll_event() {
        match event {
            Event::BindRequested { jid, suggested, .. } => {
                println!("{jid} binds {suggested}");
                let _ = conn.accept_bind(Instant::now(), &suggested);
            }
            Event::Stanza(Stanza::Message(m)) => {
                if let (Some(from), Some(body)) = (m.from.clone(), m.body(None)) {
                    let mut echo = Message::chat(from, format!("echo: {body}"));
                    echo.from = Jid::new("localhost").ok();
                    // BufferFull means this client reads too slowly: drop the echo.
                    let _ = conn.send(Instant::now(), Stanza::Message(echo));
                }
            }
            other => println!("{other:?}"),
        }
    }
}

/// Writes until the socket is full; leaves the rest in the connection (backpressure).
fn flush(c: &mut Client) {
    loop {
        if c.unsent.is_empty() && c.conn.poll_transmit(&mut c.unsent) == 0 {
            return;
        }
        match c.socket.write(&c.unsent) {
            Ok(n) if n > 0 => drop(c.unsent.drain(..n)),
            Err(e) if e.kind() == ErrorKind::WouldBlock => return,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Ok(_) | Err(_) => {
                c.unsent.clear();
                return c.conn.handle_eof(Instant::now());
            }
        }
    }
}

/// DER as PEM (RFC 7468).
fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .filter_map(|l| std::str::from_utf8(l).ok())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}
