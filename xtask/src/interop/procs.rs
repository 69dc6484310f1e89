//! Processes the harness starts: loopback ports, waiting, and stopping by pid.
//!
//! Nothing here looks processes up by name: a pid is only signalled when we started it
//! (or it descends from one we started) and its command line still says so, because
//! pids are recycled and the machine may run other XMPP servers.

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

/// Set by SIGINT/SIGTERM/SIGHUP: finish quickly, but through the normal shutdown.
static INTERRUPTED: OnceLock<Arc<AtomicBool>> = OnceLock::new();

/// From now on a Ctrl-C (or SIGTERM/SIGHUP) no longer kills the harness outright:
/// it ends the current session and stops the servers. Some of them run under other
/// users in their own sessions and would survive the harness otherwise.
pub fn catch_interrupts() -> Result<(), String> {
    let flag = Arc::clone(INTERRUPTED.get_or_init(|| Arc::new(AtomicBool::new(false))));
    for sig in [
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
    ] {
        signal_hook::flag::register(sig, Arc::clone(&flag))
            .map_err(|e| format!("cannot catch signal {sig}: {e}"))?;
    }
    Ok(())
}

/// True once an interrupt arrived.
pub fn interrupted() -> bool {
    INTERRUPTED.get().is_some_and(|f| f.load(Ordering::Relaxed))
}

/// The only address anything in the harness listens on or connects to.
pub const LOOPBACK: Ipv4Addr = Ipv4Addr::LOCALHOST;

/// A port on 127.0.0.1 that was free a moment ago (the kernel picks it).
pub fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind((LOOPBACK, 0))
        .map_err(|e| format!("cannot bind a port on {LOOPBACK}: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("cannot read the bound port: {e}"))
}

/// True if something accepts TCP connections on 127.0.0.1:`port`.
pub fn port_open(port: u16) -> bool {
    let addr = SocketAddr::from((LOOPBACK, port));
    TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
}

/// Waits until 127.0.0.1:`port` accepts connections; gives up early if `child` exits.
pub fn wait_port(port: u16, limit: Duration, child: &mut Child, what: &str) -> Result<(), String> {
    let deadline = Instant::now() + limit;
    loop {
        if port_open(port) {
            return Ok(());
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!(
                "{what} exited ({status}) before listening on port {port}"
            ));
        }
        if interrupted() {
            return Err("interrupted".into());
        }
        if Instant::now() > deadline {
            return Err(format!(
                "{what} did not listen on port {port} within {limit:?}"
            ));
        }
        pause(Duration::from_millis(50));
    }
}

/// Sleeps; the harness polls processes and ports, it has no event loop.
pub fn pause(d: Duration) {
    thread::sleep(d);
}

