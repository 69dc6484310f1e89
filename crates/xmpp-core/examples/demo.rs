//! The end-to-end demo: a server and two clients of this workspace over loopback TCP.
//!
//! ```sh
//! cargo run -p xmpp-core --example demo
//! ```
//!
//! It starts the example server on 127.0.0.1 (a free port, a throwaway certificate),
//! logs in alice and bob with STARTTLS and SCRAM-SHA-256-PLUS (tls-exporter channel
//! binding, which the server advertises per XEP-0440), sends a message each way, closes
//! both streams gracefully and prints what happened with timings. It exits non-zero if
//! any step fails or any negotiated fact differs from the expected one.
#![allow(
    clippy::disallowed_methods,
    reason = "a driver owns the clock and hands Instant::now to the library"
)]

mod common;

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::server;
use common::session::{Failure, Session};
use common::tls;
use xmpp_core::{
    BareJid, ChannelBindingType, ClientConfig, ClientTls, Event, Jid, Mechanism, Message, Stanza,
    TlsVersion, rustls,
};

const DOMAIN: &str = "localhost";
const USERS: [(&str, &str); 2] = [("alice", "wonderland"), ("bob", "builder")];

fn main() -> ExitCode {
    let t0 = Instant::now();
    let say = move |who: &str, line: &str| {
        println!(
            "{:>8.1} ms  {who:<6} {line}",
            t0.elapsed().as_secs_f64() * 1000.0
        );
    };
    match run(&say) {
        Ok(()) => {
            say("demo", "all steps succeeded");
            ExitCode::SUCCESS
        }
        Err(e) => {
            say("demo", &format!("FAILED: {e}"));
            ExitCode::FAILURE
        }
    }
}

fn run(say: &(impl Fn(&str, &str) + Send + Sync + Copy + 'static)) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    say(
        "demo",
        "generating a throwaway CA and certificate, deriving SCRAM keys for 2 users",
    );
    let versions = tls::versions_up_to(None)?;
    let pki = tls::generate(&[DOMAIN.to_owned()], versions)?;
    let users: Vec<(String, String)> = USERS
        .iter()
        .map(|(u, p)| ((*u).to_owned(), (*p).to_owned()))
        .collect();
    let say_server = *say;
    let handle = server::spawn(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        server::Options {
            domain: DOMAIN.to_owned(),
            credentials: server::credentials(&users)?,
            tls: pki.server,
            direct_tls: false,
            max_stanza: None,
            mechanisms: None,
            log: Arc::new(move |line: &str| say_server("server", line)),
        },
    )
    .map_err(|e| format!("server: {e}"))?;
    say(
        "server",
        &format!(
            "listening on {} for {DOMAIN} (STARTTLS required)",
            handle.addr
        ),
    );

    let client_tls = tls::client_config_trusting(&pki.ca_der, versions)?;
    let addr = handle.addr.to_string();
    let (mut alice, alice_jid) = login(say, "alice", USERS[0].1, &addr, &client_tls, deadline)?;
    let (mut bob, bob_jid) = login(say, "bob", USERS[1].1, &addr, &client_tls, deadline)?;

    let text = "Hello Bob! Alice here, over STARTTLS and SCRAM-SHA-256-PLUS.";
    say("alice", &format!("-> bob@{DOMAIN}: {text}"));
    let sent = Instant::now();
    alice
        .send(chat(&format!("bob@{DOMAIN}"), text)?)
        .map_err(|e| format!("alice: {e}"))?;
    let (from, body) = receive(&mut bob, deadline).map_err(|e| format!("bob: {e}"))?;
    say(
        "bob",
        &format!("<- {from}: {body}  (delivered in {:.1} ms)", ms(sent)),
    );
    if from != alice_jid || body != text {
        return Err(format!(
            "bob got {body:?} from {from}, expected {text:?} from {alice_jid}"
        ));
    }

    let reply = "Hi Alice, loud and clear.";
    say("bob", &format!("-> {from}: {reply}"));
    let sent = Instant::now();
    bob.send(chat(&from, reply)?)
        .map_err(|e| format!("bob: {e}"))?;
    let (from, body) = receive(&mut alice, deadline).map_err(|e| format!("alice: {e}"))?;
    say(
        "alice",
        &format!("<- {from}: {body}  (delivered in {:.1} ms)", ms(sent)),
    );
    if from != bob_jid || body != reply {
        return Err(format!(
            "alice got {body:?} from {from}, expected {reply:?} from {bob_jid}"
        ));
    }

    for (who, session) in [("alice", &mut alice), ("bob", &mut bob)] {
        let started = Instant::now();
        session
            .close(deadline)
            .map_err(|e| format!("{who}: close: {e}"))?;
        say(who, &format!("closed gracefully ({:.1} ms)", ms(started)));
    }
    handle.stop().map_err(|e| format!("server: {e}"))?;
    Ok(())
}

