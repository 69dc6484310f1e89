//! Configuration of the two server-to-server roles and the certificate name check.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use xmpp_sasl::NonceSource;
use xmpp_tls::rustls;
use xmpp_tls::rustls::pki_types::{CertificateDer, ServerName};
use xmpp_xml::Limits;

use crate::config::{DEFAULT_OUTPUT_LIMIT, Timeouts};

/// Decides whether the initiating server's TLS certificate is valid for the domain it
/// claims in its stream header, the identity SASL EXTERNAL then authenticates
/// ([RFC 6120 §13.7.2](https://www.rfc-editor.org/rfc/rfc6120#section-13.7.2),
/// [RFC 6125 §6](https://www.rfc-editor.org/rfc/rfc6125#section-6)).
///
/// The chain itself is checked by the TLS layer during the handshake (for rustls, a
/// client-certificate verifier such as `rustls::server::WebPkiClientVerifier` in the
/// `rustls::ServerConfig`); this check only matches names. Closures
/// `Fn(&[u8], &str) -> bool` implement it, which keeps tests and alternative schemes
/// (DANE, POSH) outside the library.
pub trait PeerDomainVerifier: Send + Sync {
    /// Whether `end_entity_der` (DER, the first certificate of the peer's chain) is
    /// valid for `domain` (a prepared domainpart).
    fn verify_peer_domain(&self, end_entity_der: &[u8], domain: &str) -> bool;
}

impl<F> PeerDomainVerifier for F
where
    F: Fn(&[u8], &str) -> bool + Send + Sync,
{
    fn verify_peer_domain(&self, end_entity_der: &[u8], domain: &str) -> bool {
        self(end_entity_der, domain)
    }
}

/// The default [`PeerDomainVerifier`]: webpki's DNS-ID matching of the certificate's
/// subjectAltName entries (wildcards in the leftmost label only, no CN fallback,
/// [RFC 6125 §6.4](https://www.rfc-editor.org/rfc/rfc6125#section-6.4)).
/// XmppAddr identifiers are not consulted.
#[derive(Debug, Clone, Copy, Default)]
pub struct WebPkiDomainVerifier;

impl PeerDomainVerifier for WebPkiDomainVerifier {
    fn verify_peer_domain(&self, end_entity_der: &[u8], domain: &str) -> bool {
        let der = CertificateDer::from(end_entity_der);
        let Ok(cert) = webpki::EndEntityCert::try_from(&der) else {
            return false;
        };
        let Ok(name) = ServerName::try_from(domain) else {
            return false;
        };
        // An IP literal is not a domain a server authenticates as over s2s.
        matches!(name, ServerName::DnsName(_))
            && cert.verify_is_valid_for_subject_name(&name).is_ok()
    }
}

/// Timeouts for a server-to-server stream: the client defaults without the XEP-0199
/// ping, whose answer would come back over the other stream of the pair.
fn s2s_timeouts() -> Timeouts {
    Timeouts {
        ping_interval: Duration::ZERO,
        ..Timeouts::default()
    }
}

fn default_random() -> Box<dyn NonceSource + Send> {
    Box::new(xmpp_sasl::OsNonceSource)
}

/// Configuration of the initiating server of a server-to-server stream
/// ([RFC 6120 §9.2](https://www.rfc-editor.org/rfc/rfc6120#section-9.2)): the stream
/// goes from `local` to `remote`, STARTTLS is required, and the server authenticates
/// with SASL EXTERNAL through the client certificate in the TLS configuration.
pub struct S2sConfig {
    pub(crate) local: String,
    pub(crate) remote: String,
    pub(crate) tls: Arc<rustls::ClientConfig>,
    pub(crate) server_name: Option<String>,
    pub(crate) authzid: bool,
    pub(crate) limits: Limits,
    pub(crate) pre_auth_limits: Limits,
    pub(crate) timeouts: Timeouts,
    pub(crate) output_limit: usize,
    pub(crate) random: Box<dyn NonceSource + Send>,
}

impl fmt::Debug for S2sConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S2sConfig")
            .field("local", &self.local)
            .field("remote", &self.remote)
            .field("server_name", &self.server_name)
            .field("authzid", &self.authzid)
            .field("timeouts", &self.timeouts)
            .finish_non_exhaustive()
    }
}

impl S2sConfig {
    /// A stream from domain `local` to domain `remote` (both prepared as domainparts
    /// when possible). `tls` must carry the certificate for `local` as its client
    /// certificate (`with_client_auth_cert`), or the receiving server has nothing to
    /// authenticate. Defaults: no authzid in `<auth/>`, post-auth limits
    /// [`Limits::default`], pre-auth [`Limits::pre_auth`], [`Timeouts::default`] without
    /// the ping, 1 MiB output limit, randomness from the OS.
    pub fn new(
        local: impl Into<String>,
        remote: impl Into<String>,
        tls: Arc<rustls::ClientConfig>,
    ) -> Self {
        S2sConfig {
            local: prepare(local.into()),
            remote: prepare(remote.into()),
            tls,
            server_name: None,
            authzid: false,
            limits: Limits::default(),
            pre_auth_limits: Limits::pre_auth(),
            timeouts: s2s_timeouts(),
            output_limit: DEFAULT_OUTPUT_LIMIT,
            random: default_random(),
        }
    }

