//! A command-line XMPP client for trying real servers (and for interop scripts).
//!
//! ```sh
//! XMPP_PASSWORD=secret cargo run -p xmpp-core --example client -- \
//!     --server 127.0.0.1:5222 --jid alice@localhost --password-env XMPP_PASSWORD \
//!     --ca-file /tmp/xmpp-ca.pem --send-to bob@localhost --message hello --json
//! ```
//!
//! Options: `--server HOST:PORT` (default: the JID's domain on 5222, or 5223 with direct
//! TLS; no SRV lookup), `--jid JID`, `--password-env VAR`, `--tls starttls|direct`,
//! `--tls-version 1.2|1.3` (highest allowed), `--ca-file PEM` or `--insecure` (default:
//! the webpki roots), `--server-name NAME` (certificate name; default the JID's domain),
//! `--mechanism NAME` (force one SASL mechanism), `--resource RES`,
//! `--send-to JID --message TEXT`, `--wait-for-message` (says `ready <jid>` on stderr once
//! it can receive), `--timeout SECS` (default 30,
//! for the whole run), `--json` (one line: ok, error, condition, tls_version,
//! mechanism, channel_binding, jid, login_ms, ...).
//!
//! Exits 0 only when every requested step succeeded.
#![allow(
    clippy::disallowed_methods,
    reason = "a driver owns the clock and hands Instant::now to the library"
)]

mod common;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use common::args::Args;
use common::json;
use common::session::{Failure, Session};
use common::tls::{self, Trust};
use xmpp_core::{
    BareJid, ClientConfig, ClientTls, CloseReason, Event, Jid, Mechanism, Message, Presence, Stanza,
};
use xmpp_stanza::{ContentNs, MessageType};

struct Options {
    server: Option<String>,
    jid: BareJid,
    password_env: String,
    direct_tls: bool,
    tls_version: Option<String>,
    trust: Trust,
    server_name: Option<String>,
    mechanism: Option<Mechanism>,
    resource: Option<String>,
    send: Option<(Jid, String)>,
    wait_for_message: bool,
    timeout: Duration,
    json: bool,
}

fn parse() -> Result<Options, String> {
    let mut args = Args::from_env();
    let (mut server, mut jid, mut password_env, mut server_name) = (None, None, None, None);
    let (mut send_to, mut message, mut resource, mut mechanism) = (None, None, None, None);
    let (mut direct_tls, mut tls_version, mut trust) = (false, None, Trust::WebPki);
    let (mut wait_for_message, mut timeout, mut json) = (false, Duration::from_secs(30), false);
    while let Some(flag) = args.next_flag()? {
        match flag.as_str() {
            "--server" => server = Some(args.value(&flag)?),
            "--jid" => {
                let v = args.value(&flag)?;
                jid = Some(BareJid::new(&v).map_err(|e| format!("--jid {v:?}: {e}"))?);
            }
            "--password-env" => password_env = Some(args.value(&flag)?),
            "--tls" => {
                direct_tls = match args.value(&flag)?.as_str() {
                    "starttls" => false,
                    "direct" => true,
                    other => return Err(format!("--tls: starttls or direct, not {other:?}")),
                };
            }
            "--tls-version" => tls_version = Some(args.value(&flag)?),
            "--ca-file" => trust = Trust::CaFile(PathBuf::from(args.value(&flag)?)),
            "--insecure" => trust = Trust::DangerousAcceptAnything,
            "--server-name" => server_name = Some(args.value(&flag)?),
            "--mechanism" => {
                let v = args.value(&flag)?;
                mechanism =
                    Some(Mechanism::from_name(&v).ok_or(format!("--mechanism {v:?}: unknown"))?);
            }
            "--resource" => resource = Some(args.value(&flag)?),
            "--send-to" => {
                let v = args.value(&flag)?;
                send_to = Some(Jid::new(&v).map_err(|e| format!("--send-to {v:?}: {e}"))?);
            }
            "--message" => message = Some(args.value(&flag)?),
            "--wait-for-message" => wait_for_message = true,
            "--timeout" => {
                let v = args.value(&flag)?;
                let secs: f64 = v.parse().map_err(|e| format!("--timeout {v:?}: {e}"))?;
                timeout =
                    Duration::try_from_secs_f64(secs).map_err(|e| format!("--timeout: {e}"))?;
            }
            "--json" => json = true,
            other => return Err(format!("unknown option {other}")),
        }
    }
    let send = match (send_to, message) {
        (Some(to), Some(text)) => Some((to, text)),
        (None, None) => None,
        _ => return Err("--send-to and --message go together".into()),
    };
    Ok(Options {
        server,
        jid: jid.ok_or("--jid is required")?,
        password_env: password_env.ok_or("--password-env is required")?,
        direct_tls,
        tls_version,
        trust,
        server_name,
        mechanism,
        resource,
        send,
        wait_for_message,
        timeout,
        json,
    })
}

