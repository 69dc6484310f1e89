//! An async driver on tokio: `select!` between the socket and the connection's timer.
//!
//! ```sh
//! PW=wonderland cargo run -p xmpp-core --example tokio_client -- 127.0.0.1:5222 alice@localhost PW /tmp/ca.pem
//! ```
//!
//! Same behaviour as `std_client`: log in, message yourself, wait for it, close. The
//! connection does no I/O, so nothing in it is async: the task owns it and calls it
//! between awaits. See docs/driving.md.
#![allow(
    clippy::disallowed_methods,
    reason = "the driver owns the clock: it reads Instant::now and passes it in"
)]

use std::sync::Arc;
use std::time::Instant;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use xmpp_core::rustls::pki_types::{CertificateDer, pem::PemObject};
use xmpp_core::rustls::{self, RootCertStore};
use xmpp_core::{
    BareJid, ClientConfig, ClientTls, CloseReason, Connection, Event, Message, Stanza,
};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [addr, jid, password_var, ca_file] = &args[..] else {
        return Err("usage: tokio_client HOST:PORT JID PASSWORD_ENV_VAR CA_PEM".into());
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

    let mut socket = TcpStream::connect(addr).await?;
    let mut conn = Connection::client(config, Instant::now());
    let (mut input, mut output) = (vec![0u8; 16 * 1024], Vec::new());
    let mut failure = None;
    loop {
        // 1. Events, and the commands they prompt.
        while let Some(event) = conn.poll_event() {
            match event {
                Event::Online { jid } => {
                    println!("online as {jid}");
                    let to_self = Message::chat(jid.into_jid(), "hello from tokio");
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
        // 2. Output to the socket.
        output.clear();
        if conn.poll_transmit(&mut output) > 0 {
            socket.write_all(&output).await?;
        }
        if conn.is_closed() {
            return failure.map_or(Ok(()), |reason| Err(reason.to_string().into()));
        }
        // 3. Wait for whichever comes first: bytes, or the connection's deadline.
        //    `read` is cancel-safe, so losing the race drops no data.
        let deadline = conn.poll_timeout();
        tokio::select! {
            read = socket.read(&mut input) => match read? {
                0 => conn.handle_eof(Instant::now()),
                n => conn.handle_input(Instant::now(), &input[..n]),
            },
            () = sleep_until(deadline) => conn.handle_timeout(Instant::now()),
        }
    }
}

/// Sleeps until `deadline`, or forever when there is none.
async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}
