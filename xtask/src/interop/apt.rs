//! Installing Debian packages the harness needs, only when they are missing, without
//! letting their maintainer scripts start system-wide daemons.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::procs::setup_step;

/// Where invoke-rc.d looks for a policy; exit 101 means "do not start anything".
const POLICY_RC_D: &str = "/usr/sbin/policy-rc.d";

/// The path of `program` if it is an executable in PATH or in the sbin directories
/// (Debian puts ejabberdctl in /usr/sbin, which a non-login shell may not have).
pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/usr/bin", "/sbin", "/bin"].map(PathBuf::from))
        .map(|dir| dir.join(program))
        .find(|p| fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0))
}

/// The installed version of a Debian package, e.g. `0.12.3-1+deb12u1`.
pub fn version(package: &str) -> Option<String> {
    let out = Command::new("dpkg-query")
        .args(["-W", "-f", "${Version}", package])
        .output()
        .ok()?;
    let v = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !v.is_empty()).then_some(v)
}

/// Installs `packages` with apt-get unless every program in `needs` is already there.
pub fn ensure(needs: &[&str], packages: &[&str], log: &Path) -> Result<(), String> {
    if needs.iter().all(|p| which(p).is_some()) {
        return Ok(());
    }
    install_always(packages, log)?;
    match needs.iter().find(|p| which(p).is_none()) {
        Some(missing) => Err(format!(
            "{missing} still missing after installing {}",
            packages.join(" ")
        )),
        None => Ok(()),
    }
}

/// Installs `packages` (root only) with no service started by their scripts.
pub fn install_always(packages: &[&str], log: &Path) -> Result<(), String> {
    if !super::state::is_root() {
        return Err(format!("not root: install {} first", packages.join(" ")));
    }
    println!(
        "interop: installing {} (Debian packages, one-off)",
        packages.join(" ")
    );
    // Installing a server package normally starts its daemon on 0.0.0.0 with the /etc
    // configuration; a policy that forbids service starts prevents that. An existing
    // policy is left alone.
    let placed = !Path::new(POLICY_RC_D).exists();
    if placed {
        fs::write(
            POLICY_RC_D,
            "#!/bin/sh\n# placed by cargo xtask interop\nexit 101\n",
        )
        .map_err(|e| format!("cannot write {POLICY_RC_D}: {e}"))?;
        fs::set_permissions(POLICY_RC_D, fs::Permissions::from_mode(0o755))
            .map_err(|e| format!("chmod {POLICY_RC_D}: {e}"))?;
    }
    let result = install(packages, log);
    if placed {
        let _ = fs::remove_file(POLICY_RC_D);
    }
    result
}

fn install(packages: &[&str], log: &Path) -> Result<(), String> {
    let limit = Duration::from_secs(600);
    let apt_get = |args: &[&str]| {
        let mut cmd = Command::new("apt-get");
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    let mut args = vec!["install", "-y", "-q"];
    args.extend_from_slice(packages);
    if setup_step(&mut apt_get(&args), limit, log).is_ok() {
        return Ok(());
    }
    // A fresh machine may have no package lists yet.
    setup_step(&mut apt_get(&["update", "-q"]), limit, log)?;
    setup_step(&mut apt_get(&args), limit, log)
}
