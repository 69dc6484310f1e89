//! Which sessions run against which server, and what each must produce.

use super::client::{Kind, Mode};

/// How a server offers SCRAM-*-PLUS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plus {
    /// With `tls-unique`; on TLS 1.3 too when `on_tls13` (ejabberd binds the Finished
    /// message there, which RFC 9266 leaves undefined; Prosody does not offer it).
    TlsUnique { on_tls13: bool },
    /// With `tls-exporter` (RFC 9266), on every TLS version.
    TlsExporter,
}

impl Plus {
    pub fn offered(self, mode: Mode) -> bool {
        match self {
            Plus::TlsUnique { on_tls13 } => on_tls13 || mode == Mode::StartTls12,
            Plus::TlsExporter => true,
        }
    }

    fn binding(self) -> &'static str {
        match self {
            Plus::TlsUnique { .. } => "tls-unique",
            Plus::TlsExporter => "tls-exporter",
        }
    }
}

/// What the matrix expects a server to offer.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Password mechanisms without channel binding, each tested on its own.
    pub mechanisms: &'static [&'static str],
    pub plus: Plus,
    /// Offered but not usable with a password (ejabberd's X-OAUTH2).
    pub other: &'static [&'static str],
}

pub fn profile(server: &str) -> Profile {
    match server {
        "prosody" => Profile {
            mechanisms: &["PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256"],
            plus: Plus::TlsUnique { on_tls13: false },
            other: &[],
        },
        "ejabberd" => Profile {
            mechanisms: &[
                "PLAIN",
                "DIGEST-MD5",
                "SCRAM-SHA-1",
                "SCRAM-SHA-256",
                "SCRAM-SHA-512",
            ],
            plus: Plus::TlsUnique { on_tls13: true },
            other: &["X-OAUTH2"],
        },
        _ => Profile {
            mechanisms: &["PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-512"],
            plus: Plus::TlsExporter,
            other: &[],
        },
    }
}

impl Profile {
    /// The full advertised list on `mode`, sorted.
    pub fn offered(&self, mode: Mode) -> Vec<String> {
        let mut all: Vec<String> = self.mechanisms.iter().map(|m| m.to_string()).collect();
        if self.plus.offered(mode) {
            all.extend(
                self.mechanisms
                    .iter()
                    .filter(|m| m.starts_with("SCRAM-"))
                    .map(|m| format!("{m}-PLUS")),
            );
        }
        all.extend(self.other.iter().map(|m| m.to_string()));
        all.sort();
        all
    }
}

