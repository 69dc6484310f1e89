//! Our client and our server in memory: certificates, configurations, a pump that moves
//! `poll_transmit` bytes to the other side's `handle_input` in chunks of a chosen size,
//! and a fake clock.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use xmpp_core::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use xmpp_core::rustls::{self, RootCertStore, SupportedProtocolVersion};
use xmpp_core::{
    BareJid, ClientConfig, ClientTls, Connection, DefinedCondition, Event, MemoryStore,
    PasswordPrep, SeededNonceSource, ServerConfig, ServerTls, StoredCredentials,
};

pub const DOMAIN: &str = "example.com";
pub const USER: &str = "juliet";
pub const PASSWORD: &str = "r0m30myr0m30";

pub const TLS13: &[&SupportedProtocolVersion] = &[&rustls::version::TLS13];
pub const TLS12: &[&SupportedProtocolVersion] = &[&rustls::version::TLS12];

pub struct Pki {
    pub ca: CertificateDer<'static>,
    pub chain: Vec<CertificateDer<'static>>,
    pub key: Vec<u8>,
}

pub fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let alg = &rcgen::PKCS_ECDSA_P256_SHA256;
        let ca_key = KeyPair::generate_for(alg).unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "xmpp-core test CA");
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let ee_key = KeyPair::generate_for(alg).unwrap();
        let ee = CertificateParams::new(vec![DOMAIN.to_string()])
            .unwrap()
            .signed_by(&ee_key, &ca, &ca_key)
            .unwrap();
        Pki {
            ca: ca.der().clone(),
            chain: vec![ee.der().clone(), ca.der().clone()],
            key: ee_key.serialize_der(),
        }
    })
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

pub fn client_tls_config(
    versions: &[&'static SupportedProtocolVersion],
    require_ems: bool,
) -> Arc<rustls::ClientConfig> {
    let mut roots = RootCertStore::empty();
    roots.add(pki().ca.clone()).unwrap();
    let mut cfg = rustls::ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(versions)
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    cfg.require_ems = require_ems;
    Arc::new(cfg)
}

pub fn server_tls_config(
    versions: &[&'static SupportedProtocolVersion],
    require_ems: bool,
) -> Arc<rustls::ServerConfig> {
    let p = pki();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(p.key.clone()));
    let mut cfg = rustls::ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(versions)
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(p.chain.clone(), key)
        .unwrap();
    cfg.require_ems = require_ems;
    Arc::new(cfg)
}

/// One user, SCRAM keys for every hash (4096 iterations, the client's minimum) and a
/// DIGEST-MD5 secret for the domain as realm; derived once per test binary.
pub fn store() -> Arc<MemoryStore> {
    static STORE: OnceLock<Arc<MemoryStore>> = OnceLock::new();
    STORE
        .get_or_init(|| {
            let mut s = MemoryStore::new();
            let creds = StoredCredentials::derive(
                USER,
                PASSWORD,
                PasswordPrep::default(),
                b"pepper and salt!",
                4096,
                &[DOMAIN],
            )
            .unwrap();
            s.insert(USER, creds);
            Arc::new(s)
        })
        .clone()
}

/// The same user with a single PBKDF2 iteration: PLAIN verification derives keys on
/// every login, and the replay tests log in thousands of times. Never usable with SCRAM
/// (clients demand at least 4096 iterations).
pub fn fast_store() -> Arc<MemoryStore> {
    static STORE: OnceLock<Arc<MemoryStore>> = OnceLock::new();
    STORE
        .get_or_init(|| {
            let mut s = MemoryStore::new();
            let creds =
                StoredCredentials::derive(USER, PASSWORD, PasswordPrep::default(), b"salt", 1, &[])
                    .unwrap();
            s.insert(USER, creds);
            Arc::new(s)
        })
        .clone()
}

pub fn account() -> BareJid {
    BareJid::new(&format!("{USER}@{DOMAIN}")).unwrap()
}

pub fn client_config(password: &str, seed: u64) -> ClientConfig {
    ClientConfig::new(account(), password).random(Box::new(SeededNonceSource::new(seed)))
}

pub fn server_config(seed: u64) -> ServerConfig {
    ServerConfig::new([DOMAIN], store()).random(Box::new(SeededNonceSource::new(seed)))
}

/// TLS setups for both sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    None,
    StartTls13,
    StartTls12Ems,
    StartTls12NoEms,
    Direct13,
    Direct12Ems,
}

