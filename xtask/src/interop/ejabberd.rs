//! A private ejabberd (Debian's `ejabberd` package) on loopback ports.
//!
//! Debian's ejabberdctl switches to the `ejabberd` user by itself when run as root.
//! Our ejabberdctl.cfg gives the Erlang node a name of its own, a random cookie and a
//! fixed distribution port on 127.0.0.1, which makes the node and every ctl call skip
//! epmd (epmd would listen on 0.0.0.0:4369). Accounts live in mnesia, so they are
//! registered once the node answers.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::certs::Certs;
use super::procs::{self, free_port, setup_step};
use super::state::{self, State, write};
use super::{DOMAIN, STANZA_LIMIT, Server, USERS};

pub struct Ejabberd {
    launcher: Child,
    ctl_args: Vec<String>,
    pidfile: PathBuf,
    spool: PathBuf,
    logs: PathBuf,
}

pub fn start(st: &State, certs: &Certs, setup_log: &Path) -> Result<Server, String> {
    super::apt::ensure(&["ejabberdctl"], &["ejabberd"], setup_log)?;
    let version = super::apt::version("ejabberd").unwrap_or_else(|| "?".into());
    let dir = st.dir("ejabberd")?;
    let (etc, spool, logs) = (dir.join("etc"), dir.join("spool"), dir.join("logs"));
    let contrib = dir.join("contrib");
    for d in [&etc, &spool, &logs, &contrib.join("conf")] {
        std::fs::create_dir_all(d).map_err(|e| format!("mkdir {}: {e}", d.display()))?;
    }
    std::fs::copy(&certs.combined, etc.join("server.pem"))
        .map_err(|e| format!("copy server.pem: {e}"))?;
    let (starttls, direct, dist) = (free_port()?, free_port()?, free_port()?);
    let pidfile = dir.join("ejabberd.pid");
    let node = format!("interop{}@localhost", std::process::id());
    write(&etc.join("inetrc"), INETRC)?;
    write(
        &etc.join("ejabberdctl.cfg"),
        &format!(
            "# Written by cargo xtask interop\n\
             ERLANG_NODE={node}\n\
             ERL_DIST_PORT={dist}\n\
             ERL_OPTIONS=\"-setcookie {cookie} -kernel inet_dist_use_interface {{127,0,0,1}} \
             -env ERL_CRASH_DUMP_BYTES 0\"\n\
             EJABBERD_CONFIG_PATH={yml}\n\
             EJABBERD_PID_PATH={pid}\n\
             CONTRIB_MODULES_PATH={contrib}\n\
             CONTRIB_MODULES_CONF_DIR={contrib}/conf\n\
             EJABBERD_BYPASS_WARNINGS=true\n",
            cookie = cookie()?,
            yml = etc.join("ejabberd.yml").display(),
            pid = pidfile.display(),
            contrib = contrib.display(),
        ),
    )?;
    write(
        &etc.join("ejabberd.yml"),
        &config_text(&etc, starttls, direct),
    )?;
    state::chown_to("ejabberd", &dir)?;
    let ctl_args: Vec<String> = [
        ("--config-dir", &etc),
        ("--ctl-config", &etc.join("ejabberdctl.cfg")),
        ("--config", &etc.join("ejabberd.yml")),
        ("--logs", &logs),
        ("--spool", &spool),
    ]
    .iter()
    .flat_map(|(flag, path)| [flag.to_string(), path.display().to_string()])
    .collect();

    let console =
        std::fs::File::create(dir.join("console.log")).map_err(|e| format!("console.log: {e}"))?;
    let console_err = console.try_clone().map_err(|e| e.to_string())?;
    let launcher = Command::new("ejabberdctl")
        .args(&ctl_args)
        .arg("foreground")
        .stdin(Stdio::null())
        .stdout(console)
        .stderr(console_err)
        .spawn()
        .map_err(|e| format!("cannot start ejabberdctl foreground: {e}"))?;
    let mut server = Ejabberd {
        launcher,
        ctl_args,
        pidfile,
        spool,
        logs,
    };
    if let Err(e) = server.wait_ready(&[starttls, direct], setup_log) {
        super::Stop::stop(&mut server);
        return Err(format!("ejabberd: {e}; see {}", dir.display()));
    }
    let mut pids = vec![server.launcher.id()];
    pids.extend(server.beam_pid());
    Ok(Server {
        name: "ejabberd",
        label: format!("ejabberd {}", super::prosody::upstream(&version)),
        starttls,
        direct,
        pids,
        handle: Box::new(server),
    })
}

impl Ejabberd {
    fn ctl(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("ejabberdctl");
        cmd.args(&self.ctl_args).args(args);
        cmd
    }

