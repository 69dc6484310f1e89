//! Configuration of the two roles: what to offer or accept, limits, timers, randomness.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use xmpp_jid::BareJid;
use xmpp_sasl::{CredentialStore, Mechanism, NonceSource};
use xmpp_tls::TlsEngine;
use xmpp_tls::rustls;
use xmpp_xml::Limits;
use zeroize::Zeroizing;

/// How TLS is layered under a custom engine: negotiated with STARTTLS
/// ([RFC 6120 §5](https://www.rfc-editor.org/rfc/rfc6120#section-5)) or from the first
/// byte ([XEP-0368](https://xmpp.org/extensions/xep-0368.html)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TlsMode {
    /// STARTTLS. Client: `required` = refuse to continue when the server does not offer
    /// it (a stripped offer is an attack); `false` = use it when offered. Server:
    /// `required` = advertise `<required/>` and accept nothing else first.
    StartTls {
        /// Whether TLS is mandatory.
        required: bool,
    },
    /// TLS from the first byte.
    Direct,
}

/// The TLS setup of a client.
#[non_exhaustive]
pub enum ClientTls {
    /// STARTTLS, required (the default mode): the connection never continues in
    /// plaintext.
    StartTls(Arc<rustls::ClientConfig>),
    /// Direct TLS ([XEP-0368](https://xmpp.org/extensions/xep-0368.html)) with ALPN
    /// `xmpp-client`.
    Direct(Arc<rustls::ClientConfig>),
    /// A caller-built engine (another TLS library, a test double such as
    /// [`NullTlsEngine`](crate::testing::NullTlsEngine)).
    Engine {
        /// The engine, created for the client role.
        engine: Box<dyn TlsEngine + Send>,
        /// STARTTLS or direct.
        mode: TlsMode,
    },
    /// No TLS at all: for tests and scripted transcripts only. PLAIN is never used
    /// without TLS, and a server that requires STARTTLS ends the connection.
    None,
}

impl fmt::Debug for ClientTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientTls::StartTls(_) => f.write_str("StartTls(..)"),
            ClientTls::Direct(_) => f.write_str("Direct(..)"),
            ClientTls::Engine { mode, .. } => write!(f, "Engine {{ mode: {mode:?}, .. }}"),
            ClientTls::None => f.write_str("None"),
        }
    }
}

/// The TLS setup of a server.
#[non_exhaustive]
pub enum ServerTls {
    /// STARTTLS with `config`; `required` advertises `<required/>` and refuses SASL
    /// before TLS ([`ServerTls::starttls`] builds the required form).
    StartTls {
        /// The rustls server configuration (certificates, versions).
        config: Arc<rustls::ServerConfig>,
        /// Whether STARTTLS is mandatory to negotiate.
        required: bool,
    },
    /// Direct TLS ([XEP-0368](https://xmpp.org/extensions/xep-0368.html)), ALPN
    /// `xmpp-client`.
    Direct(Arc<rustls::ServerConfig>),
    /// A caller-built engine for the server role.
    Engine {
        /// The engine.
        engine: Box<dyn TlsEngine + Send>,
        /// STARTTLS (with its `required` flag) or direct.
        mode: TlsMode,
    },
    /// No TLS: for tests and scripted transcripts only. PLAIN is not offered.
    None,
}

impl ServerTls {
    /// STARTTLS with `config`, required: the default policy
    /// ([RFC 6120 §5.3.1](https://www.rfc-editor.org/rfc/rfc6120#section-5.3.1) lets a
    /// server make TLS mandatory-to-negotiate, and nothing else is safe for passwords).
    #[must_use]
    pub fn starttls(config: Arc<rustls::ServerConfig>) -> ServerTls {
        ServerTls::StartTls {
            config,
            required: true,
        }
    }
}

impl fmt::Debug for ServerTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServerTls::StartTls { required, .. } => {
                write!(f, "StartTls {{ required: {required}, .. }}")
            }
            ServerTls::Direct(_) => f.write_str("Direct(..)"),
            ServerTls::Engine { mode, .. } => write!(f, "Engine {{ mode: {mode:?}, .. }}"),
            ServerTls::None => f.write_str("None"),
        }
    }
}

