//! Running one client session (our `client` example or the slixmpp stand-in, which
//! share a command line and a JSON result line) and reading what it reports.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use super::procs::{self, Finished, Watched};
use super::slixmpp::Slixmpp;

/// The environment variable that carries the password (never the command line).
const PASSWORD_ENV: &str = "XMPP_INTEROP_PASSWORD";

/// Which client implementation runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Ours,
    Slixmpp,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Ours => "ours",
            Kind::Slixmpp => "slixmpp",
        }
    }
}

/// How to start each client implementation.
pub struct Clients {
    pub ours: Option<PathBuf>,
    pub slixmpp: Option<Slixmpp>,
    pub ca: PathBuf,
}

/// TLS mode of one session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// STARTTLS, TLS 1.3 only.
    StartTls13,
    /// STARTTLS, TLS at most 1.2.
    StartTls12,
    /// XEP-0368 direct TLS (TLS 1.3).
    Direct,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::StartTls13, Mode::StartTls12, Mode::Direct];

    pub fn name(self) -> &'static str {
        match self {
            Mode::StartTls13 => "STARTTLS",
            Mode::StartTls12 => "STARTTLS ≤1.2",
            Mode::Direct => "direct TLS",
        }
    }

    /// The TLS version the session must end up with.
    pub fn tls(self) -> &'static str {
        match self {
            Mode::StartTls12 => "1.2",
            Mode::StartTls13 | Mode::Direct => "1.3",
        }
    }
}

/// One session's parameters (no Debug: it holds a password).
#[derive(Clone)]
pub struct Session {
    pub port: u16,
    pub mode: Mode,
    pub jid: String,
    pub password: String,
    pub mechanism: Option<String>,
    pub resource: Option<String>,
    pub send: Option<(String, String)>,
    pub wait_for_message: bool,
    pub timeout: Duration,
}

/// What a session reported, plus what the harness saw from outside.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub ok: bool,
    pub error: Option<String>,
    /// The RFC condition behind the error, when the client names one.
    pub condition: Option<String>,
    pub tls_version: Option<String>,
    pub mechanism: Option<String>,
    pub channel_binding: Option<String>,
    pub login_ms: Option<f64>,
    /// The whole JSON result line (for fields only some clients report).
    pub json: Option<serde_json::Value>,
    pub run: Finished,
}

impl Outcome {
    /// A one-line account of a failure for the report below the table.
    pub fn describe(&self) -> String {
        let tail = |s: &str| {
            let lines: Vec<&str> = s.lines().rev().take(4).collect();
            lines.into_iter().rev().collect::<Vec<_>>().join(" | ")
        };
        match &self.json {
            Some(json) => format!("{json}"),
            None => format!(
                "no JSON result (exit {:?}{}); stdout: {}; stderr: {}",
                self.run.code,
                if self.run.timed_out {
                    ", killed at the time limit"
                } else {
                    ""
                },
                tail(&self.run.stdout),
                tail(&self.run.stderr)
            ),
        }
    }
}

impl Clients {
    fn command(&self, kind: Kind) -> Result<Command, String> {
        match kind {
            Kind::Ours => self
                .ours
                .as_ref()
                .map(Command::new)
                .ok_or_else(|| "our client example is not built".to_string()),
            Kind::Slixmpp => self
                .slixmpp
                .as_ref()
                .map(Slixmpp::command)
                .ok_or_else(|| "slixmpp is not set up".to_string()),
        }
    }

    /// Starts a session; `finish` collects it.
    pub fn spawn(&self, kind: Kind, s: &Session) -> Result<Watched, String> {
        let mut cmd = self.command(kind)?;
        cmd.arg("--server")
            .arg(format!("{}:{}", procs::LOOPBACK, s.port))
            .args(["--jid", &s.jid, "--password-env", PASSWORD_ENV])
            .env(PASSWORD_ENV, &s.password)
            .arg("--tls")
            .arg(if s.mode == Mode::Direct {
                "direct"
            } else {
                "starttls"
            })
            .args(["--tls-version", s.mode.tls()])
            .arg("--ca-file")
            .arg(&self.ca)
            .args(["--timeout", &s.timeout.as_secs().to_string(), "--json"]);
        if let Some(m) = &s.mechanism {
            cmd.args(["--mechanism", m]);
        }
        if let Some(r) = &s.resource {
            cmd.args(["--resource", r]);
        }
        if let Some((to, text)) = &s.send {
            cmd.args(["--send-to", to, "--message", text]);
        }
        if s.wait_for_message {
            cmd.arg("--wait-for-message");
        }
        Watched::spawn(&mut cmd)
    }

    /// Runs a session to its end.
    pub fn run(&self, kind: Kind, s: &Session) -> Outcome {
        match self.spawn(kind, s) {
            Ok(w) => finish(w, s.timeout),
            Err(e) => Outcome {
                error: Some(e),
                ..Outcome::default()
            },
        }
    }
}

/// Waits for a session (with a margin over its own `--timeout`) and parses its result.
pub fn finish(w: Watched, timeout: Duration) -> Outcome {
    let run = w.finish(timeout + Duration::from_secs(10));
    // The result is the last stdout line that is a JSON object with an `ok` field.
    let json = run
        .stdout
        .lines()
        .rev()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l.trim()).ok())
        .find(|v| v.get("ok").is_some());
    let text = |key: &str| {
        json.as_ref()
            .and_then(|j| j.get(key))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    Outcome {
        ok: json.as_ref().and_then(|j| j["ok"].as_bool()) == Some(true) && run.code == Some(0),
        error: text("error"),
        condition: text("condition"),
        tls_version: text("tls_version"),
        mechanism: text("mechanism"),
        channel_binding: text("channel_binding"),
        login_ms: json.as_ref().and_then(|j| j["login_ms"].as_f64()),
        json,
        run,
    }
}
