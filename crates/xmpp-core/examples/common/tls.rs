//! rustls configuration for the examples: certificates, trust, version caps.
//!
//! The library takes ready `Arc<rustls::ClientConfig>` / `Arc<rustls::ServerConfig>`
//! values; everything about files and certificate generation lives here, outside it.

use std::path::Path;
use std::sync::Arc;

use xmpp_tls::rustls::client::danger::{
    HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier,
};
use xmpp_tls::rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use xmpp_tls::rustls::pki_types::pem::PemObject;
use xmpp_tls::rustls::pki_types::{
    CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime,
};
use xmpp_tls::rustls::{
    self, ClientConfig, DigitallySignedStruct, RootCertStore, ServerConfig, SignatureScheme,
    SupportedProtocolVersion,
};

/// The crypto provider of every config built here: ring, as xmpp-tls uses.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The protocol versions allowed up to `cap` ("1.2" or "1.3"; `None` means 1.3).
pub fn versions_up_to(
    cap: Option<&str>,
) -> Result<&'static [&'static SupportedProtocolVersion], String> {
    static BOTH: &[&SupportedProtocolVersion] = &[&rustls::version::TLS13, &rustls::version::TLS12];
    static ONLY_12: &[&SupportedProtocolVersion] = &[&rustls::version::TLS12];
    match cap {
        None | Some("1.3") => Ok(BOTH),
        Some("1.2") => Ok(ONLY_12),
        Some(other) => Err(format!("--tls-version must be 1.2 or 1.3, not {other:?}")),
    }
}

/// "1.2", "1.3": the version as people write it.
pub fn version_name(version: xmpp_core::TlsVersion) -> String {
    match version {
        xmpp_core::TlsVersion::Tls12 => "1.2".to_owned(),
        xmpp_core::TlsVersion::Tls13 => "1.3".to_owned(),
        other => format!("{other:?}"),
    }
}

/// How a client decides whether to trust the server's certificate.
pub enum Trust {
    /// The Mozilla roots shipped by `webpki-roots`.
    WebPki,
    /// Only the certificates of a PEM file (a private CA or a self-signed server).
    CaFile(std::path::PathBuf),
    /// Any certificate at all. Only for trying things out against a test server.
    DangerousAcceptAnything,
}

/// A client configuration trusting `trust`, speaking at most TLS `cap`.
pub fn client_config(
    trust: &Trust,
    versions: &'static [&'static SupportedProtocolVersion],
) -> Result<Arc<ClientConfig>, String> {
    let builder = ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(versions)
        .map_err(|e| format!("TLS versions: {e}"))?;
    let config = match trust {
        Trust::WebPki => {
            let roots = RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            };
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        Trust::CaFile(path) => {
            let mut roots = RootCertStore::empty();
            for cert in read_certs(path)? {
                roots
                    .add(cert)
                    .map_err(|e| format!("{}: not a usable CA: {e}", path.display()))?;
            }
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        Trust::DangerousAcceptAnything => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(DangerousAcceptAnyCert(provider())))
            .with_no_client_auth(),
    };
    Ok(Arc::new(require_ems_client(config)))
}

/// Refuses TLS 1.2 without the extended master secret (RFC 7627). Only with that
/// guarantee may a TLS 1.2 session be bound with `tls-exporter` (RFC 9266 §3; see
/// the workspace's ADR 0003); every current TLS library offers it.
fn require_ems_client(mut config: ClientConfig) -> ClientConfig {
    config.require_ems = true;
    config
}

/// Every certificate in the PEM file at `path`.
pub fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("{}: no CERTIFICATE in the file", path.display()));
    }
    Ok(certs)
}

/// A server configuration from a PEM certificate chain and a PEM private key.
pub fn server_config_from_files(
    cert: &Path,
    key: &Path,
    versions: &'static [&'static SupportedProtocolVersion],
) -> Result<Arc<ServerConfig>, String> {
    let chain = read_certs(cert)?;
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| format!("{}: {e}", key.display()))?;
    server_config(chain, key, versions)
}

fn server_config(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    versions: &'static [&'static SupportedProtocolVersion],
) -> Result<Arc<ServerConfig>, String> {
    let config = ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(versions)
        .map_err(|e| format!("TLS versions: {e}"))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("certificate and key do not fit: {e}"))?;
    // As on the client (see `require_ems_client`): TLS 1.2 sessions may then use
    // `tls-exporter`.
    let mut config = config;
    config.require_ems = true;
    Ok(Arc::new(config))
}

/// A throwaway certificate authority and a server certificate it signed for `names`.
pub struct GeneratedPki {
    /// The CA certificate in PEM: what a client passes as `--ca-file`.
    pub ca_pem: String,
    /// The server's configuration, presenting the generated chain.
    pub server: Arc<ServerConfig>,
    /// The CA as DER, for building an in-process client configuration.
    pub ca_der: CertificateDer<'static>,
}

/// Generates a CA and a server certificate for `names` (with rcgen), valid for a year
/// from rcgen's default dates.
pub fn generate(
    names: &[String],
    versions: &'static [&'static SupportedProtocolVersion],
) -> Result<GeneratedPki, String> {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let err = |e: rcgen::Error| format!("certificate generation: {e}");
    let ca_key = KeyPair::generate().map_err(err)?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "xmpp-core example CA (throwaway)");
    let ca = ca_params.self_signed(&ca_key).map_err(err)?;
    let server_key = KeyPair::generate().map_err(err)?;
    let server_cert = CertificateParams::new(names.to_vec())
        .map_err(err)?
        .signed_by(&server_key, &ca, &ca_key)
        .map_err(err)?;
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
    let chain = vec![server_cert.der().clone(), ca.der().clone()];
    Ok(GeneratedPki {
        ca_pem: pem_certificate(ca.der()),
        server: server_config(chain, key, versions)?,
        ca_der: ca.der().clone(),
    })
}

/// A client configuration trusting only `ca`.
pub fn client_config_trusting(
    ca: &CertificateDer<'static>,
    versions: &'static [&'static SupportedProtocolVersion],
) -> Result<Arc<ClientConfig>, String> {
    let mut roots = RootCertStore::empty();
    roots.add(ca.clone()).map_err(|e| format!("CA: {e}"))?;
    let config = ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(versions)
        .map_err(|e| format!("TLS versions: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(require_ems_client(config)))
}

/// Accepts every server certificate, whoever issued it and whatever name it carries.
///
/// DANGEROUS: anyone on the path can impersonate the server. It still checks the
/// handshake signatures, so the TLS session itself is sound; only the identity is not.
#[derive(Debug)]
struct DangerousAcceptAnyCert(Arc<CryptoProvider>);

impl ServerCertVerifier for DangerousAcceptAnyCert {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `der` as a PEM `CERTIFICATE` block (RFC 7468 §2: base64 in lines of 64 characters).
fn pem_certificate(der: &[u8]) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut pem = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in b64.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(line).unwrap_or_default());
        pem.push('\n');
    }
    pem.push_str("-----END CERTIFICATE-----\n");
    pem
}
