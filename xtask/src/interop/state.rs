//! The private state directory: configurations, certificates, databases and logs of
//! one run. Nothing is written to /etc or to the servers' system-wide directories.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Root of everything one run writes (`XMPP_INTEROP_STATE`, or `/tmp/xmpp-interop-<pid>`).
pub struct State {
    root: PathBuf,
    /// A directory we made for this run is removed at the end (unless --keep).
    ours: bool,
}

impl State {
    pub fn create() -> Result<State, String> {
        let (root, ours) = match std::env::var_os("XMPP_INTEROP_STATE") {
            Some(dir) => (PathBuf::from(dir), false),
            None => (
                std::env::temp_dir().join(format!("xmpp-interop-{}", std::process::id())),
                true,
            ),
        };
        fs::create_dir_all(&root)
            .map_err(|e| format!("cannot create state dir {}: {e}", root.display()))?;
        let root = root
            .canonicalize()
            .map_err(|e| format!("{}: {e}", root.display()))?;
        // The servers run as their own system users and must reach their files.
        fs::set_permissions(&root, fs::Permissions::from_mode(0o755))
            .map_err(|e| format!("chmod {}: {e}", root.display()))?;
        for dir in root.ancestors().skip(1) {
            let mode = fs::metadata(dir)
                .map(|m| m.permissions().mode())
                .unwrap_or(0);
            if mode & 0o001 == 0 {
                return Err(format!(
                    "{} is not traversable by other users, so the prosody/ejabberd users \
                     cannot reach {}; set XMPP_INTEROP_STATE to a directory under /tmp",
                    dir.display(),
                    root.display()
                ));
            }
        }
        Ok(State { root, ours })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `root/<name>`, created, world-traversable.
    pub fn dir(&self, name: &str) -> Result<PathBuf, String> {
        let dir = self.root.join(name);
        fs::create_dir_all(&dir).map_err(|e| format!("mkdir {}: {e}", dir.display()))?;
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755))
            .map_err(|e| format!("chmod {}: {e}", dir.display()))?;
        Ok(dir)
    }

    /// Removes the directory if this run created it.
    pub fn remove(&self) {
        if self.ours {
            let _ = fs::remove_dir_all(&self.root);
        }
    }
}

/// Writes `text` to `path`, mapping the error to a message that names the file.
pub fn write(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// True when running as root (then servers are started as their system users).
pub fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// `chown -R user:user path` (root only; a no-op otherwise).
pub fn chown_to(user: &str, path: &Path) -> Result<(), String> {
    if !is_root() {
        return Ok(());
    }
    let status = std::process::Command::new("chown")
        .args(["-R", &format!("{user}:{user}")])
        .arg(path)
        .status()
        .map_err(|e| format!("chown: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("chown -R {user} {} failed", path.display()))
    }
}
