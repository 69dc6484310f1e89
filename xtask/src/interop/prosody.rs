//! A private Prosody (Debian's `prosody` package) on loopback ports.
//!
//! The binary refuses to run as root, so as root it is started as the `prosody` user
//! through setpriv (which execs, so the pid we hold is Prosody's own). Storage is
//! `internal_plain`, which lets the server offer every mechanism its SASL library has.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::certs::Certs;
use super::procs::{self, free_port, setup_step};
use super::state::{self, State, write};
use super::{DOMAIN, STANZA_LIMIT, Server, USERS};

pub struct Prosody {
    child: Child,
    config: PathBuf,
    log: PathBuf,
}

pub fn start(st: &State, certs: &Certs, setup_log: &std::path::Path) -> Result<Server, String> {
    super::apt::ensure(&["prosody", "prosodyctl"], &["prosody"], setup_log)?;
    let version = super::apt::version("prosody").unwrap_or_else(|| "?".into());
    let dir = st.dir("prosody")?;
    let data = dir.join("data");
    std::fs::create_dir_all(&data).map_err(|e| format!("mkdir {}: {e}", data.display()))?;
    for (from, to) in [(&certs.chain, "server.crt"), (&certs.key, "server.key")] {
        std::fs::copy(from, dir.join(to)).map_err(|e| format!("copy {to}: {e}"))?;
    }
    let (starttls, direct) = (free_port()?, free_port()?);
    let config = dir.join("prosody.cfg.lua");
    let log = dir.join("prosody.log");
    write(&config, &config_text(&dir, starttls, direct))?;
    state::chown_to("prosody", &dir)?;

    let prosodyctl = |args: &[&str]| {
        let mut cmd = Command::new("prosodyctl");
        cmd.arg("--config").arg(&config).args(args);
        cmd
    };
    for (user, password) in USERS {
        // Writes the account store directly; the server need not run.
        setup_step(
            &mut prosodyctl(&["register", user, DOMAIN, password]),
            Duration::from_secs(30),
            setup_log,
        )?;
    }

    let console =
        std::fs::File::create(dir.join("console.log")).map_err(|e| format!("console.log: {e}"))?;
    let console_err = console.try_clone().map_err(|e| e.to_string())?;
    let mut cmd = if state::is_root() {
        let mut c = Command::new("setpriv");
        c.args([
            "--reuid=prosody",
            "--regid=prosody",
            "--init-groups",
            "--reset-env",
            "--",
            "prosody",
        ]);
        c
    } else {
        Command::new("prosody")
    };
    cmd.arg("--config").arg(&config).arg("-F");
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(console)
        .stderr(console_err)
        .spawn()
        .map_err(|e| format!("cannot start prosody: {e}"))?;
    for port in [starttls, direct] {
        if let Err(e) = procs::wait_port(port, Duration::from_secs(30), &mut child, "prosody") {
            procs::stop_child(&mut child, Duration::from_secs(5));
            return Err(format!("{e}; see {}", dir.display()));
        }
    }
    Ok(Server {
        name: "prosody",
        label: format!("Prosody {}", upstream(&version)),
        starttls,
        direct,
        pids: vec![child.id()],
        handle: Box::new(Prosody { child, config, log }),
    })
}

/// `0.12.3-1+deb12u1` -> `0.12.3`.
pub fn upstream(debian_version: &str) -> &str {
    let v = debian_version.split('-').next().unwrap_or(debian_version);
    v.split(':').next_back().unwrap_or(v)
}

impl super::Stop for Prosody {
    fn stop(&mut self) {
        let pid = self.child.id();
        // Only while it is still our Prosody (the config path is on its command line).
        if procs::cmdline(pid).contains(&*self.config.to_string_lossy()) {
            procs::stop_child(&mut self.child, Duration::from_secs(10));
        } else {
            let _ = self.child.try_wait();
        }
    }

    fn logs(&self) -> Vec<PathBuf> {
        vec![self.log.clone()]
    }
}

fn config_text(dir: &std::path::Path, starttls: u16, direct: u16) -> String {
    let d = dir.display();
    format!(
        r#"-- Written by `cargo xtask interop` for one run; loopback only.
pidfile = "{d}/prosody.pid"
data_path = "{d}/data"
certificates = "{d}"
log = {{ {{ levels = {{ min = "info" }}, to = "file", filename = "{d}/prosody.log" }} }}

-- Only IPv4 loopback, only client ports chosen for this run; no s2s, no HTTP,
-- no admin socket.
interfaces = {{ "127.0.0.1" }}
local_interfaces = {{ "127.0.0.1" }}
c2s_ports = {{ {starttls} }}
c2s_direct_tls_ports = {{ {direct} }}
modules_disabled = {{ "s2s"; "s2s_auth_certs"; "dialback"; "admin_socket"; "admin_shell" }}
modules_enabled = {{
    "roster"; "saslauth"; "tls"; "disco"; "ping"; "posix"; "carbons"; "offline";
}}

ssl = {{
    certificate = "{d}/server.crt";
    key = "{d}/server.key";
    protocol = "tlsv1_2+";
}}
c2s_require_encryption = true
allow_unencrypted_plain_auth = false
allow_registration = false
storage = "internal"
-- After authentication; the matrix sends one stanza above it.
c2s_stanza_size_limit = {STANZA_LIMIT}

VirtualHost "{DOMAIN}"
    -- Passwords stored as given, so every mechanism Prosody has can be offered.
    authentication = "internal_plain"
"#
    )
}