/// Can `client` compute the channel binding the server's -PLUS needs on `mode`?
/// rustls has no tls-unique; Python's ssl has no tls-exporter, and slixmpp skips
/// -PLUS on TLS 1.3.
pub fn can_bind(client: Kind, plus: Plus, mode: Mode) -> bool {
    match client {
        Kind::Ours => plus == Plus::TlsExporter,
        Kind::Slixmpp => matches!(plus, Plus::TlsUnique { .. }) && mode == Mode::StartTls12,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Case {
    /// The advertised SASL mechanisms, as slixmpp saw them.
    Offered,
    /// Log in (with this mechanism, or the client's own choice), bind, close.
    Login(Option<String>),
    WrongPassword,
    UnknownDomain,
    /// A second user, logged in, receives a message from the first.
    Message,
    /// One stanza above the server's limit: a stream error, promptly.
    Oversize,
    /// Log in, then a closing handshake in both directions.
    Close,
}

impl Case {
    pub fn name(&self) -> String {
        match self {
            Case::Offered => "offered mechanisms".into(),
            Case::Login(None) => "login (client's choice)".into(),
            Case::Login(Some(_)) => "login".into(),
            Case::WrongPassword => "wrong password".into(),
            Case::UnknownDomain => "unknown domain".into(),
            Case::Message => "message to 2nd user".into(),
            Case::Oversize => "stanza over limit".into(),
            Case::Close => "graceful close".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// Success; optionally with this mechanism (`*` matches any run of characters)
    /// and this channel binding (`Some(None)`: none at all).
    Ok {
        mechanism: Option<String>,
        binding: Option<Option<&'static str>>,
    },
    /// A clean failure (a result, not a hang) whose error names one of these
    /// (empty: any error).
    Fail(&'static [&'static str]),
}

impl Expect {
    fn ok() -> Expect {
        Expect::Ok {
            mechanism: None,
            binding: None,
        }
    }

    pub fn short(&self) -> String {
        match self {
            Expect::Ok { .. } => "ok".into(),
            Expect::Fail([]) => "fail".into(),
            Expect::Fail(any) => any.join(" or "),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Row {
    /// Index into the running servers.
    pub server: usize,
    pub client: Kind,
    pub mode: Mode,
    pub case: Case,
    pub expect: Expect,
    /// Sessions to run; login times are reported as their median.
    pub reps: usize,
}

/// Every row for one server. `client` is the implementation under test; slixmpp
/// rows are added where it is the reference (what a server offers) or the point
/// (our server role against an independent client).
pub fn rows(server: usize, name: &str, client: Kind, slixmpp: bool, reps: usize) -> Vec<Row> {
    let p = profile(name);
    let mut out = Vec::new();
    let mut add = |client: Kind, mode: Mode, case: Case, expect: Expect, reps: usize| {
        out.push(Row {
            server,
            client,
            mode,
            case,
            expect,
            reps,
        })
    };
    if slixmpp {
        for mode in Mode::ALL {
            add(Kind::Slixmpp, mode, Case::Offered, Expect::ok(), 1);
        }
    }
    for mode in Mode::ALL {
        let auto = match (client, p.plus) {
            // Against our own server our client must bind to the TLS session.
            (Kind::Ours, Plus::TlsExporter) => Expect::Ok {
                mechanism: Some("SCRAM-SHA-*-PLUS".into()),
                binding: Some(Some("tls-exporter")),
            },
            // No binding it can compute is on offer: log in without one.
            (Kind::Ours, Plus::TlsUnique { .. }) => Expect::Ok {
                mechanism: None,
                binding: Some(None),
            },
            (Kind::Slixmpp, _) => Expect::ok(),
        };
        add(client, mode, Case::Login(None), auto, reps);
        for m in p.mechanisms {
            let expect = Expect::Ok {
                mechanism: Some(m.to_string()),
                binding: Some(None),
            };
            add(client, mode, Case::Login(Some(m.to_string())), expect, reps);
        }
        if p.plus.offered(mode) {
            let expect = if can_bind(client, p.plus, mode) {
                Expect::Ok {
                    mechanism: Some("SCRAM-SHA-256-PLUS".into()),
                    binding: Some(Some(p.plus.binding())),
                }
            } else {
                Expect::Fail(&[])
            };
            add(
                client,
                mode,
                Case::Login(Some("SCRAM-SHA-256-PLUS".into())),
                expect,
                1,
            );
        }
    }
    let m = Mode::StartTls13;
    add(
        client,
        m,
        Case::WrongPassword,
        Expect::Fail(&["not-authorized"]),
        1,
    );
    add(
        client,
        m,
        Case::UnknownDomain,
        Expect::Fail(&["host-unknown"]),
        1,
    );
    add(client, m, Case::Message, Expect::ok(), 1);
    let too_big = Expect::Fail(&["policy-violation", "stanza-too-big"]);
    add(client, m, Case::Oversize, too_big, 1);
    add(client, m, Case::Close, Expect::ok(), 1);
    // The server role against an independent implementation.
    if p.plus == Plus::TlsExporter && client == Kind::Ours && slixmpp {
        for mode in Mode::ALL {
            add(Kind::Slixmpp, mode, Case::Login(None), Expect::ok(), 1);
        }
        for mode in [Mode::StartTls13, Mode::Direct] {
            for mech in ["SCRAM-SHA-1", "SCRAM-SHA-256", "PLAIN"] {
                let expect = Expect::Ok {
                    mechanism: Some(mech.into()),
                    binding: Some(None),
                };
                add(
                    Kind::Slixmpp,
                    mode,
                    Case::Login(Some(mech.into())),
                    expect,
                    1,
                );
            }
            add(Kind::Slixmpp, mode, Case::Message, Expect::ok(), 1);
        }
    }
    out
}

/// `pattern` with `*` standing for any run of characters.
pub fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => {
            text.len() >= head.len() + tail.len()
                && text.starts_with(head)
                && glob_rest(tail, &text[head.len()..])
        }
    }
}

fn glob_rest(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => text.ends_with(pattern),
        Some((head, tail)) => text
            .match_indices(head)
            .any(|(i, _)| glob_rest(tail, &text[i + head.len()..])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_plus_mechanisms_only() {
        assert!(glob("SCRAM-SHA-*-PLUS", "SCRAM-SHA-256-PLUS"));
        assert!(glob("SCRAM-SHA-*-PLUS", "SCRAM-SHA-1-PLUS"));
        assert!(!glob("SCRAM-SHA-*-PLUS", "SCRAM-SHA-256"));
        assert!(!glob("SCRAM-SHA-*-PLUS", "PLAIN"));
        assert!(glob("PLAIN", "PLAIN"));
        assert!(!glob("PLAIN", "PLAIN2"));
    }

    #[test]
    fn prosody_offers_plus_only_below_tls13() {
        let p = profile("prosody");
        assert!(
            !p.offered(Mode::StartTls13)
                .iter()
                .any(|m| m.ends_with("-PLUS"))
        );
        assert!(
            p.offered(Mode::StartTls12)
                .contains(&"SCRAM-SHA-256-PLUS".to_string())
        );
        assert!(
            !p.offered(Mode::StartTls12)
                .contains(&"PLAIN-PLUS".to_string())
        );
    }

    #[test]
    fn our_client_expects_failure_where_only_tls_unique_is_offered() {
        let rows = rows(0, "ejabberd", Kind::Ours, false, 1);
        let forced: Vec<&Row> = rows
            .iter()
            .filter(|r| r.case == Case::Login(Some("SCRAM-SHA-256-PLUS".into())))
            .collect();
        assert_eq!(forced.len(), 3);
        assert!(forced.iter().all(|r| r.expect == Expect::Fail(&[])));
    }
}
