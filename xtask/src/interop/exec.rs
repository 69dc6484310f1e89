//! Running one row of the matrix and judging it against its expectation.

use std::time::Duration;

use super::client::{self, Clients, Outcome, Session};
use super::matrix::{Case, Expect, Row, glob, profile};
use super::{DOMAIN, STANZA_LIMIT, Server, USERS};

/// A client that has not answered within this has hung.
const SESSION_TIMEOUT: Duration = Duration::from_secs(15);
/// A refused password must be reported at once, not after retries.
const PROMPT: Duration = Duration::from_secs(5);
/// The longest wait for a receiver's "ready" line before the send goes anyway.
const RECEIVER_HEAD_START: Duration = Duration::from_secs(10);

/// What one row produced.
pub struct RowResult {
    pub row: Row,
    /// The first session's report (what the table shows).
    pub shown: Outcome,
    /// `Err(reason)` when the row did not meet its expectation.
    pub verdict: Result<(), String>,
    /// login_ms of every successful session of the row.
    pub login_ms: Vec<f64>,
    /// Extra text for the table's mechanism column (the offered list).
    pub mechanisms_note: Option<String>,
}

pub fn run(row: &Row, server: &Server, clients: &Clients) -> RowResult {
    let alice = USERS[0];
    let base = Session {
        port: if row.mode == client::Mode::Direct {
            server.direct
        } else {
            server.starttls
        },
        mode: row.mode,
        jid: format!("{}@{DOMAIN}", alice.0),
        password: alice.1.to_string(),
        mechanism: None,
        resource: None,
        send: None,
        wait_for_message: false,
        timeout: SESSION_TIMEOUT,
    };
    let mut outcomes = Vec::new();
    let mut verdict = Ok(());
    // The table shows the first session, or the first that went wrong.
    let mut shown = 0;
    let mut note = None;
    for _ in 0..row.reps.max(1) {
        let (outcome, v) = match &row.case {
            Case::Login(mechanism) => {
                let s = Session {
                    mechanism: mechanism.clone(),
                    ..base.clone()
                };
                judge(row, clients.run(row.client, &s))
            }
            Case::Close => {
                let (o, v) = judge(row, clients.run(row.client, &base));
                let v = v.and_then(|()| closed_gracefully(&o));
                (o, v)
            }
            Case::Offered => {
                // Only the list counts here; whether this client then logs in is
                // what the login rows are for.
                let o = clients.run(row.client, &base);
                let (v, list) = offered(row, server.name, &o);
                note = list;
                (o, v)
            }
            Case::WrongPassword => {
                let s = Session {
                    password: format!("not-{}", alice.1),
                    ..base.clone()
                };
                let (o, v) = judge(row, clients.run(row.client, &s));
                let v = v.and_then(|()| prompt(&o));
                (o, v)
            }
            Case::UnknownDomain => {
                let s = Session {
                    jid: format!("{}@nosuch.invalid", alice.0),
                    ..base.clone()
                };
                judge(row, clients.run(row.client, &s))
            }
            Case::Oversize => {
                let s = Session {
                    send: Some((
                        format!("{}@{DOMAIN}", USERS[1].0),
                        "x".repeat(STANZA_LIMIT + STANZA_LIMIT / 2),
                    )),
                    ..base.clone()
                };
                judge(row, clients.run(row.client, &s))
            }
            Case::Message => message(row, clients, &base),
        };
        if verdict.is_ok() && v.is_err() {
            verdict = v;
            shown = outcomes.len();
        }
        outcomes.push(outcome);
    }
    let login_ms = if matches!(row.case, Case::Login(_)) && verdict.is_ok() {
        outcomes
            .iter()
            .filter(|o| o.ok)
            .filter_map(|o| o.login_ms)
            .collect()
    } else {
        Vec::new()
    };
    RowResult {
        row: row.clone(),
        shown: outcomes.swap_remove(shown),
        verdict,
        login_ms,
        mechanisms_note: note,
    }
}