/// The timers of a connection. `Duration::ZERO` disables the keepalive and the ping.
///
/// - `negotiation`: from creation until online; on expiry the stream ends with
///   `<connection-timeout/>`
///   ([RFC 6120 §4.9.3.4](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.4)).
/// - `keepalive`: once online, a single space is sent when nothing else was sent for
///   this long (whitespace keepalive,
///   [RFC 6120 §4.6.1](https://www.rfc-editor.org/rfc/rfc6120#section-4.6.1)); it keeps
///   NAT bindings and the peer's idle timers alive at one byte per interval.
/// - `ping_interval` / `ping_timeout`: once online, when nothing was received for
///   `ping_interval`, an [XEP-0199](https://xmpp.org/extensions/xep-0199.html) ping is
///   sent (a whitespace ping proves nothing about the peer, an IQ demands an answer);
///   when nothing at all arrives within `ping_timeout` after it, the connection ends with
///   [`CloseReason::Timeout`](crate::CloseReason::Timeout).
/// - `close`: after our `</stream:stream>`, how long to wait for the peer's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Deadline for reaching the online state.
    pub negotiation: Duration,
    /// Whitespace keepalive interval (zero: off).
    pub keepalive: Duration,
    /// Receive silence before an XEP-0199 ping (zero: off).
    pub ping_interval: Duration,
    /// Time allowed for any answer after a ping.
    pub ping_timeout: Duration,
    /// Time allowed for the peer's closing tag after ours.
    pub close: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            negotiation: Duration::from_secs(30),
            keepalive: Duration::from_secs(90),
            ping_interval: Duration::from_secs(180),
            ping_timeout: Duration::from_secs(30),
            close: Duration::from_secs(10),
        }
    }
}

/// Default bound on buffered outgoing bytes (1 MiB).
pub const DEFAULT_OUTPUT_LIMIT: usize = 1024 * 1024;

fn default_random() -> Box<dyn NonceSource + Send> {
    Box::new(xmpp_sasl::OsNonceSource)
}

/// The builder methods both role configurations share (limits before
/// authentication and timers), written once.
macro_rules! shared_setters {
    () => {
        /// Limits before authentication (default [`Limits::pre_auth`]).
        #[must_use]
        pub fn pre_auth_limits(mut self, limits: Limits) -> Self {
            self.pre_auth_limits = limits;
            self
        }

        /// All timers at once.
        #[must_use]
        pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
            self.timeouts = timeouts;
            self
        }

        /// Whitespace keepalive interval (zero: off).
        #[must_use]
        pub fn keepalive(mut self, interval: Duration) -> Self {
            self.timeouts.keepalive = interval;
            self
        }

        /// Receive silence before an XEP-0199 ping (zero: off).
        #[must_use]
        pub fn ping_interval(mut self, interval: Duration) -> Self {
            self.timeouts.ping_interval = interval;
            self
        }

        /// Time allowed for an answer after a ping.
        #[must_use]
        pub fn ping_timeout(mut self, timeout: Duration) -> Self {
            self.timeouts.ping_timeout = timeout;
            self
        }

        /// Deadline for reaching the online state.
        #[must_use]
        pub fn negotiation_timeout(mut self, timeout: Duration) -> Self {
            self.timeouts.negotiation = timeout;
            self
        }
    };
}

/// Configuration of the client role (the initiating entity).
pub struct ClientConfig {
    pub(crate) jid: BareJid,
    pub(crate) password: Zeroizing<String>,
    pub(crate) resource: Option<String>,
    pub(crate) tls: ClientTls,
    pub(crate) server_name: Option<String>,
    pub(crate) mechanisms: Option<Vec<Mechanism>>,
    pub(crate) allow_plain: bool,
    pub(crate) allow_digest_md5: bool,
    pub(crate) require_channel_binding: bool,
    pub(crate) limits: Limits,
    pub(crate) pre_auth_limits: Limits,
    pub(crate) timeouts: Timeouts,
    pub(crate) output_limit: usize,
    pub(crate) random: Box<dyn NonceSource + Send>,
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("jid", &self.jid)
            .field("password", &"<redacted>")
            .field("resource", &self.resource)
            .field("tls", &self.tls)
            .field("server_name", &self.server_name)
            .field("mechanisms", &self.mechanisms)
            .field("timeouts", &self.timeouts)
            .finish_non_exhaustive()
    }
}

impl ClientConfig {
    /// A client for account `jid` with `password`. Defaults: [`ClientTls::None`] must be
    /// replaced by a real TLS setup with [`ClientConfig::tls`] for any real server;
    /// server-assigned resource; every mechanism of xmpp-sasl's default preference
    /// (SCRAM -PLUS first, PLAIN only over TLS, DIGEST-MD5 off); post-auth limits
    /// [`Limits::default`], pre-auth [`Limits::pre_auth`]; default [`Timeouts`]; 1 MiB
    /// output limit; randomness from the OS.
    pub fn new(jid: BareJid, password: impl Into<String>) -> Self {
        ClientConfig {
            jid,
            password: Zeroizing::new(password.into()),
            resource: None,
            tls: ClientTls::None,
            server_name: None,
            mechanisms: None,
            allow_plain: true,
            allow_digest_md5: false,
            require_channel_binding: false,
            limits: Limits::default(),
            pre_auth_limits: Limits::pre_auth(),
            timeouts: Timeouts::default(),
            output_limit: DEFAULT_OUTPUT_LIMIT,
            random: default_random(),
        }
    }

