//! The workspace's own `client` and `server` examples: built once in release mode
//! (timings compare with optimised servers), then run directly, not through cargo.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::certs::Certs;
use super::procs::{self, free_port};
use super::state::State;
use super::{DOMAIN, STANZA_LIMIT, Server, USERS};
use crate::run::cargo;

/// Paths of the example binaries, by example name.
pub struct Examples {
    bins: HashMap<String, PathBuf>,
}

impl Examples {
    pub fn get(&self, name: &str) -> Result<PathBuf, String> {
        self.bins
            .get(name)
            .cloned()
            .ok_or_else(|| format!("xmpp-core has no `{name}` example"))
    }
}

/// `cargo build --release -p xmpp-core --examples`, reading the binaries' paths from
/// cargo's JSON messages (so CARGO_TARGET_DIR and profiles need no guessing).
pub fn build() -> Result<Examples, String> {
    let mut cmd = cargo();
    cmd.args([
        "build",
        "--release",
        "-p",
        "xmpp-core",
        "--examples",
        "--message-format=json-render-diagnostics",
    ]);
    println!("$ cargo build --release -p xmpp-core --examples");
    let out = cmd
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "building the xmpp-core examples failed ({})",
            out.status
        ));
    }
    let mut bins = HashMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let is_example = msg["target"]["kind"]
            .as_array()
            .is_some_and(|k| k.iter().any(|k| k == "example"));
        if let (true, Some(name), Some(exe)) = (
            is_example,
            msg["target"]["name"].as_str(),
            msg["executable"].as_str(),
        ) {
            bins.insert(name.to_string(), PathBuf::from(exe));
        }
    }
    Ok(Examples { bins })
}

/// Our server, two processes: one STARTTLS listener, one direct-TLS listener.
pub struct Ours {
    children: Vec<Child>,
    logs: Vec<PathBuf>,
}

pub fn start(st: &State, certs: &Certs, server_bin: &PathBuf) -> Result<Server, String> {
    let dir = st.dir("ours")?;
    let (starttls, direct) = (free_port()?, free_port()?);
    let mut ours = Ours {
        children: Vec::new(),
        logs: Vec::new(),
    };
    for (mode, port) in [("starttls", starttls), ("direct", direct)] {
        let log = dir.join(format!("server-{mode}.log"));
        let file = std::fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
        let file_err = file.try_clone().map_err(|e| e.to_string())?;
        let mut cmd = Command::new(server_bin);
        cmd.arg("--listen")
            .arg(format!("{}:{port}", procs::LOOPBACK))
            .args(["--domain", DOMAIN]);
        for (user, password) in USERS {
            cmd.arg("--user").arg(format!("{user}:{password}"));
        }
        cmd.arg("--cert")
            .arg(&certs.chain)
            .arg("--key")
            .arg(&certs.key)
            .args(["--tls", mode, "--max-stanza", &STANZA_LIMIT.to_string()]);
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(file)
            .stderr(file_err)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", server_bin.display()))?;
        let ready = procs::wait_port(port, Duration::from_secs(20), &mut child, "our server");
        ours.children.push(child);
        ours.logs.push(log);
        if let Err(e) = ready {
            super::Stop::stop(&mut ours);
            return Err(e);
        }
    }
    Ok(Server {
        name: "ours",
        label: "ours (xmpp-core)".into(),
        starttls,
        direct,
        pids: ours.children.iter().map(Child::id).collect(),
        handle: Box::new(ours),
    })
}

impl super::Stop for Ours {
    fn stop(&mut self) {
        for child in &mut self.children {
            procs::stop_child(child, Duration::from_secs(5));
        }
    }

    fn logs(&self) -> Vec<PathBuf> {
        self.logs.clone()
    }
}
