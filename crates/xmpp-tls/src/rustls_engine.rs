//! [`TlsEngine`] over rustls 0.23's buffered `ClientConnection` / `ServerConnection`,
//! on in-memory buffers only.

use std::fmt;
use std::io::{self, Read, Write};
use std::sync::{Arc, OnceLock};

use rustls::pki_types::{CertificateDer, ServerName};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls::{
    CertificateError, ClientConfig, ClientConnection, Connection, ProtocolVersion, ServerConfig,
    ServerConnection,
};

use crate::buffers::BufferLimits;
use crate::engine::{HandshakeState, Role, TlsEngine, TlsVersion};
use crate::error::{TlsError, TlsErrorKind};

/// A [`TlsEngine`] backed by rustls 0.23 (any crypto provider the application's
/// configuration carries; this crate enables `ring`).
///
/// The application builds the `ClientConfig` / `ServerConfig` (root store, verifier,
/// certificates, protocol versions, time provider for certificate validity) and
/// passes it in; this engine never reads a clock itself.
pub struct RustlsEngine {
    conn: Connection,
    role: Role,
    limits: BufferLimits,
    plaintext_pending: usize,
    peer_closed: bool,
    close_sent: bool,
    failed: Option<TlsError>,
    require_ems: bool,
    served: Option<Arc<OnceLock<CertificateDer<'static>>>>,
}

impl fmt::Debug for RustlsEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RustlsEngine")
            .field("role", &self.role)
            .field("state", &self.handshake_state())
            .field("version", &self.protocol_version())
            .field("limits", &self.limits)
            .field("plaintext_pending", &self.plaintext_pending)
            .field("peer_closed", &self.peer_closed)
            .field("close_sent", &self.close_sent)
            .finish_non_exhaustive()
    }
}

impl RustlsEngine {
    /// A TLS client for `server_name` (a DNS name, sent as SNI when the configuration
    /// enables it, and checked against the server's certificate by the configured
    /// verifier). ALPN protocols come from `config`.
    ///
    /// # Errors
    /// [`TlsErrorKind::Config`] when `server_name` is not a valid DNS name or IP
    /// address, or rustls refuses the configuration.
    pub fn client(config: Arc<ClientConfig>, server_name: &str) -> Result<Self, TlsError> {
        let alpn = config.alpn_protocols.clone();
        Self::client_with_alpn(config, server_name, alpn)
    }

    /// Like [`RustlsEngine::client`] but offering `alpn` instead of the configured
    /// ALPN protocols (for direct TLS, [XEP-0368](https://xmpp.org/extensions/xep-0368.html)).
    ///
    /// # Errors
    /// As [`RustlsEngine::client`].
    pub fn client_with_alpn(
        config: Arc<ClientConfig>,
        server_name: &str,
        alpn: Vec<Vec<u8>>,
    ) -> Result<Self, TlsError> {
        let name = ServerName::try_from(server_name.to_owned())
            .map_err(|_| TlsError::new(TlsErrorKind::Config, "invalid server name"))?;
        let require_ems = config.require_ems;
        let conn = ClientConnection::new_with_alpn(config, name, alpn).map_err(map_error)?;
        Ok(Self::wrap(
            Connection::Client(conn),
            Role::Client,
            require_ems,
            None,
        ))
    }

    /// A TLS server with the application's configuration.
    ///
    /// The configuration is cloned once per connection so that the certificate the
    /// configured resolver picks is recorded for `tls-server-end-point`; the clone
    /// shares the session cache, ticketer and keys (all behind `Arc`s).
    ///
    /// # Errors
    /// rustls's refusal of the configuration, as [`TlsErrorKind::Config`].
    pub fn server(config: Arc<ServerConfig>) -> Result<Self, TlsError> {
        Self::build_server(config, None)
    }

    /// Like [`RustlsEngine::server`] but accepting exactly the ALPN protocols in
    /// `alpn` (for direct TLS): a client that offers ALPN without any of them is
    /// refused with `no_application_protocol`
    /// ([RFC 7301 §3.2](https://www.rfc-editor.org/rfc/rfc7301#section-3.2)).
    ///
    /// # Errors
    /// As [`RustlsEngine::server`].
    pub fn server_with_alpn(
        config: Arc<ServerConfig>,
        alpn: Vec<Vec<u8>>,
    ) -> Result<Self, TlsError> {
        Self::build_server(config, Some(alpn))
    }