impl Tls {
    pub fn apply(self, c: ClientConfig, s: ServerConfig) -> (ClientConfig, ServerConfig) {
        match self {
            Tls::None => (c.tls(ClientTls::None), s.tls(ServerTls::None)),
            Tls::StartTls13 => (
                c.tls(ClientTls::StartTls(client_tls_config(TLS13, false))),
                s.tls(ServerTls::StartTls {
                    config: server_tls_config(TLS13, false),
                    required: true,
                }),
            ),
            Tls::StartTls12Ems | Tls::StartTls12NoEms => {
                let ems = self == Tls::StartTls12Ems;
                (
                    c.tls(ClientTls::StartTls(client_tls_config(TLS12, ems))),
                    s.tls(ServerTls::StartTls {
                        config: server_tls_config(TLS12, ems),
                        required: true,
                    }),
                )
            }
            Tls::Direct13 => (
                c.tls(ClientTls::Direct(client_tls_config(TLS13, false))),
                s.tls(ServerTls::Direct(server_tls_config(TLS13, false))),
            ),
            Tls::Direct12Ems => (
                c.tls(ClientTls::Direct(client_tls_config(TLS12, true))),
                s.tls(ServerTls::Direct(server_tls_config(TLS12, true))),
            ),
        }
    }
}

/// How the server application answers bind requests.
pub type BindPolicy = Box<dyn FnMut(Option<&str>, &str) -> Result<String, DefinedCondition>>;

pub struct Pair {
    pub client: Connection,
    pub server: Connection,
    pub now: Instant,
    pub chunk: usize,
    pub client_events: Vec<Event>,
    pub server_events: Vec<Event>,
    /// Bytes each side transmitted, in order.
    pub c2s: Vec<u8>,
    pub s2c: Vec<u8>,
    pub bind: BindPolicy,
    /// Whether to deliver bytes (false simulates a silent network).
    pub deliver: bool,
}

pub fn accept_suggested() -> BindPolicy {
    Box::new(|_, suggested| Ok(suggested.to_string()))
}

impl Pair {
    pub fn new(c: ClientConfig, s: ServerConfig) -> Pair {
        let now = Instant::now();
        Pair {
            server: Connection::server(s, now),
            client: Connection::client(c, now),
            now,
            chunk: usize::MAX,
            client_events: Vec::new(),
            server_events: Vec::new(),
            c2s: Vec::new(),
            s2c: Vec::new(),
            bind: accept_suggested(),
            deliver: true,
        }
    }

    pub fn with_tls(tls: Tls, password: &str) -> Pair {
        let (c, s) = tls.apply(client_config(password, 1), server_config(2));
        Pair::new(c, s)
    }

    /// One round: both sides transmit, the other side consumes, events are collected.
    /// Returns whether any byte moved.
    pub fn step(&mut self) -> bool {
        let mut moved = false;
        let mut buf = Vec::new();
        self.client.poll_transmit(&mut buf);
        if !buf.is_empty() && self.deliver {
            moved = true;
            self.c2s.extend_from_slice(&buf);
            for piece in buf.chunks(self.chunk.max(1)) {
                self.server.handle_input(self.now, piece);
                self.drain_server();
            }
        }
        self.drain_server();
        let mut buf = Vec::new();
        self.server.poll_transmit(&mut buf);
        if !buf.is_empty() && self.deliver {
            moved = true;
            self.s2c.extend_from_slice(&buf);
            for piece in buf.chunks(self.chunk.max(1)) {
                self.client.handle_input(self.now, piece);
                self.drain_client();
            }
        }
        self.drain_client();
        moved
    }

    fn drain_server(&mut self) {
        while let Some(e) = self.server.poll_event() {
            if let Event::BindRequested {
                requested,
                suggested,
                ..
            } = &e
            {
                let answer = (self.bind)(requested.as_deref(), suggested);
                match answer {
                    Ok(r) => self.server.accept_bind(self.now, &r).unwrap(),
                    Err(c) => self.server.refuse_bind(self.now, c).unwrap(),
                }
            }
            self.server_events.push(e);
        }
    }

    fn drain_client(&mut self) {
        while let Some(e) = self.client.poll_event() {
            self.client_events.push(e);
        }
    }

    /// Pumps until nothing moves any more.
    pub fn run(&mut self) {
        for _ in 0..10_000 {
            if !self.step() {
                return;
            }
        }
        panic!("the pair never went quiet");
    }

    pub fn advance(&mut self, d: Duration) {
        self.now += d;
        self.client.handle_timeout(self.now);
        self.server.handle_timeout(self.now);
        self.drain_client();
        self.drain_server();
    }

    pub fn both_online(&self) -> bool {
        self.client.is_online() && self.server.is_online()
    }
}

pub fn online(events: &[Event]) -> Option<&xmpp_core::FullJid> {
    events.iter().find_map(|e| match e {
        Event::Online { jid } => Some(jid),
        _ => None,
    })
}

pub fn closed(events: &[Event]) -> Option<&xmpp_core::CloseReason> {
    events.iter().find_map(|e| match e {
        Event::Closed(r) => Some(r),
        _ => None,
    })
}

pub fn authenticated(events: &[Event]) -> Option<(&str, Option<xmpp_core::ChannelBindingType>)> {
    events.iter().find_map(|e| match e {
        Event::Authenticated {
            mechanism,
            channel_binding,
            ..
        } => Some((mechanism.as_str(), *channel_binding)),
        _ => None,
    })
}
