//! `cargo xtask interop`: our client and server against real XMPP software.
//!
//! Installs what is missing (Debian's prosody and ejabberd, slixmpp from PyPI in a
//! virtualenv), writes private configurations into a state directory, starts Prosody,
//! ejabberd and our `server` example on 127.0.0.1 only (ports the kernel picks; no
//! system daemon, no other address), runs the matrix in [`matrix`] with our `client`
//! example (and slixmpp where an independent client is the point), prints a table,
//! stops every process it started by pid, and fails when any row did not do what it
//! was expected to do, or when our client logs in to our server no faster than to
//! the real servers.
//!
//! ```text
//! cargo xtask interop [--only prosody|ejabberd|ours] [--keep] [--reps N] [--client ours|slixmpp]
//! ```
//! `--keep` leaves the servers running and the state directory in place (for
//! debugging; it prints the pids). `--client slixmpp` runs the client matrix with
//! slixmpp instead of our example (to check the harness and the servers alone).

mod apt;
mod certs;
mod client;
mod ejabberd;
mod exec;
mod matrix;
mod ours;
mod procs;
mod prosody;
mod slixmpp;
mod state;
mod table;

use std::path::PathBuf;
use std::time::Instant;

use client::{Clients, Kind, Mode};
use state::State;

/// The one XMPP domain every server serves.
pub const DOMAIN: &str = "localhost";
/// Test accounts, created on every server; the first logs in, the second receives.
pub const USERS: [(&str, &str); 2] = [("alice", "alice-interop-pass"), ("bob", "bob-interop-pass")];
/// Largest stanza (bytes) each server accepts after login. Lower than the servers'
/// usual 256 KiB so that the message above it still fits in one command-line
/// argument (Linux caps one at 128 KiB).
pub const STANZA_LIMIT: usize = 65536;

/// A running server, however it has to be stopped.
pub trait Stop {
    /// Stops every process of this server that the harness started.
    fn stop(&mut self);
    /// Log files worth reading when a row fails.
    fn logs(&self) -> Vec<PathBuf>;
}

/// One server under test.
pub struct Server {
    pub name: &'static str,
    pub label: String,
    pub starttls: u16,
    pub direct: u16,
    pub pids: Vec<u32>,
    pub handle: Box<dyn Stop>,
}

const SERVERS: [&str; 3] = ["prosody", "ejabberd", "ours"];
const USAGE: &str = "usage: cargo xtask interop [--only prosody|ejabberd|ours] [--keep] [--reps N] [--client ours|slixmpp]";

struct Options {
    only: Option<String>,
    keep: bool,
    reps: usize,
    client: Kind,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        only: None,
        keep: false,
        reps: 5,
        client: Kind::Ours,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{a} needs a value\n{USAGE}"))
        };
        match a.as_str() {
            "--only" => {
                let v = value()?;
                if !SERVERS.contains(&v.as_str()) {
                    return Err(format!("--only takes one of {SERVERS:?}, not `{v}`"));
                }
                o.only = Some(v);
            }
            "--keep" => o.keep = true,
            "--reps" => {
                o.reps = value()?
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| "--reps takes a positive number".to_string())?;
            }
            "--client" => {
                o.client = match value()?.as_str() {
                    "ours" => Kind::Ours,
                    "slixmpp" => Kind::Slixmpp,
                    other => return Err(format!("--client takes ours or slixmpp, not `{other}`")),
                }
            }
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown option `{other}`\n{USAGE}")),
        }
    }
    Ok(o)
}

/// Stops the servers when dropped, also on an early error return or a panic.
struct Running {
    servers: Vec<Server>,
    keep: bool,
}

impl Drop for Running {
    fn drop(&mut self) {
        for s in self.servers.iter_mut().rev() {
            if self.keep {
                println!(
                    "interop: --keep: {} left running, pids {:?}",
                    s.label, s.pids
                );
            } else {
                s.handle.stop();
                let left: Vec<u32> = s
                    .pids
                    .iter()
                    .copied()
                    .filter(|&p| procs::alive(p))
                    .collect();
                if left.is_empty() {
                    println!("interop: stopped {} (pids {:?})", s.label, s.pids);
                } else {
                    eprintln!("interop: {} still running: pids {left:?}", s.label);
                }
            }
        }
    }
}