/// What happened, for the human or the JSON line.
#[derive(Default)]
struct Report {
    tls_version: Option<String>,
    mechanism: Option<String>,
    channel_binding: Option<String>,
    jid: Option<String>,
    login_ms: Option<f64>,
    sent: bool,
    received: Option<(String, String)>,
    closed_gracefully: bool,
}

fn main() -> ExitCode {
    let o = match parse() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("client: {e}");
            return ExitCode::from(2);
        }
    };
    let mut report = Report::default();
    let result = run(&o, &mut report);
    if o.json {
        let (error, condition) = match &result {
            Ok(()) => (None, None),
            Err(f) => (Some(f.to_string()), f.condition()),
        };
        let line = json::Object::default()
            .bool("ok", result.is_ok())
            .string("error", error.as_deref())
            .string("condition", condition.as_deref())
            .string("tls_version", report.tls_version.as_deref())
            .string("mechanism", report.mechanism.as_deref())
            .string("channel_binding", report.channel_binding.as_deref())
            .string("jid", report.jid.as_deref())
            .number("login_ms", report.login_ms)
            .bool("sent", report.sent)
            .string(
                "received_from",
                report.received.as_ref().map(|r| r.0.as_str()),
            )
            .string(
                "received_body",
                report.received.as_ref().map(|r| r.1.as_str()),
            )
            .bool("closed_gracefully", report.closed_gracefully)
            .finish();
        println!("{line}");
    } else if let Err(f) = &result {
        match f.condition() {
            Some(c) => println!("FAILED [{c}]: {f}"),
            None => println!("FAILED: {f}"),
        }
    } else {
        println!("ok");
    }
    if result.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn run(o: &Options, report: &mut Report) -> Result<(), Failure> {
    let say = |line: String| {
        if !o.json {
            println!("{line}");
        }
    };
    let deadline = Instant::now() + o.timeout;
    let password = std::env::var(&o.password_env).map_err(|_| {
        Failure::Setup(format!(
            "environment variable {} is not set",
            o.password_env
        ))
    })?;
    if matches!(o.trust, Trust::DangerousAcceptAnything) {
        eprintln!("warning: --insecure: the server's certificate is not verified");
    }
    let versions = tls::versions_up_to(o.tls_version.as_deref()).map_err(Failure::Setup)?;
    let tls_config = tls::client_config(&o.trust, versions).map_err(Failure::Setup)?;
    let mut config = ClientConfig::new(o.jid.clone(), password)
        .tls(if o.direct_tls {
            ClientTls::Direct(tls_config)
        } else {
            ClientTls::StartTls(tls_config)
        })
        .resource(o.resource.clone())
        .negotiation_timeout(o.timeout);
    if let Some(name) = &o.server_name {
        config = config.server_name(name.clone());
    }
    if let Some(m) = o.mechanism {
        // Naming a historic mechanism is the opt-in the library asks for.
        config = config
            .mechanisms(vec![m])
            .allow_digest_md5(m == Mechanism::DigestMd5);
    }
    let addr = o.server.clone().unwrap_or_else(|| {
        let port = if o.direct_tls { 5223 } else { 5222 };
        format!("{}:{port}", o.jid.domainpart())
    });
    say(format!("connecting to {addr} as {}", o.jid));
    let mut session = Session::connect(&addr, config, o.timeout)?;

    // Log in: everything up to Online is the library's negotiation.
    loop {
        match session.next_event(deadline, "online")? {
            Event::TlsEstablished { version } => {
                report.tls_version = Some(tls::version_name(version));
                say(format!("TLS {} established", tls::version_name(version)));
            }
            Event::Authenticated {
                mechanism,
                channel_binding,
                ..
            } => {
                let cb = channel_binding.map(|c| c.to_string());
                say(format!(
                    "authenticated with {mechanism} (channel binding: {})",
                    cb.as_deref().unwrap_or("none")
                ));
                report.mechanism = Some(mechanism);
                report.channel_binding = cb;
            }
            Event::Online { jid } => {
                let ms = session.started.elapsed().as_secs_f64() * 1000.0;
                say(format!("online as {jid} after {ms:.1} ms"));
                report.jid = Some(jid.to_string());
                report.login_ms = Some(ms);
                break;
            }
            other => say(format!("event: {other:?}")),
        }
    }

    let outcome = exchange(o, &mut session, deadline, report);
    // Close in any case; a failed step stays the result. A sloppy close after
    // successful steps is reported, not fatal.
    // A run that timed out still gets a moment to say goodbye.
    match session.close(deadline.max(Instant::now() + Duration::from_secs(2))) {
        Ok(()) => {
            report.closed_gracefully = true;
            say("closed gracefully".into());
        }
        // A stream error from the server while closing answers something we sent
        // (a stanza over its limit, say): the run did not do what was asked.
        Err(f @ Failure::Closed(CloseReason::StreamError { .. })) if outcome.is_ok() => {
            say(format!("close: {f}"));
            return Err(f);
        }
        Err(f) => say(format!("close: {f}")),
    }
    outcome
}