    /// The resourcepart to request (`None`: let the server assign one,
    /// [RFC 6120 §7.6](https://www.rfc-editor.org/rfc/rfc6120#section-7.6)).
    #[must_use]
    pub fn resource(mut self, resource: Option<String>) -> Self {
        self.resource = resource;
        self
    }

    /// The TLS setup.
    #[must_use]
    pub fn tls(mut self, tls: ClientTls) -> Self {
        self.tls = tls;
        self
    }

    /// The name for SNI and certificate verification (default: the JID's domain).
    #[must_use]
    pub fn server_name(mut self, name: impl Into<String>) -> Self {
        self.server_name = Some(name.into());
        self
    }

    /// The mechanisms to use, most preferred first (default
    /// [`xmpp_sasl::select::DEFAULT_PREFERENCE`]). A single entry forces that mechanism.
    #[must_use]
    pub fn mechanisms(mut self, mechanisms: Vec<Mechanism>) -> Self {
        self.mechanisms = Some(mechanisms);
        self
    }

    /// Whether PLAIN may be used (over TLS only; default `true`).
    #[must_use]
    pub fn allow_plain(mut self, allow: bool) -> Self {
        self.allow_plain = allow;
        self
    }

    /// Whether DIGEST-MD5 may be used (default `false`: historic,
    /// [RFC 6331](https://www.rfc-editor.org/rfc/rfc6331)).
    #[must_use]
    pub fn allow_digest_md5(mut self, allow: bool) -> Self {
        self.allow_digest_md5 = allow;
        self
    }

    /// Fail rather than log in without channel binding when the TLS layer can bind
    /// (default `false`: real servers often offer only `tls-unique`, which rustls lacks).
    #[must_use]
    pub fn require_channel_binding(mut self, require: bool) -> Self {
        self.require_channel_binding = require;
        self
    }

    /// Limits on what the server may send after authentication.
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    shared_setters!();

    /// Bound on buffered outgoing bytes; [`Connection::send`](crate::Connection::send)
    /// fails with [`SendError::BufferFull`](crate::SendError::BufferFull) beyond it.
    #[must_use]
    pub fn output_limit(mut self, bytes: usize) -> Self {
        self.output_limit = bytes;
        self
    }

    /// The randomness for SCRAM nonces and IQ ids (default: the OS). Use
    /// [`SeededNonceSource`](crate::SeededNonceSource) for reproducible tests only.
    #[must_use]
    pub fn random(mut self, random: Box<dyn NonceSource + Send>) -> Self {
        self.random = random;
        self
    }

    /// Alias of [`ClientConfig::random`], named after the xmpp-sasl trait.
    #[must_use]
    pub fn nonce_source(self, random: Box<dyn NonceSource + Send>) -> Self {
        self.random(random)
    }
}

/// Whether and how the server offers the legacy session feature
/// ([RFC 3921 §3](https://www.rfc-editor.org/rfc/rfc3921#section-3), kept optional by
/// [RFC 6121 appendix E](https://www.rfc-editor.org/rfc/rfc6121#appendix-E)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum LegacySession {
    /// Not offered.
    Off,
    /// Offered with `<optional/>` (the default): old clients may still send it.
    #[default]
    Optional,
    /// Offered without `<optional/>`: clients must establish a session, and are
    /// online (stanzas flow, [`Event::Online`](crate::Event::Online)) only once they
    /// did.
    Required,
}

/// Configuration of the server role (the receiving entity of a client stream).
pub struct ServerConfig {
    pub(crate) domains: Vec<String>,
    pub(crate) credentials: Arc<dyn CredentialStore + Send + Sync>,
    pub(crate) tls: ServerTls,
    pub(crate) mechanisms: Vec<Mechanism>,
    pub(crate) advertise_channel_binding: bool,
    pub(crate) downgrade_protection: bool,
    pub(crate) legacy_session: LegacySession,
    pub(crate) max_auth_failures: u32,
    pub(crate) max_auth_attempts: u32,
    pub(crate) limits: Limits,
    pub(crate) pre_auth_limits: Limits,
    pub(crate) timeouts: Timeouts,
    pub(crate) output_limit: usize,
    pub(crate) random: Box<dyn NonceSource + Send>,
}

impl fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerConfig")
            .field("domains", &self.domains)
            .field("tls", &self.tls)
            .field("mechanisms", &self.mechanisms)
            .field("legacy_session", &self.legacy_session)
            .field("timeouts", &self.timeouts)
            .finish_non_exhaustive()
    }
}

