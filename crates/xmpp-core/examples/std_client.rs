//! The smallest blocking driver: one thread, one `std::net::TcpStream`, no runtime.
//!
//! ```sh
//! PW=wonderland cargo run -p xmpp-core --example std_client -- 127.0.0.1:5222 alice@localhost PW /tmp/ca.pem
//! ```
//!
//! Logs in with STARTTLS (trusting the CA in the PEM file), sends itself a message,
//! waits for it to come back, and closes. See docs/driving.md for the loop explained.
#![allow(
    clippy::disallowed_methods,
    reason = "the driver owns the clock: it reads Instant::now and passes it in"
)]

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use xmpp_core::rustls::pki_types::{CertificateDer, pem::PemObject};
use xmpp_core::rustls::{self, RootCertStore};
use xmpp_core::{
    BareJid, ClientConfig, ClientTls, CloseReason, Connection, Event, Message, Stanza,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [addr, jid, password_var, ca_file] = &args[..] else {
        return Err("usage: std_client HOST:PORT JID PASSWORD_ENV_VAR CA_PEM".into());
    };
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(ca_file)? {
        roots.add(cert?)?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let config = ClientConfig::new(BareJid::new(jid)?, std::env::var(password_var)?)
        .tls(ClientTls::StartTls(Arc::new(tls)));

    let mut socket = TcpStream::connect(addr)?;
    let mut conn = Connection::client(config, Instant::now());
    let (mut input, mut output) = (vec![0u8; 16 * 1024], Vec::new());
    let mut failure = None;
    loop {
        // 1. Act on what happened. Commands (send, close) queue more output.
        while let Some(event) = conn.poll_event() {
            match event {
                Event::Online { jid } => {
                    println!("online as {jid}");
                    let to_self = Message::chat(jid.into_jid(), "hello, me");
                    conn.send(Instant::now(), Stanza::Message(to_self))?;
                }
                Event::Stanza(Stanza::Message(m)) => {
                    println!("got {:?}", m.body(None));
                    conn.close(Instant::now());
                }
                Event::Closed(CloseReason::Graceful) => println!("closed gracefully"),
                Event::Closed(reason) => failure = Some(reason),
                other => println!("{other:?}"),
            }
        }
        // 2. Write everything the connection has for the wire.
        output.clear();
        if conn.poll_transmit(&mut output) > 0 {
            socket.write_all(&output)?;
        }
        // 3. Nothing more will ever come out: done.
        if conn.is_closed() {
            return failure.map_or(Ok(()), |reason| Err(reason.to_string().into()));
        }
        // 4. Block in read() until bytes arrive or the next timer is due.
        //    (A zero read timeout means "forever" to std, hence the 1 ms floor.)
        let wait = conn.poll_timeout().map(|at| {
            at.saturating_duration_since(Instant::now())
                .max(Duration::from_millis(1))
        });
        socket.set_read_timeout(wait)?;
        match socket.read(&mut input) {
            Ok(0) => conn.handle_eof(Instant::now()),
            Ok(n) => conn.handle_input(Instant::now(), &input[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                conn.handle_timeout(Instant::now());
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
}