/// The requested steps once online: send, then wait for a message.
fn exchange(
    o: &Options,
    session: &mut Session,
    deadline: Instant,
    report: &mut Report,
) -> Result<(), Failure> {
    let say = |line: String| {
        if !o.json {
            println!("{line}");
        }
    };
    let mut sent_id = None;
    if let Some((to, text)) = &o.send {
        let mut message = Message::chat(to.clone(), text.clone());
        let id = format!("cli-{}", session.started.elapsed().as_nanos());
        message.id = Some(id.clone());
        session.send(Stanza::Message(message))?;
        sent_id = Some(id);
        report.sent = true;
        say(format!("sent to {to}: {text}"));
    }

    if o.wait_for_message {
        // Servers deliver messages for the bare JID only to available resources
        // (RFC 6121 §8.5.2.1.1): announce ourselves first.
        session.send(Stanza::Presence(Presence::new(ContentNs::Client)))?;
        // For scripts that start a sender once this receiver is reachable.
        eprintln!("ready {}", report.jid.as_deref().unwrap_or_default());
        loop {
            let Event::Stanza(Stanza::Message(m)) = session.next_event(deadline, "a message")?
            else {
                continue;
            };
            if m.kind() == MessageType::Error {
                if m.id.is_some() && m.id == sent_id {
                    return Err(refused(&m));
                }
                continue;
            }
            let Some(body) = m.body(None) else { continue };
            let from = m.from.as_ref().map(Jid::to_string).unwrap_or_default();
            say(format!("received from {from}: {body}"));
            report.received = Some((from, body.to_owned()));
            break;
        }
    }

    Ok(())
}

fn refused(m: &Message) -> Failure {
    let condition = m.error.as_ref().map_or("unknown", |e| e.condition.as_str());
    Failure::StanzaError(condition.to_owned())
}