    fn wait_ready(&mut self, ports: &[u16], setup_log: &Path) -> Result<(), String> {
        for &port in ports {
            procs::wait_port(
                port,
                Duration::from_secs(60),
                &mut self.launcher,
                "ejabberd",
            )?;
        }
        // The listeners open slightly before the node answers ctl commands.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let done = procs::output(&mut self.ctl(&["status"]), Duration::from_secs(15))?;
            if done.code == Some(0) {
                break;
            }
            if Instant::now() > deadline {
                return Err("the node does not answer `ejabberdctl status`".into());
            }
            procs::pause(Duration::from_millis(300));
        }
        for (user, password) in USERS {
            setup_step(
                &mut self.ctl(&["register", user, DOMAIN, password]),
                Duration::from_secs(30),
                setup_log,
            )?;
        }
        Ok(())
    }

    /// The BEAM's pid from the pidfile, if it is still our node (spool on its command line).
    fn beam_pid(&self) -> Option<u32> {
        let pid: u32 = std::fs::read_to_string(&self.pidfile)
            .ok()?
            .trim()
            .parse()
            .ok()?;
        (procs::alive(pid) && procs::cmdline(pid).contains(&*self.spool.to_string_lossy()))
            .then_some(pid)
    }
}

impl super::Stop for Ejabberd {
    fn stop(&mut self) {
        // Everything our launcher started (su, sh, beam.smp, erl_child_setup, ...),
        // collected before they are orphaned by the shutdown.
        let family = procs::descendants(self.launcher.id());
        let beam = self.beam_pid();
        if beam.is_some() {
            let _ = procs::output(&mut self.ctl(&["stop"]), Duration::from_secs(20));
        }
        if let Some(pid) = beam {
            let deadline = Instant::now() + Duration::from_secs(20);
            while procs::alive(pid) && Instant::now() < deadline {
                procs::pause(Duration::from_millis(100));
            }
            procs::stop_pid(pid, &self.spool.to_string_lossy(), Duration::from_secs(5));
        }
        for pid in family {
            // They descend from our launcher; the empty marker matches any command line.
            procs::stop_pid(pid, "", Duration::from_secs(5));
        }
        procs::stop_child(&mut self.launcher, Duration::from_secs(5));
    }

    fn logs(&self) -> Vec<PathBuf> {
        vec![self.logs.join("ejabberd.log"), self.logs.join("error.log")]
    }
}

/// Name resolution for the Erlang VM from this table only: no s2s, so no DNS.
const INETRC: &str = "{lookup,[\"file\"]}.\n{host,{127,0,0,1},[\"localhost\"]}.\n";

fn cookie() -> Result<String, String> {
    use std::io::Read;
    let mut raw = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut raw))
        .map_err(|e| format!("/dev/urandom: {e}"))?;
    Ok(raw.iter().map(|b| format!("{b:02x}")).collect())
}

fn config_text(etc: &Path, starttls: u16, direct: u16) -> String {
    let listener = |port: u16, tls: &str| {
        format!(
            "  -\n    port: {port}\n    ip: \"127.0.0.1\"\n    module: ejabberd_c2s\n    \
             max_stanza_size: {STANZA_LIMIT}\n{tls}    protocol_options:\n      \
             - \"no_sslv3\"\n      - \"no_tlsv1\"\n      - \"no_tlsv1_1\"\n      \
             - \"no_compression\"\n"
        )
    };
    format!(
        r#"# Written by `cargo xtask interop` for one run; loopback only.
hosts:
  - {DOMAIN}
loglevel: info
log_rotate_count: 0
certfiles:
  - "{etc}/server.pem"

# Client listeners only, on 127.0.0.1 only. TLS options are set per listener: a
# global c2s_protocol_options would override them. No shaper, so that login times
# measure the server and not a bandwidth limit.
listen:
{starttls_listener}{direct_listener}
s2s_access: none
default_db: mnesia
auth_method: internal
# Passwords stored as given: DIGEST-MD5 and every SCRAM hash can then be offered
# (Debian's own configuration stores SCRAM keys and disables DIGEST-MD5).
auth_password_format: plain
disable_sasl_mechanisms: []

acl:
  local:
    user_regexp: ""
access_rules:
  local:
    allow: local
  c2s:
    allow: all
api_permissions:
  "console commands":
    from:
      - ejabberd_ctl
    who: all
    what: "*"
shaper_rules:
  max_user_sessions: 10
  max_user_offline_messages: 100

modules:
  mod_admin_extra: {{}}
  mod_caps: {{}}
  mod_carboncopy: {{}}
  mod_disco: {{}}
  mod_offline:
    access_max_user_messages: max_user_offline_messages
  mod_ping: {{}}
  mod_roster: {{}}
"#,
        etc = etc.display(),
        starttls_listener = listener(
            starttls,
            "    starttls: true\n    starttls_required: true\n"
        ),
        direct_listener = listener(direct, "    tls: true\n"),
    )
}