/// Compares one session with the row's expectation.
fn judge(row: &Row, o: Outcome) -> (Outcome, Result<(), String>) {
    let v = match &row.expect {
        Expect::Ok { mechanism, binding } => {
            if !o.ok {
                Err(format!("expected success: {}", o.describe()))
            } else if let Some(want) = mechanism
                && !o.mechanism.as_deref().is_some_and(|got| glob(want, got))
            {
                Err(format!("expected mechanism {want}, got {:?}", o.mechanism))
            } else if let Some(want) = binding
                && o.channel_binding.as_deref() != *want
            {
                Err(format!(
                    "expected channel binding {}, got {}",
                    want.unwrap_or("none"),
                    o.channel_binding.as_deref().unwrap_or("none")
                ))
            } else if o.tls_version.as_deref() != Some(row.mode.tls()) {
                Err(format!(
                    "expected TLS {}, got {:?}",
                    row.mode.tls(),
                    o.tls_version
                ))
            } else {
                Ok(())
            }
        }
        Expect::Fail(any) => {
            let error = format!(
                "{} {}",
                o.condition.as_deref().unwrap_or_default(),
                o.error.as_deref().unwrap_or_default()
            );
            if o.ok {
                Err(format!(
                    "expected a failure, but the session succeeded: {}",
                    o.describe()
                ))
            } else if o.json.is_none() || o.run.timed_out {
                Err(format!("expected a clean failure: {}", o.describe()))
            } else if !any.is_empty() && !any.iter().any(|c| error.contains(c)) {
                Err(format!(
                    "expected {}, got error {error:?}",
                    any.join(" or ")
                ))
            } else {
                Ok(())
            }
        }
    };
    (o, v)
}

fn prompt(o: &Outcome) -> Result<(), String> {
    if o.run.elapsed > PROMPT {
        Err(format!("failure took {:?} (retrying?)", o.run.elapsed))
    } else {
        Ok(())
    }
}

/// Both sides sent </stream:stream> (the client reports whether the server's came).
fn closed_gracefully(o: &Outcome) -> Result<(), String> {
    match o.json.as_ref().map(|j| &j["closed_gracefully"]) {
        Some(serde_json::Value::Bool(true)) => Ok(()),
        Some(serde_json::Value::Bool(false)) => {
            Err("the closing handshake did not complete".into())
        }
        _ => Err("the client does not report closed_gracefully".into()),
    }
}

/// Checks the advertised mechanisms (as slixmpp saw them) against the profile.
fn offered(row: &Row, server: &str, o: &Outcome) -> (Result<(), String>, Option<String>) {
    let mut got: Vec<String> = o
        .json
        .as_ref()
        .and_then(|j| j["offered"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|m| m.as_str().map(str::to_owned))
        .collect();
    got.sort();
    let want = profile(server).offered(row.mode);
    let list = (!got.is_empty()).then(|| got.join(" "));
    let v = if got.is_empty() {
        Err(format!("saw no SASL mechanisms: {}", o.describe()))
    } else if got == want {
        Ok(())
    } else {
        Err(format!("offered {got:?}, expected {want:?}"))
    };
    (v, list)
}

/// The second user waits; the first sends once the second is online.
fn message(row: &Row, clients: &Clients, base: &Session) -> (Outcome, Result<(), String>) {
    let bob = USERS[1];
    let token = format!("interop {} {}", std::process::id(), unique());
    let rx = Session {
        jid: format!("{}@{DOMAIN}", bob.0),
        password: bob.1.to_string(),
        resource: Some("interop-rx".into()),
        wait_for_message: true,
        ..base.clone()
    };
    let to = format!("{}/interop-rx", rx.jid);
    let mut waiting = match clients.spawn(row.client, &rx) {
        Ok(w) => w,
        Err(e) => {
            let o = Outcome {
                error: Some(e.clone()),
                ..Outcome::default()
            };
            return (o, Err(e));
        }
    };
    // The message goes to the receiver's full JID, which servers route to a bound
    // resource without presence. It must be bound first: both our client and the
    // slixmpp stand-in say "ready <jid>" on stderr then; the wait is capped so that a
    // receiver that never says it still gets its turn (and its row fails on its own).
    let _ = waiting.wait_line("ready", RECEIVER_HEAD_START);
    let tx = Session {
        send: Some((to, token.clone())),
        ..base.clone()
    };
    let (sent, v) = judge(row, clients.run(row.client, &tx));
    let received = client::finish(waiting, SESSION_TIMEOUT);
    let v = v.and_then(|()| {
        if !received.ok {
            Err(format!("receiver: {}", received.describe()))
        } else if !received.run.stdout.contains(&token) {
            Err(format!(
                "receiver did not report the message: {}",
                received.describe()
            ))
        } else {
            Ok(())
        }
    });
    (sent, v)
}

fn unique() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}