pub fn run(args: &[String]) -> Result<(), String> {
    let started = Instant::now();
    let opts = parse(args)?;
    procs::catch_interrupts()?;
    let st = State::create()?;
    println!("interop: state directory {}", st.root().display());
    let result = run_in(&opts, &st);
    if opts.keep {
        println!("interop: --keep: state left in {}", st.root().display());
    } else {
        st.remove();
    }
    println!(
        "interop: total time {:.1} s",
        started.elapsed().as_secs_f64()
    );
    result
}

fn run_in(opts: &Options, st: &State) -> Result<(), String> {
    let setup_log = st.root().join("setup.log");
    let wanted: Vec<&str> = SERVERS
        .into_iter()
        .filter(|s| opts.only.as_deref().is_none_or(|o| o == *s))
        .collect();
    let slix = slixmpp::ensure(&setup_log)?;
    let need_ours = opts.client == Kind::Ours || wanted.contains(&"ours");
    let examples = if need_ours {
        Some(ours::build()?)
    } else {
        None
    };
    let certs = certs::make(&st.dir("certs")?, &setup_log)?;
    let clients = Clients {
        ours: match (&examples, opts.client) {
            (Some(ex), Kind::Ours) => Some(ex.get("client")?),
            _ => None,
        },
        slixmpp: Some(slix),
        ca: certs.ca.clone(),
    };

    let mut running = Running {
        servers: Vec::new(),
        keep: opts.keep,
    };
    for name in &wanted {
        if procs::interrupted() {
            return Err("interrupted; servers stopped".into());
        }
        let t = Instant::now();
        let server = match *name {
            "prosody" => prosody::start(st, &certs, &setup_log)?,
            "ejabberd" => ejabberd::start(st, &certs, &setup_log)?,
            _ => {
                let bin = examples
                    .as_ref()
                    .ok_or("our examples are not built")?
                    .get("server")?;
                ours::start(st, &certs, &bin)?
            }
        };
        println!(
            "interop: {} up in {:.1} s: STARTTLS 127.0.0.1:{}, direct TLS 127.0.0.1:{}, pids {:?}",
            server.label,
            t.elapsed().as_secs_f64(),
            server.starttls,
            server.direct,
            server.pids
        );
        running.servers.push(server);
    }

    let mut rows = Vec::new();
    for (i, s) in running.servers.iter().enumerate() {
        rows.extend(matrix::rows(i, s.name, opts.client, true, opts.reps));
    }
    let t = Instant::now();
    let mut results = Vec::new();
    for (n, row) in rows.iter().enumerate() {
        if procs::interrupted() {
            return Err("interrupted; servers stopped".into());
        }
        let server = &running.servers[row.server];
        let r = exec::run(row, server, &clients);
        println!(
            "[{:>3}/{}] {:<9} {:<8} {:<14} {:<24} {}",
            n + 1,
            rows.len(),
            server.name,
            row.client.name(),
            row.mode.name(),
            match &row.case {
                matrix::Case::Login(Some(m)) => format!("login {m}"),
                c => c.name(),
            },
            match &r.verdict {
                Ok(()) => "pass".to_string(),
                Err(e) => format!("FAIL: {e}"),
            }
        );
        results.push(r);
    }
    println!(
        "interop: {} rows in {:.1} s\n",
        rows.len(),
        t.elapsed().as_secs_f64()
    );
    println!("{}", table::render(&results, &running.servers));

    let failed = results.iter().filter(|r| r.verdict.is_err()).count();
    let mut problems = Vec::new();
    if failed > 0 {
        println!("{}", table::failures(&results, &running.servers));
        for s in &running.servers {
            for log in s.handle.logs() {
                println!("interop: {} log: {}", s.label, log.display());
            }
        }
        problems.push(format!("{failed} of {} rows failed", results.len()));
    }
    match speed(&results, &running.servers) {
        Speed::Faster(summary) => println!("interop: login time: {summary}"),
        Speed::Skipped(why) => println!("interop: login time comparison skipped: {why}"),
        Speed::Slower(summary) => {
            println!("interop: login time: {summary}");
            problems.push(format!(
                "our server is not the fastest to log in to: {summary}"
            ));
        }
    }
    println!("{} passed, {} failed", results.len() - failed, failed);
    drop(running);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

enum Speed {
    Faster(String),
    Slower(String),
    Skipped(String),
}

/// Our client's login times against each server, over the (mode, mechanism) rows
/// that every server has, so that no server is timed on work the others skip.
fn speed(results: &[exec::RowResult], servers: &[Server]) -> Speed {
    type Key = (Mode, Option<String>);
    let keyed = |server: &str| -> Vec<(Key, &Vec<f64>)> {
        results
            .iter()
            .filter(|r| servers[r.row.server].name == server && r.row.client == Kind::Ours)
            .filter_map(|r| match &r.row.case {
                matrix::Case::Login(m) if !r.login_ms.is_empty() => {
                    Some(((r.row.mode, m.clone()), &r.login_ms))
                }
                _ => None,
            })
            .collect()
    };
    let ours = keyed("ours");
    if ours.is_empty() {
        return Speed::Skipped("no successful logins of our client to our server".into());
    }
    let mut summary = Vec::new();
    let mut slower = false;
    let mut compared = 0;
    for real in ["prosody", "ejabberd"] {
        let theirs = keyed(real);
        let common: Vec<&Key> = ours
            .iter()
            .map(|(k, _)| k)
            .filter(|k| theirs.iter().any(|(t, _)| t == *k))
            .collect();
        if common.is_empty() {
            if let Some(s) = servers.iter().find(|s| s.name == real) {
                summary.push(format!("{}: no successful logins to compare", s.label));
            }
            continue;
        }
        let pick = |rows: &[(Key, &Vec<f64>)]| -> Vec<f64> {
            rows.iter()
                .filter(|(k, _)| common.contains(&k))
                .flat_map(|(_, v)| v.iter().copied())
                .collect()
        };
        let (a, b) = (table::median(&pick(&ours)), table::median(&pick(&theirs)));
        if let (Some(a), Some(b)) = (a, b) {
            compared += 1;
            slower |= a >= b;
            let label = servers
                .iter()
                .find(|s| s.name == real)
                .map_or(real, |s| &s.label);
            summary.push(format!(
                "ours {a:.1} ms vs {label} {b:.1} ms ({:.1}x) over {} common rows",
                b / a,
                common.len()
            ));
        }
    }
    if compared == 0 {
        return Speed::Skipped("no real server was measured in this run".into());
    }
    let text = format!("median login of our client: {}", summary.join("; "));
    if slower {
        Speed::Slower(text)
    } else {
        Speed::Faster(text)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use exec::RowResult;
    use matrix::{Case, Expect, Row};

    struct Nothing;

    impl Stop for Nothing {
        fn stop(&mut self) {}
        fn logs(&self) -> Vec<PathBuf> {
            Vec::new()
        }
    }

    pub fn server(name: &'static str) -> Server {
        Server {
            name,
            label: name.to_string(),
            starttls: 1,
            direct: 2,
            pids: Vec::new(),
            handle: Box::new(Nothing),
        }
    }

    pub fn login(server: usize, mechanism: Option<&str>, ms: &[f64]) -> RowResult {
        RowResult {
            row: Row {
                server,
                client: Kind::Ours,
                mode: Mode::StartTls13,
                case: Case::Login(mechanism.map(str::to_owned)),
                expect: Expect::Fail(&[]),
                reps: ms.len(),
            },
            shown: client::Outcome::default(),
            verdict: Ok(()),
            login_ms: ms.to_vec(),
            mechanisms_note: None,
        }
    }

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options_are_checked() {
        let o = parse(&args(&["--only", "ours", "--keep", "--reps", "3"])).unwrap();
        assert_eq!((o.only.as_deref(), o.keep, o.reps), (Some("ours"), true, 3));
        assert!(parse(&args(&["--only", "openfire"])).is_err());
        assert!(parse(&args(&["--reps", "0"])).is_err());
        assert!(parse(&args(&["--client", "ours", "--bogus"])).is_err());
    }

    #[test]
    fn speed_compares_only_rows_every_server_has() {
        let servers = [server("ours"), server("prosody"), server("ejabberd")];
        let mut results = vec![
            login(0, None, &[3.0, 4.0, 5.0]),
            login(1, None, &[10.0, 11.0]),
            login(2, None, &[20.0]),
            // Only ejabberd has this one; it must not count.
            login(2, Some("DIGEST-MD5"), &[1.0, 1.0, 1.0, 1.0]),
        ];
        assert!(matches!(speed(&results, &servers), Speed::Faster(_)));
        results[0] = login(0, None, &[12.0]);
        assert!(matches!(speed(&results, &servers), Speed::Slower(_)));
        assert!(matches!(speed(&results[1..], &servers), Speed::Skipped(_)));
    }
}
