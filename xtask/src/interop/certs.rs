//! A throw-away certificate authority and one server certificate, made with the
//! openssl command line for each run.
//!
//! Two certificates rather than one self-signed: webpki (rustls) refuses a CA
//! certificate presented as the end-entity certificate, and the usual
//! `openssl req -x509` output is a CA certificate. Every server in the matrix uses
//! the same leaf, so TLS costs the same everywhere and login times compare fairly.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::procs::setup_step;
use super::state::write;

/// Paths of the generated PEM files.
pub struct Certs {
    /// The CA certificate clients trust (`--ca-file`).
    pub ca: PathBuf,
    /// Leaf certificate followed by the CA certificate.
    pub chain: PathBuf,
    /// The leaf's private key (PKCS#8).
    pub key: PathBuf,
    /// Key, leaf and CA in one file (ejabberd's `certfiles` format).
    pub combined: PathBuf,
}

/// The names the leaf is valid for; the test domain is `localhost`.
const SUBJECT_ALT_NAMES: &str = "DNS:localhost,IP:127.0.0.1";

pub fn make(dir: &Path, log: &Path) -> Result<Certs, String> {
    super::apt::ensure(&["openssl"], &["openssl"], log)?;
    let limit = Duration::from_secs(60);
    let openssl = |args: &[&str]| {
        let mut cmd = Command::new("openssl");
        cmd.current_dir(dir).args(args);
        cmd
    };
    // P-256 keys: supported by rustls, LuaSec and Erlang's ssl alike, and cheap to make.
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let mut ca = openssl(&["req", "-x509", "-sha256", "-days", "30"]);
    ca.args(ec).args([
        "-subj",
        "/CN=xmpp interop test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    setup_step(&mut ca, limit, log)?;
    let mut csr = openssl(&["req", "-new", "-sha256"]);
    csr.args(ec).args([
        "-subj",
        "/CN=localhost",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
    ]);
    setup_step(&mut csr, limit, log)?;
    write(
        &dir.join("server.ext"),
        &format!(
            "basicConstraints=critical,CA:FALSE\n\
             keyUsage=critical,digitalSignature\n\
             extendedKeyUsage=serverAuth\n\
             subjectAltName={SUBJECT_ALT_NAMES}\n"
        ),
    )?;
    setup_step(
        &mut openssl(&[
            "x509",
            "-req",
            "-sha256",
            "-days",
            "30",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-extfile",
            "server.ext",
            "-out",
            "server.crt",
        ]),
        limit,
        log,
    )?;
    let read =
        |name: &str| std::fs::read_to_string(dir.join(name)).map_err(|e| format!("{name}: {e}"));
    let (leaf, ca_pem, key) = (read("server.crt")?, read("ca.crt")?, read("server.key")?);
    let certs = Certs {
        ca: dir.join("ca.crt"),
        chain: dir.join("chain.pem"),
        key: dir.join("server.key"),
        combined: dir.join("combined.pem"),
    };
    write(&certs.chain, &format!("{leaf}{ca_pem}"))?;
    write(&certs.combined, &format!("{key}{leaf}{ca_pem}"))?;
    Ok(certs)
}
