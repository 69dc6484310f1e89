//! Both roles composed from a framer, a writer, a negotiation machine and a rustls
//! engine, talking over in-memory byte queues.

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use xmpp_tls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use xmpp_tls::rustls::{self, ClientConfig, RootCertStore, ServerConfig, SupportedProtocolVersion};
use xmpp_tls::{
    DirectTls, Initiator, InitiatorAction, InitiatorState, NS_TLS, NegotiationError, Receiver,
    ReceiverAction, RustlsEngine, StreamKind, TlsEngine, TlsPolicy,
};
use xmpp_xml::{Element, Frame, Framer, Limits, STREAM_NS, Writer};

pub const DOMAIN: &str = "example.com";

/// A CA and an end-entity certificate signed by it.
pub struct Pki {
    pub ca: CertificateDer<'static>,
    pub chain: Vec<CertificateDer<'static>>,
    pub key: Vec<u8>,
}

pub fn pki(names: &[&str]) -> Pki {
    pki_with(names, &rcgen::PKCS_ECDSA_P256_SHA256)
}

/// Like [`pki`] with CA and end-entity keys of algorithm `alg`.
pub fn pki_with(names: &[&str], alg: &'static rcgen::SignatureAlgorithm) -> Pki {
    let ca_key = KeyPair::generate_for(alg).unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "xmpp-tls test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let ee_key = KeyPair::generate_for(alg).unwrap();
    let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    let ee = CertificateParams::new(names)
        .unwrap()
        .signed_by(&ee_key, &ca, &ca_key)
        .unwrap();
    Pki {
        ca: ca.der().clone(),
        chain: vec![ee.der().clone(), ca.der().clone()],
        key: ee_key.serialize_der(),
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

pub fn client_config(
    ca: &CertificateDer<'static>,
    versions: &[&'static SupportedProtocolVersion],
    require_ems: bool,
) -> Arc<ClientConfig> {
    let mut roots = RootCertStore::empty();
    roots.add(ca.clone()).unwrap();
    let mut cfg = ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(versions)
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    cfg.require_ems = require_ems;
    Arc::new(cfg)
}

pub fn server_config(
    pki: &Pki,
    versions: &[&'static SupportedProtocolVersion],
    require_ems: bool,
) -> Arc<ServerConfig> {
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.key.clone()));
    let mut cfg = ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(versions)
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(pki.chain.clone(), key)
        .unwrap();
    cfg.require_ems = require_ems;
    Arc::new(cfg)
}

pub const TLS13: &[&SupportedProtocolVersion] = &[&rustls::version::TLS13];
pub const TLS12: &[&SupportedProtocolVersion] = &[&rustls::version::TLS12];

/// The negotiation machine a side runs.
pub enum Machine {
    Initiator(Initiator),
    Receiver(Receiver),
    Direct(DirectTls),
}

/// One endpoint.
pub struct Side {
    pub client: bool,
    pub framer: Framer,
    pub writer: Writer,
    pub engine: RustlsEngine,
    pub machine: Machine,
    /// Bytes go to the engine (true) or to the framer (false).
    pub tls: bool,
    pub out: Vec<u8>,
    pub error: Option<NegotiationError>,
    pub xml_error: bool,
    /// Frames parsed from plaintext before TLS.
    pub plain_frames: Vec<Frame>,
    /// Frames parsed from decrypted data.
    pub secure_frames: Vec<Frame>,
    /// Receiver: answer `<starttls/>` with `<failure/>`.
    pub refuse: bool,
    pub closed: bool,
    pub went_plaintext: bool,
    secure_seen: bool,
}

impl Side {
    fn new(client: bool, engine: RustlsEngine, machine: Machine, tls: bool) -> Self {
        Side {
            client,
            framer: Framer::new(Limits::default()),
            writer: Writer::new(),
            engine,
            machine,
            tls,
            out: Vec::new(),
            error: None,
            xml_error: false,
            plain_frames: Vec::new(),
            secure_frames: Vec::new(),
            refuse: false,
            closed: false,
            went_plaintext: false,
            secure_seen: false,
        }
    }

    /// A STARTTLS client: sends its stream header right away.
    pub fn starttls_client(config: Arc<ClientConfig>, name: &str, policy: TlsPolicy) -> Self {
        let engine = RustlsEngine::client(config, name).unwrap();
        let mut s = Side::new(
            true,
            engine,
            Machine::Initiator(Initiator::new(policy)),
            false,
        );
        s.open_stream_plain();
        s
    }

    pub fn starttls_server(config: Arc<ServerConfig>, policy: TlsPolicy) -> Self {
        let engine = RustlsEngine::server(config).unwrap();
        Side::new(
            false,
            engine,
            Machine::Receiver(Receiver::new(policy)),
            false,
        )
    }

    pub fn direct_client(config: Arc<ClientConfig>, name: &str, kind: StreamKind) -> Self {
        let engine = DirectTls::client_engine(config, name, kind).unwrap();
        let mut s = Side::new(true, engine, Machine::Direct(DirectTls::new(kind)), true);
        s.engine.poll_wire(&mut s.out);
        s
    }

    pub fn direct_server(config: Arc<ServerConfig>, kind: StreamKind) -> Self {
        let engine = DirectTls::server_engine(config, kind).unwrap();
        Side::new(false, engine, Machine::Direct(DirectTls::new(kind)), true)
    }

    pub fn is_secure(&self) -> bool {
        match &self.machine {
            Machine::Initiator(m) => m.is_secure(),
            Machine::Receiver(m) => m.is_secure(),
            Machine::Direct(m) => m.is_secure(),
        }
    }

    pub fn bindings(&self) -> Option<&xmpp_tls::ChannelBindings> {
        match &self.machine {
            Machine::Initiator(m) => m.channel_bindings(),
            Machine::Receiver(m) => m.channel_bindings(),
            Machine::Direct(m) => m.channel_bindings(),
        }
    }

    fn open_stream_plain(&mut self) {
        let mut out = Vec::new();
        self.header(&mut out);
        self.out.extend(out);
    }

    fn header(&mut self, out: &mut Vec<u8>) {
        let attr = if self.client { "to" } else { "from" };
        self.writer
            .stream_open(out, "jabber:client", &[(attr, DOMAIN), ("version", "1.0")])
            .unwrap();
    }

    fn fail(&mut self, e: NegotiationError) {
        if self.error.is_none() {
            self.error = Some(e);
        }
        self.engine.poll_wire(&mut self.out);
    }

    fn dead(&self) -> bool {
        self.error.is_some() || self.closed || self.xml_error
    }

    /// Bytes from the peer.
    pub fn receive(&mut self, data: &[u8]) {
        if self.dead() {
            return;
        }
        if self.tls {
            self.receive_wire(data);
        } else {
            self.receive_plain(data);
        }
    }

    fn receive_plain(&mut self, data: &[u8]) {
        let mut rest = data;
        loop {
            let n = self.framer.feed(rest);
            rest = &rest[n..];
            while let Some(frame) = self.framer.poll() {
                let frame = match frame {
                    Ok(f) => f,
                    Err(_) => {
                        self.xml_error = true;
                        return;
                    }
                };
                let unprocessed = self.framer.unprocessed() + rest.len();
                if self.plain_frame(frame, unprocessed) {
                    // Switched to TLS: nothing may be left over.
                    assert_eq!(self.framer.unprocessed() + rest.len(), 0);
                    self.framer.reset();
                    self.tls = true;
                    self.engine.poll_wire(&mut self.out);
                    return;
                }
                if self.dead() {
                    return;
                }
            }
            if rest.is_empty() || n == 0 {
                return;
            }
        }
    }

    /// Handles a frame received in plaintext; true when TLS starts now.
    fn plain_frame(&mut self, frame: Frame, unprocessed: usize) -> bool {
        match (&mut self.machine, frame) {
            (Machine::Initiator(m), Frame::Element(e)) => {
                let r = match m.state() {
                    InitiatorState::AwaitingFeatures => m.handle_features(&e),
                    InitiatorState::AwaitingProceed => m.handle_element(&e, unprocessed),
                    _ => {
                        self.plain_frames.push(Frame::Element(e));
                        return false;
                    }
                };
                self.plain_frames.push(Frame::Element(e));
                match r {
                    Ok(InitiatorAction::Send(el)) => {
                        self.writer.element(&mut self.out, &el);
                        false
                    }
                    Ok(InitiatorAction::ContinueWithoutTls) => {
                        self.went_plaintext = true;
                        false
                    }
                    Ok(InitiatorAction::StartHandshake) => true,
                    Ok(_) => false,
                    Err(e) => {
                        self.fail(e);
                        false
                    }
                }
            }
            (Machine::Receiver(m), Frame::StreamOpen(_)) => {
                let mut out = Vec::new();
                let mut features = Element::builder(STREAM_NS, "features");
                if let Some(f) = m.feature() {
                    features = features.child(f);
                }
                let features = features.build().unwrap();
                self.header(&mut out);
                self.writer.element(&mut out, &features);
                self.out.extend(out);
                false
            }
            (Machine::Receiver(m), Frame::Element(e)) => {
                if self.refuse && e.is(NS_TLS, "starttls") {
                    let f = m.refuse();
                    self.writer.element(&mut self.out, &f);
                    self.writer.stream_close(&mut self.out);
                    self.closed = true;
                    return false;
                }
                let r = m.handle_element(&e, unprocessed);
                self.plain_frames.push(Frame::Element(e));
                match r {
                    Ok(ReceiverAction::Proceed(p)) => {
                        self.writer.element(&mut self.out, &p);
                        true
                    }
                    Ok(ReceiverAction::Fail(f)) => {
                        self.writer.element(&mut self.out, &f);
                        self.writer.stream_close(&mut self.out);
                        self.closed = true;
                        false
                    }
                    Ok(_) => {
                        self.went_plaintext = true;
                        false
                    }
                    Err(e) => {
                        self.fail(e);
                        false
                    }
                }
            }
            (_, f) => {
                self.plain_frames.push(f);
                false
            }
        }
    }

    fn progress(&mut self) -> Result<bool, NegotiationError> {
        match &mut self.machine {
            Machine::Initiator(m) => m.handshake_progress(&self.engine),
            Machine::Receiver(m) => m.handshake_progress(&self.engine),
            Machine::Direct(m) => m.handshake_progress(&self.engine),
        }
    }

    fn receive_wire(&mut self, data: &[u8]) {
        let mut rest = data;
        loop {
            let fed = self.engine.feed_wire(rest);
            let n = match fed {
                Ok(n) => n,
                Err(e) => {
                    let e = match self.progress() {
                        Err(ne) => ne,
                        Ok(_) => NegotiationError::Tls(e),
                    };
                    self.fail(e);
                    return;
                }
            };
            rest = &rest[n..];
            match self.progress() {
                Ok(true) if !self.secure_seen => {
                    self.secure_seen = true;
                    self.framer.reset();
                    if self.client {
                        let mut h = Vec::new();
                        self.header(&mut h);
                        self.send_secure(&h);
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    self.fail(e);
                    return;
                }
            }
            self.drain_plaintext();
            self.engine.poll_wire(&mut self.out);
            if self.dead() || rest.is_empty() {
                return;
            }
            if n == 0 && self.engine.plaintext_pending() == 0 {
                // Peer closed; nothing more is taken.
                return;
            }
        }
    }

    pub fn send_secure(&mut self, data: &[u8]) {
        let mut rest = data;
        while !rest.is_empty() {
            let n = self.engine.write_plaintext(rest).unwrap();
            rest = &rest[n..];
            self.engine.poll_wire(&mut self.out);
        }
    }

    fn drain_plaintext(&mut self) {
        let mut buf = [0u8; 512];
        loop {
            let n = self.engine.read_plaintext(&mut buf);
            if n == 0 {
                return;
            }
            assert!(self.secure_seen, "plaintext before the handshake completed");
            let mut rest = &buf[..n];
            while !rest.is_empty() {
                let k = self.framer.feed(rest);
                rest = &rest[k..];
                while let Some(f) = self.framer.poll() {
                    match f {
                        Ok(f) => self.secure_frame(f),
                        Err(_) => {
                            self.xml_error = true;
                            return;
                        }
                    }
                }
                if k == 0 {
                    return;
                }
            }
        }
    }

    fn secure_frame(&mut self, frame: Frame) {
        if !self.client && matches!(frame, Frame::StreamOpen(_)) {
            let mut out = Vec::new();
            self.header(&mut out);
            let features = Element::builder(STREAM_NS, "features").build().unwrap();
            self.writer.element(&mut out, &features);
            self.send_secure(&out);
        }
        self.secure_frames.push(frame);
    }
}

/// A filter applied to everything one side writes, per step.
pub type Tamper<'a> = &'a mut dyn FnMut(&mut Vec<u8>);

/// Moves bytes between the two sides, `chunk` bytes per delivery, until quiet.
pub fn run(client: &mut Side, server: &mut Side, chunk: usize, c2s: Tamper<'_>, s2c: Tamper<'_>) {
    for _ in 0..1_000_000 {
        let mut a = std::mem::take(&mut client.out);
        let mut b = std::mem::take(&mut server.out);
        if a.is_empty() && b.is_empty() {
            return;
        }
        c2s(&mut a);
        s2c(&mut b);
        for piece in a.chunks(chunk.max(1)) {
            server.receive(piece);
        }
        for piece in b.chunks(chunk.max(1)) {
            client.receive(piece);
        }
    }
    panic!("no quiescence");
}

/// Like [`run`] without tampering, delivery sizes cycling through `sizes`.
pub fn run_split(client: &mut Side, server: &mut Side, sizes: &[usize]) {
    let mut k = 0;
    let mut next = || {
        k += 1;
        sizes[k % sizes.len()].max(1)
    };
    for _ in 0..1_000_000 {
        let a = std::mem::take(&mut client.out);
        let b = std::mem::take(&mut server.out);
        if a.is_empty() && b.is_empty() {
            return;
        }
        let mut rest = &a[..];
        while !rest.is_empty() {
            let n = next().min(rest.len());
            server.receive(&rest[..n]);
            rest = &rest[n..];
        }
        let mut rest = &b[..];
        while !rest.is_empty() {
            let n = next().min(rest.len());
            client.receive(&rest[..n]);
            rest = &rest[n..];
        }
    }
    panic!("no quiescence");
}

pub fn no_tamper() -> impl FnMut(&mut Vec<u8>) {
    |_: &mut Vec<u8>| {}
}

/// Chunk sizes every scenario runs with: whole buffers and one byte at a time.
pub const CHUNKS: &[usize] = &[usize::MAX, 1, 7];

pub fn contains(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}