    /// The name for SNI and the server certificate check (default: the remote domain;
    /// differs when SRV records delegate to another host and the certificate names it).
    #[must_use]
    pub fn server_name(mut self, name: impl Into<String>) -> Self {
        self.server_name = Some(name.into());
        self
    }

    /// Whether `<auth/>` names the local domain as authorization identity (as
    /// [XEP-0178](https://xmpp.org/extensions/xep-0178.html) suggests) instead of
    /// an empty response that lets the receiving server derive it (default `false`).
    #[must_use]
    pub fn send_authzid(mut self, send: bool) -> Self {
        self.authzid = send;
        self
    }

    /// Limits on what the receiving server may send after authentication.
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Limits before authentication (default [`Limits::pre_auth`]).
    #[must_use]
    pub fn pre_auth_limits(mut self, limits: Limits) -> Self {
        self.pre_auth_limits = limits;
        self
    }

    /// The timers; the ping interval is ignored (always off on server-to-server
    /// streams, which carry stanzas one way only).
    #[must_use]
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self.timeouts.ping_interval = Duration::ZERO;
        self
    }

    /// Bound on buffered outgoing bytes.
    #[must_use]
    pub fn output_limit(mut self, bytes: usize) -> Self {
        self.output_limit = bytes;
        self
    }

    /// The randomness for ids (default: the OS).
    #[must_use]
    pub fn random(mut self, random: Box<dyn NonceSource + Send>) -> Self {
        self.random = random;
        self
    }
}

/// Configuration of the receiving server of a server-to-server stream
/// ([RFC 6120 §9.2](https://www.rfc-editor.org/rfc/rfc6120#section-9.2)): streams to
/// `domains` only, STARTTLS required, SASL EXTERNAL checked with a
/// [`PeerDomainVerifier`] against the certificate the TLS layer verified.
pub struct S2sReceiverConfig {
    pub(crate) domains: Vec<String>,
    pub(crate) tls: Arc<rustls::ServerConfig>,
    pub(crate) verifier: Arc<dyn PeerDomainVerifier>,
    pub(crate) max_auth_failures: u32,
    pub(crate) limits: Limits,
    pub(crate) pre_auth_limits: Limits,
    pub(crate) timeouts: Timeouts,
    pub(crate) output_limit: usize,
    pub(crate) random: Box<dyn NonceSource + Send>,
}

impl fmt::Debug for S2sReceiverConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S2sReceiverConfig")
            .field("domains", &self.domains)
            .field("max_auth_failures", &self.max_auth_failures)
            .field("timeouts", &self.timeouts)
            .finish_non_exhaustive()
    }
}

impl S2sReceiverConfig {
    /// A receiving server for `domains` (any other `to` ends with `<host-unknown/>`).
    /// `tls` should request and verify client certificates (a `rustls::ServerConfig`
    /// built with a client-certificate verifier): without a certificate, EXTERNAL is
    /// not offered. Defaults: [`WebPkiDomainVerifier`], 3 failed authentications per
    /// stream, limits and timers as for [`S2sConfig::new`].
    pub fn new<S: Into<String>>(
        domains: impl IntoIterator<Item = S>,
        tls: Arc<rustls::ServerConfig>,
    ) -> Self {
        S2sReceiverConfig {
            domains: domains.into_iter().map(|d| prepare(d.into())).collect(),
            tls,
            verifier: Arc::new(WebPkiDomainVerifier),
            max_auth_failures: 3,
            limits: Limits::default(),
            pre_auth_limits: Limits::pre_auth(),
            timeouts: s2s_timeouts(),
            output_limit: DEFAULT_OUTPUT_LIMIT,
            random: default_random(),
        }
    }

    /// The certificate name check (default [`WebPkiDomainVerifier`]).
    #[must_use]
    pub fn verifier(mut self, verifier: Arc<dyn PeerDomainVerifier>) -> Self {
        self.verifier = verifier;
        self
    }

    /// Failed SASL attempts before the stream ends with `<policy-violation/>`
    /// ([RFC 6120 §6.4.5](https://www.rfc-editor.org/rfc/rfc6120#section-6.4.5)).
    #[must_use]
    pub fn max_auth_failures(mut self, n: u32) -> Self {
        self.max_auth_failures = n.max(1);
        self
    }

    /// Limits on what the initiating server may send after authentication.
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Limits before authentication (default [`Limits::pre_auth`]).
    #[must_use]
    pub fn pre_auth_limits(mut self, limits: Limits) -> Self {
        self.pre_auth_limits = limits;
        self
    }

    /// The timers; the ping interval is ignored (a receiving server sends no stanzas).
    #[must_use]
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self.timeouts.ping_interval = Duration::ZERO;
        self
    }

    /// Bound on buffered outgoing bytes.
    #[must_use]
    pub fn output_limit(mut self, bytes: usize) -> Self {
        self.output_limit = bytes;
        self
    }

    /// The randomness for stream ids (default: the OS).
    #[must_use]
    pub fn random(mut self, random: Box<dyn NonceSource + Send>) -> Self {
        self.random = random;
        self
    }
}

/// A domain as the peer will compare it; left alone when it cannot be prepared (the
/// stream header then fails to build and the connection says so).
fn prepare(d: String) -> String {
    xmpp_jid::prepare_domainpart(&d)
        .map(|c| c.into_owned())
        .unwrap_or(d)
}