    fn build_server(
        config: Arc<ServerConfig>,
        alpn: Option<Vec<Vec<u8>>>,
    ) -> Result<Self, TlsError> {
        let served = Arc::new(OnceLock::new());
        let mut cfg = ServerConfig::clone(&config);
        cfg.cert_resolver = Arc::new(RecordingResolver {
            inner: Arc::clone(&config.cert_resolver),
            chosen: Arc::clone(&served),
        });
        if let Some(alpn) = alpn {
            cfg.alpn_protocols = alpn;
        }
        let require_ems = cfg.require_ems;
        let conn = ServerConnection::new(Arc::new(cfg)).map_err(map_error)?;
        Ok(Self::wrap(
            Connection::Server(conn),
            Role::Server,
            require_ems,
            Some(served),
        ))
    }

    fn wrap(
        mut conn: Connection,
        role: Role,
        require_ems: bool,
        served: Option<Arc<OnceLock<CertificateDer<'static>>>>,
    ) -> Self {
        let limits = BufferLimits::default();
        conn.set_buffer_limit(Some(limits.wire_out.max(1)));
        RustlsEngine {
            conn,
            role,
            limits,
            plaintext_pending: 0,
            peer_closed: false,
            close_sent: false,
            failed: None,
            require_ems,
            served,
        }
    }

    /// Replaces the buffer bounds (they apply to the next call).
    #[must_use]
    pub fn with_limits(mut self, limits: BufferLimits) -> Self {
        self.set_limits(limits);
        self
    }

    /// Replaces the buffer bounds (they apply to the next call).
    pub fn set_limits(&mut self, limits: BufferLimits) {
        self.limits = limits;
        self.conn.set_buffer_limit(Some(limits.wire_out.max(1)));
    }

    /// The buffer bounds in force.
    #[must_use]
    pub fn limits(&self) -> BufferLimits {
        self.limits
    }

    /// The SNI name the client sent, as the server saw it.
    #[must_use]
    pub fn sni(&self) -> Option<&str> {
        match &self.conn {
            Connection::Server(s) => s.server_name(),
            Connection::Client(_) => None,
        }
    }

    fn fail(&mut self, e: TlsError) -> TlsError {
        self.failed = Some(e.clone());
        e
    }
}

impl TlsEngine for RustlsEngine {
    fn role(&self) -> Role {
        self.role
    }

    fn feed_wire(&mut self, wire: &[u8]) -> Result<usize, TlsError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let mut taken = 0;
        while taken < wire.len()
            && !self.peer_closed
            && self.plaintext_pending < self.limits.plaintext_in.max(1)
        {
            // One TLS record at a time, so that the plaintext bound is checked
            // between records.
            let rest = &wire[taken..];
            let mut rd: &[u8] = &rest[..next_record_len(rest)];
            match self.conn.read_tls(&mut rd) {
                Ok(0) => break,
                Ok(n) => taken += n,
                // rustls signals a full internal buffer with `Other`: backpressure
                // while decrypted data waits to be read, a dead end otherwise.
                Err(e) if e.kind() == io::ErrorKind::Other && self.plaintext_pending > 0 => {
                    break;
                }
                Err(e) => {
                    return Err(self.fail(TlsError::new(TlsErrorKind::Other, e.to_string())));
                }
            }
            match self.conn.process_new_packets() {
                Ok(io) => {
                    self.plaintext_pending = io.plaintext_bytes_to_read();
                    self.peer_closed = io.peer_has_closed();
                }
                Err(e) => return Err(self.fail(map_error(e))),
            }
        }
        Ok(taken)
    }

    fn read_plaintext(&mut self, out: &mut [u8]) -> usize {
        if out.is_empty() || self.plaintext_pending == 0 {
            return 0;
        }
        match self.conn.reader().read(out) {
            Ok(n) => {
                self.plaintext_pending = self.plaintext_pending.saturating_sub(n);
                n
            }
            Err(_) => 0,
        }
    }

    fn plaintext_pending(&self) -> usize {
        self.plaintext_pending
    }

    fn write_plaintext(&mut self, data: &[u8]) -> Result<usize, TlsError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        if self.close_sent {
            return Err(TlsError::new(
                TlsErrorKind::Closed,
                "close_notify already sent",
            ));
        }
        self.conn
            .writer()
            .write(data)
            .map_err(|e| TlsError::new(TlsErrorKind::Other, e.to_string()))
    }

    fn poll_wire(&mut self, out: &mut Vec<u8>) -> usize {
        let mut total = 0;
        while self.conn.wants_write() {
            match self.conn.write_tls(out) {
                Ok(0) | Err(_) => break,
                Ok(n) => total += n,
            }
        }
        total
    }

    fn wants_write(&self) -> bool {
        self.conn.wants_write()
    }

    fn handshake_state(&self) -> HandshakeState {
        if self.failed.is_some() {
            HandshakeState::Failed
        } else if self.conn.is_handshaking() {
            HandshakeState::InProgress
        } else {
            HandshakeState::Complete
        }
    }

    fn send_close_notify(&mut self) {
        if !self.close_sent {
            self.close_sent = true;
            self.conn.send_close_notify();
        }
    }

    fn peer_closed(&self) -> bool {
        self.peer_closed
    }

    fn peer_certificate(&self, index: usize) -> Option<&[u8]> {
        self.conn
            .peer_certificates()
            .and_then(|c| c.get(index))
            .map(|c| c.as_ref())
    }

    fn server_certificate(&self) -> Option<&[u8]> {
        match self.role {
            Role::Client => self.peer_certificate(0),
            Role::Server => self
                .served
                .as_ref()
                .and_then(|s| s.get())
                .map(|c| c.as_ref()),
        }
    }

    fn protocol_version(&self) -> Option<TlsVersion> {
        self.conn.protocol_version().map(|v| match v {
            ProtocolVersion::TLSv1_2 => TlsVersion::Tls12,
            ProtocolVersion::TLSv1_3 => TlsVersion::Tls13,
            other => TlsVersion::Other(u16::from(other)),
        })
    }

    fn alpn_protocol(&self) -> Option<&[u8]> {
        self.conn.alpn_protocol()
    }

    /// rustls always offers (client) and accepts (server) the extended master secret
    /// but does not report whether a TLS 1.2 peer used it; it only enforces it when
    /// the configuration's `require_ems` is set (the default only with a FIPS
    /// provider). So this is `Some(true)` on TLS 1.2 exactly when `require_ems` was
    /// set, and `None` otherwise.
    fn extended_master_secret(&self) -> Option<bool> {
        match self.protocol_version() {
            Some(TlsVersion::Tls12) if self.require_ems => Some(true),
            _ => None,
        }
    }

    fn error(&self) -> Option<&TlsError> {
        self.failed.as_ref()
    }

    fn export_keying_material(
        &self,
        out: &mut [u8],
        label: &[u8],
        context: Option<&[u8]>,
    ) -> Result<(), TlsError> {
        if self.conn.is_handshaking() {
            return Err(TlsError::new(
                TlsErrorKind::HandshakeNotComplete,
                "keying material is exported after the handshake",
            ));
        }
        self.conn
            .export_keying_material(out, label, context)
            .map(|_| ())
            .map_err(map_error)
    }
}