/// The command line of `pid`, arguments joined by spaces (empty if it is gone).
pub fn cmdline(pid: u32) -> String {
    fs::read(format!("/proc/{pid}/cmdline"))
        .map(|raw| {
            raw.split(|&b| b == 0)
                .map(|part| String::from_utf8_lossy(part).into_owned())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

/// True if `pid` exists and is not a zombie.
pub fn alive(pid: u32) -> bool {
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the parenthesised command name, which may contain spaces.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| !rest.trim_start().starts_with(['Z', 'X'])),
        Err(_) => false,
    }
}

/// All live descendants of `pid`, children before their parents' siblings.
pub fn descendants(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let Ok(tasks) = fs::read_dir(format!("/proc/{pid}/task")) else {
        return out;
    };
    for task in tasks.flatten() {
        let children = fs::read_to_string(task.path().join("children")).unwrap_or_default();
        for child in children.split_whitespace().filter_map(|c| c.parse().ok()) {
            out.extend(descendants(child));
            out.push(child);
        }
    }
    out
}

fn signal(pid: u32, sig: &str) {
    // `kill` from procps/util-linux: std has no way to send SIGTERM.
    let _ = Command::new("kill")
        .args(["-s", sig, &pid.to_string()])
        .stderr(Stdio::null())
        .status();
}

/// SIGTERM, up to `grace` to exit, then SIGKILL. Only if `pid` still runs a command
/// line containing `marker`, so that a recycled pid is never hit.
pub fn stop_pid(pid: u32, marker: &str, grace: Duration) -> bool {
    if !alive(pid) || !cmdline(pid).contains(marker) {
        return false;
    }
    signal(pid, "TERM");
    let deadline = Instant::now() + grace;
    while alive(pid) && Instant::now() < deadline {
        pause(Duration::from_millis(50));
    }
    if alive(pid) {
        eprintln!("interop: pid {pid} ignored SIGTERM; sending SIGKILL");
        signal(pid, "KILL");
        pause(Duration::from_millis(100));
    }
    true
}

/// Stops a child we spawned ourselves and reaps it.
pub fn stop_child(child: &mut Child, grace: Duration) {
    if matches!(child.try_wait(), Ok(Some(_))) {
        return;
    }
    signal(child.id(), "TERM");
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return;
        }
        pause(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// What a finished (or killed) command printed and how it ended.
#[derive(Debug, Clone, Default)]
pub struct Finished {
    pub stdout: String,
    pub stderr: String,
    /// `None` when it had to be killed or died from a signal.
    pub code: Option<i32>,
    pub timed_out: bool,
    pub elapsed: Duration,
}

/// A spawned command whose output is collected in the background.
pub struct Watched {
    child: Child,
    started: Instant,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    readers: Vec<thread::JoinHandle<()>>,
    /// Cut short by an interrupt (not for package installs, which must not be
    /// killed half-way).
    interruptible: bool,
}

impl Watched {
    /// Spawns `cmd` with piped stdout/stderr and no stdin.
    pub fn spawn(cmd: &mut Command) -> Result<Watched, String> {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {:?}: {e}", cmd.get_program()))?;
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut readers = Vec::new();
        if let Some(out) = child.stdout.take() {
            readers.push(collect(out, Arc::clone(&stdout)));
        }
        if let Some(err) = child.stderr.take() {
            readers.push(collect(err, Arc::clone(&stderr)));
        }
        Ok(Watched {
            child,
            started: Instant::now(),
            stdout,
            stderr,
            readers,
            interruptible: true,
        })
    }

    /// The first stderr line starting with `prefix`, waiting up to `limit` for it
    /// (`None` if the process exits or the time runs out first).
    pub fn wait_line(&mut self, prefix: &str, limit: Duration) -> Option<String> {
        let deadline = Instant::now() + limit;
        loop {
            let found = lock(&self.stderr)
                .lines()
                .find(|l| l.starts_with(prefix))
                .map(str::to_owned);
            if found.is_some() {
                return found;
            }
            if Instant::now() > deadline || matches!(self.child.try_wait(), Ok(Some(_))) {
                return None;
            }
            pause(Duration::from_millis(5));
        }
    }

    /// Waits for the process to exit, killing it after `limit`.
    pub fn finish(mut self, limit: Duration) -> Finished {
        let deadline = self.started + limit;
        let mut timed_out = false;
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if Instant::now() > deadline || (self.interruptible && interrupted()) => {
                    timed_out = true;
                    stop_child(&mut self.child, Duration::from_secs(2));
                    break None;
                }
                Ok(None) => pause(Duration::from_millis(2)),
                Err(_) => break None,
            }
        };
        let elapsed = self.started.elapsed();
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
        Finished {
            stdout: lock(&self.stdout).clone(),
            stderr: lock(&self.stderr).clone(),
            code: status.and_then(|s| s.code()),
            timed_out,
            elapsed,
        }
    }
}

fn lock(m: &Mutex<String>) -> std::sync::MutexGuard<'_, String> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn collect(stream: impl Read + Send + 'static, into: Arc<Mutex<String>>) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        while matches!(reader.read_line(&mut line), Ok(n) if n > 0) {
            lock(&into).push_str(&line);
            line.clear();
        }
    })
}

/// Runs `cmd` to completion with output captured (for setup steps).
pub fn output(cmd: &mut Command, limit: Duration) -> Result<Finished, String> {
    let mut w = Watched::spawn(cmd)?;
    w.interruptible = false;
    Ok(w.finish(limit))
}

/// Runs a setup step; its output goes to `log` and an error quotes its tail.
pub fn setup_step(cmd: &mut Command, limit: Duration, log: &Path) -> Result<(), String> {
    let what = format!("{:?}", cmd);
    let done = output(cmd, limit)?;
    let text = format!("$ {what}\n{}{}", done.stdout, done.stderr);
    let _ = append(log, &text);
    if done.code == Some(0) {
        return Ok(());
    }
    let tail: Vec<&str> = text.lines().rev().take(15).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    Err(format!(
        "{what} failed ({}); see {}:\n{}",
        if done.timed_out {
            "timed out".to_string()
        } else {
            format!("exit {:?}", done.code)
        },
        log.display(),
        tail.join("\n")
    ))
}

/// Appends `text` to the file at `path`.
pub fn append(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    f.write_all(text.as_bytes())
}