/// Logs `user` in and checks the negotiated facts against what this demo promises.
fn login(
    say: &impl Fn(&str, &str),
    user: &str,
    password: &str,
    addr: &str,
    tls: &Arc<rustls::ClientConfig>,
    deadline: Instant,
) -> Result<(Session, String), String> {
    let jid = BareJid::new(&format!("{user}@{DOMAIN}")).map_err(|e| e.to_string())?;
    let config = ClientConfig::new(jid, password)
        .tls(ClientTls::StartTls(Arc::clone(tls)))
        .mechanisms(vec![Mechanism::ScramSha256Plus, Mechanism::ScramSha256])
        .require_channel_binding(true);
    let mut session = Session::connect(addr, config, Duration::from_secs(5))
        .map_err(|e| format!("{user}: {e}"))?;
    loop {
        match session
            .next_event(deadline, "online")
            .map_err(|e| failed(user, &e))?
        {
            Event::TlsEstablished { version } => {
                say(
                    user,
                    &format!("TLS {} established", tls::version_name(version)),
                );
                if version != TlsVersion::Tls13 {
                    return Err(format!("{user}: expected TLS 1.3, got {version:?}"));
                }
            }
            Event::Authenticated {
                mechanism,
                channel_binding,
                ..
            } => {
                let cb = channel_binding.map_or("none".to_owned(), |c| c.to_string());
                say(
                    user,
                    &format!("authenticated: {mechanism}, channel binding {cb}"),
                );
                if mechanism != "SCRAM-SHA-256-PLUS"
                    || channel_binding != Some(ChannelBindingType::TlsExporter)
                {
                    return Err(format!(
                        "{user}: expected SCRAM-SHA-256-PLUS with tls-exporter, got {mechanism} with {cb}"
                    ));
                }
            }
            Event::Online { jid } => {
                say(
                    user,
                    &format!("online as {jid} (login took {:.1} ms)", ms(session.started)),
                );
                return Ok((session, jid.to_string()));
            }
            other => say(user, &format!("{other:?}")),
        }
    }
}

fn failed(user: &str, f: &Failure) -> String {
    match f.condition() {
        Some(c) => format!("{user}: [{c}] {f}"),
        None => format!("{user}: {f}"),
    }
}

fn chat(to: &str, body: &str) -> Result<Stanza, String> {
    let to = Jid::new(to).map_err(|e| e.to_string())?;
    Ok(Stanza::Message(Message::chat(to, body)))
}

/// The next message with a body: (sender, body).
fn receive(session: &mut Session, deadline: Instant) -> Result<(String, String), Failure> {
    loop {
        if let Event::Stanza(Stanza::Message(m)) = session.next_event(deadline, "a message")?
            && let Some(body) = m.body(None)
        {
            let from = m.from.as_ref().map(Jid::to_string).unwrap_or_default();
            return Ok((from, body.to_owned()));
        }
    }
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}