/// How many of `wire`'s leading bytes reach the end of the next TLS record (the
/// header is 5 bytes, its last two the body length,
/// [RFC 8446 §5.1](https://www.rfc-editor.org/rfc/rfc8446#section-5.1)); all of
/// `wire` when the header is incomplete.
fn next_record_len(wire: &[u8]) -> usize {
    match wire {
        [_, _, _, hi, lo, ..] => (5 + usize::from(u16::from_be_bytes([*hi, *lo]))).min(wire.len()),
        _ => wire.len(),
    }
}

/// Wraps the application's certificate resolver and records the end-entity
/// certificate it picked for this connection.
#[derive(Debug)]
struct RecordingResolver {
    inner: Arc<dyn ResolvesServerCert>,
    chosen: Arc<OnceLock<CertificateDer<'static>>>,
}

impl ResolvesServerCert for RecordingResolver {
    fn resolve(&self, client_hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let key = self.inner.resolve(client_hello)?;
        if let Ok(ee) = key.end_entity_cert() {
            let _ = self.chosen.set(ee.clone().into_owned());
        }
        Some(key)
    }

    fn only_raw_public_keys(&self) -> bool {
        self.inner.only_raw_public_keys()
    }
}

fn map_error(e: rustls::Error) -> TlsError {
    use rustls::Error as E;
    let kind = match &e {
        E::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        ) => TlsErrorKind::CertificateNameMismatch,
        E::InvalidCertificate(_) | E::InvalidCertRevocationList(_) => {
            TlsErrorKind::CertificateInvalid
        }
        E::NoCertificatesPresented => TlsErrorKind::NoCertificate,
        E::NoApplicationProtocol => TlsErrorKind::NoApplicationProtocol,
        E::AlertReceived(_) => TlsErrorKind::AlertReceived,
        E::PeerIncompatible(_) => TlsErrorKind::Incompatible,
        E::InappropriateMessage { .. }
        | E::InappropriateHandshakeMessage { .. }
        | E::InvalidMessage(_)
        | E::PeerMisbehaved(_)
        | E::DecryptError
        | E::PeerSentOversizedRecord => TlsErrorKind::Protocol,
        E::HandshakeNotComplete => TlsErrorKind::HandshakeNotComplete,
        E::General(_) | E::InconsistentKeys(_) => TlsErrorKind::Config,
        _ => TlsErrorKind::Other,
    };
    TlsError::new(kind, e.to_string())
}
