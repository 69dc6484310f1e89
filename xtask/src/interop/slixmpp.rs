//! slixmpp (PyPI) in a virtualenv kept under the cargo target directory, and the
//! small script in xtask/interop/ that makes it behave like our `client` example.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::procs::setup_step;
use crate::run::workspace_root;

/// The release the harness was written against; `SLIXMPP_VERSION` overrides it.
const SLIXMPP: &str = "1.17.0";

/// How to run the slixmpp client.
pub struct Slixmpp {
    python: PathBuf,
    script: PathBuf,
}

impl Slixmpp {
    /// A command running the script; the caller adds the client options.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(&self.python);
        cmd.arg(&self.script);
        cmd
    }
}

/// Makes the virtualenv and installs slixmpp into it, unless that was done before.
pub fn ensure(setup_log: &Path) -> Result<Slixmpp, String> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    let venv = target.join("interop").join("venv");
    let python = venv.join("bin").join("python");
    let script = workspace_root().join("xtask/interop/slix_client.py");
    let version = std::env::var("SLIXMPP_VERSION").unwrap_or_else(|_| SLIXMPP.into());
    let installed = Command::new(&python)
        .args([
            "-c",
            "import slixmpp, sys; sys.stdout.write(slixmpp.__version__)",
        ])
        .output()
        .is_ok_and(|o| o.status.success() && o.stdout == version.as_bytes());
    if !installed {
        println!(
            "interop: making a virtualenv with slixmpp {version} in {}",
            venv.display()
        );
        let limit = Duration::from_secs(300);
        let made = setup_step(
            Command::new("python3")
                .args(["-m", "venv", "--clear"])
                .arg(&venv),
            limit,
            setup_log,
        );
        if made.is_err() {
            // Debian's python3 needs python3-venv for `-m venv`.
            super::apt::install_always(&["python3-venv"], setup_log)?;
            setup_step(
                Command::new("/usr/bin/python3")
                    .args(["-m", "venv", "--clear"])
                    .arg(&venv),
                limit,
                setup_log,
            )?;
        }
        setup_step(
            Command::new(venv.join("bin").join("pip"))
                .args(["install", "-q", "--disable-pip-version-check"])
                .arg(format!("slixmpp=={version}")),
            limit,
            setup_log,
        )?;
    }
    Ok(Slixmpp { python, script })
}
