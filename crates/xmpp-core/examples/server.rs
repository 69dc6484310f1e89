//! A small standalone XMPP server on the server role of `xmpp_core::Connection`.
//!
//! ```sh
//! cargo run -p xmpp-core --example server -- --listen 127.0.0.1:5222 --domain localhost \
//!     --user alice:wonderland bob:builder --write-cert /tmp/xmpp-ca.pem
//! ```
//!
//! Options: `--listen ADDR` (default 127.0.0.1:5222), `--domain NAME` (default
//! localhost), `--user NAME:PASSWORD...` (at least one), `--cert PEM --key PEM` (else a
//! throwaway CA and certificate are generated; `--write-cert PATH` saves that CA for
//! clients' `--ca-file`), `--tls starttls|direct` (default starttls, required),
//! `--tls-version 1.2|1.3` (highest allowed), `--max-stanza BYTES`, `--mechanisms
//! LIST` (comma-separated, in advertisement order; default: SCRAM-SHA-512/256/1 with
//! and without -PLUS, and PLAIN). Clients that only know the `tls-unique` channel
//! binding (which rustls cannot provide) fail against -PLUS offers; leave -PLUS out for
//! them.
//!
//! One thread, one mio poll loop (see `common/server.rs`); messages and presence are
//! routed between the users online, by bare or full JID. One line per event.
#![allow(
    clippy::disallowed_methods,
    reason = "a driver owns the clock and hands Instant::now to the library"
)]

mod common;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use common::args::Args;
use common::{server, tls};
use xmpp_core::Mechanism;

struct Options {
    listen: SocketAddr,
    domain: String,
    users: Vec<(String, String)>,
    cert: Option<(PathBuf, PathBuf)>,
    write_cert: Option<PathBuf>,
    direct_tls: bool,
    tls_version: Option<String>,
    max_stanza: Option<usize>,
    mechanisms: Option<Vec<Mechanism>>,
}

fn parse() -> Result<Options, String> {
    let mut args = Args::from_env();
    let mut o = Options {
        listen: SocketAddr::from(([127, 0, 0, 1], 5222)),
        domain: "localhost".into(),
        users: Vec::new(),
        cert: None,
        write_cert: None,
        direct_tls: false,
        tls_version: None,
        max_stanza: None,
        mechanisms: None,
    };
    let (mut cert, mut key) = (None, None);
    while let Some(flag) = args.next_flag()? {
        match flag.as_str() {
            "--listen" => {
                o.listen = args
                    .value(&flag)?
                    .parse()
                    .map_err(|e| format!("--listen: {e}"))?;
            }
            "--domain" => o.domain = args.value(&flag)?,
            "--user" => {
                for user in args.values(&flag)? {
                    let (name, password) = user
                        .split_once(':')
                        .ok_or_else(|| format!("--user {user:?}: expected NAME:PASSWORD"))?;
                    o.users.push((name.to_owned(), password.to_owned()));
                }
            }
            "--cert" => cert = Some(PathBuf::from(args.value(&flag)?)),
            "--key" => key = Some(PathBuf::from(args.value(&flag)?)),
            "--write-cert" => o.write_cert = Some(PathBuf::from(args.value(&flag)?)),
            "--tls" => {
                o.direct_tls = match args.value(&flag)?.as_str() {
                    "starttls" => false,
                    "direct" => true,
                    other => {
                        return Err(format!("--tls must be starttls or direct, not {other:?}"));
                    }
                };
            }
            "--tls-version" => o.tls_version = Some(args.value(&flag)?),
            "--max-stanza" => {
                let v = args.value(&flag)?;
                o.max_stanza = Some(v.parse().map_err(|e| format!("--max-stanza {v:?}: {e}"))?);
            }
            "--mechanisms" => {
                let list = args.value(&flag)?;
                let parsed = list
                    .split(',')
                    .map(|n| Mechanism::from_name(n).ok_or(format!("--mechanisms: unknown {n:?}")))
                    .collect::<Result<Vec<_>, _>>()?;
                o.mechanisms = Some(parsed);
            }
            other => return Err(format!("unknown option {other}")),
        }
    }
    o.cert = match (cert, key) {
        (Some(c), Some(k)) => Some((c, k)),
        (None, None) => None,
        _ => return Err("--cert and --key go together".into()),
    };
    if o.users.is_empty() {
        return Err("give at least one --user NAME:PASSWORD".into());
    }
    Ok(o)
}

fn main() -> ExitCode {
    let options = match parse() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("server: {e}");
            return ExitCode::from(2);
        }
    };
    match run(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("server: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(o: Options) -> Result<(), String> {
    let versions = tls::versions_up_to(o.tls_version.as_deref())?;
    let tls_config = match &o.cert {
        Some((cert, key)) => tls::server_config_from_files(cert, key, versions)?,
        None => {
            let pki = tls::generate(std::slice::from_ref(&o.domain), versions)?;
            println!(
                "generated a throwaway CA and a certificate for {}",
                o.domain
            );
            if let Some(path) = &o.write_cert {
                std::fs::write(path, &pki.ca_pem)
                    .map_err(|e| format!("--write-cert {}: {e}", path.display()))?;
                println!("wrote the CA certificate to {}", path.display());
            }
            pki.server
        }
    };
    let started = std::time::Instant::now();
    let options = server::Options {
        domain: o.domain.clone(),
        credentials: server::credentials(&o.users)?,
        tls: tls_config,
        direct_tls: o.direct_tls,
        max_stanza: o.max_stanza,
        mechanisms: o.mechanisms,
        log: Arc::new(move |line: &str| {
            println!("[{:>9.3} s] {line}", started.elapsed().as_secs_f64());
        }),
    };
    server::run(o.listen, options).map_err(|e| format!("{}: {e}", o.listen))
}