impl ServerConfig {
    /// A server for `domains` (streams to any other `to` end with `<host-unknown/>`)
    /// authenticating against `credentials`. Defaults: [`ServerTls::None`] (set a real
    /// one with [`ServerConfig::tls`]); mechanisms SCRAM-SHA-512/256/1 with their -PLUS
    /// variants and PLAIN (PLAIN only over TLS, -PLUS only with a channel binding);
    /// XEP-0440 types advertised; legacy session optional; 3 failed authentications and
    /// 10 failed attempts of any kind per stream; limits, timers and output limit as
    /// for the client.
    pub fn new<S: Into<String>>(
        domains: impl IntoIterator<Item = S>,
        credentials: Arc<dyn CredentialStore + Send + Sync>,
    ) -> Self {
        let domains = domains
            .into_iter()
            .map(|d| {
                let d: String = d.into();
                xmpp_jid::prepare_domainpart(&d)
                    .map(|c| c.into_owned())
                    .unwrap_or(d)
            })
            .collect();
        let mut mechanisms: Vec<Mechanism> = xmpp_sasl::select::DEFAULT_PREFERENCE[..6].to_vec();
        mechanisms.push(Mechanism::Plain);
        ServerConfig {
            domains,
            credentials,
            tls: ServerTls::None,
            mechanisms,
            advertise_channel_binding: true,
            downgrade_protection: true,
            legacy_session: LegacySession::default(),
            max_auth_failures: 3,
            max_auth_attempts: 10,
            limits: Limits::default(),
            pre_auth_limits: Limits::pre_auth(),
            timeouts: Timeouts::default(),
            output_limit: DEFAULT_OUTPUT_LIMIT,
            random: default_random(),
        }
    }

    /// The TLS setup.
    #[must_use]
    pub fn tls(mut self, tls: ServerTls) -> Self {
        self.tls = tls;
        self
    }

    /// The mechanisms to offer, in advertisement order (DIGEST-MD5 needs a store that
    /// keeps DIGEST-MD5 secrets for the domain as realm).
    #[must_use]
    pub fn mechanisms(mut self, mechanisms: Vec<Mechanism>) -> Self {
        self.mechanisms = mechanisms;
        self
    }

    /// Whether to advertise the XEP-0440 channel-binding types (default `true`).
    #[must_use]
    pub fn advertise_channel_binding(mut self, advertise: bool) -> Self {
        self.advertise_channel_binding = advertise;
        self
    }

    /// Whether SCRAM server-first-messages carry the
    /// [XEP-0474](https://xmpp.org/extensions/xep-0474.html) `d=` hash of the offer
    /// (default `true`; `false` reproduces servers without it, such as the RFC 6120
    /// §9.1 example).
    #[must_use]
    pub fn downgrade_protection(mut self, enabled: bool) -> Self {
        self.downgrade_protection = enabled;
        self
    }

    /// The legacy session offer.
    #[must_use]
    pub fn legacy_session(mut self, session: LegacySession) -> Self {
        self.legacy_session = session;
        self
    }

    /// Failed authentications allowed on one stream before it ends with
    /// `<policy-violation/>` ([RFC 6120 §6.4.5](https://www.rfc-editor.org/rfc/rfc6120#section-6.4.5)
    /// asks for 2 to 5); clamped to that range.
    ///
    /// Only failures that judged the credentials count here (a wrong password, a proof
    /// that does not verify, a malformed exchange). An attempt that failed before any
    /// credential was looked at — a mechanism we do not offer, a channel-binding type
    /// we cannot provide, a gs2 flag that does not fit the offer — is no password
    /// guess: it counts only toward [`ServerConfig::max_auth_attempts`], so a client
    /// that walks down its mechanism list (slixmpp's `tls-unique` -PLUS attempts, for
    /// one) still reaches the mechanism that works.
    #[must_use]
    pub fn max_auth_failures(mut self, n: u32) -> Self {
        self.max_auth_failures = n.clamp(2, 5);
        self
    }

    /// Failed SASL attempts of any kind (aborted ones included) allowed on one stream
    /// before it ends with `<policy-violation/>` (default 10, clamped to 2..=50): the
    /// hard bound behind [`ServerConfig::max_auth_failures`], so that a client cannot
    /// loop through attempts that are not password guesses forever.
    #[must_use]
    pub fn max_auth_attempts(mut self, n: u32) -> Self {
        self.max_auth_attempts = n.clamp(2, 50);
        self
    }

    /// Limits on what the client may send after authentication.
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    shared_setters!();

    /// Bound on buffered outgoing bytes.
    #[must_use]
    pub fn output_limit(mut self, bytes: usize) -> Self {
        self.output_limit = bytes;
        self
    }

    /// The randomness for stream ids, resources, SCRAM nonces (default: the OS).
    #[must_use]
    pub fn random(mut self, random: Box<dyn NonceSource + Send>) -> Self {
        self.random = random;
        self
    }
}
