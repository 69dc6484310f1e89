//! A small single-threaded XMPP server: one mio poll loop, many `Connection`s in the
//! server role, and a router that passes stanzas between the users who are online.
//!
//! Shared by the `server` example and the `demo`. The loop is the one of
//! `mio_server.rs`, plus routing and output backpressure: a connection's bytes stay in
//! the library until the socket takes them, so a slow reader fills its connection's
//! output limit and `send` reports `BufferFull` instead of the server's memory growing.

use std::collections::HashMap;
use std::io::{self, ErrorKind, Read, Write};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Instant;

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token, Waker};
use xmpp_core::{Connection, Event, Mechanism, ServerConfig, ServerTls};
use xmpp_jid::Jid;
use xmpp_sasl::{MemoryStore, NonceSource, OsNonceSource, PasswordPrep, StoredCredentials};
use xmpp_stanza::{DefinedCondition, IqPayload, Stanza, StanzaError};
use xmpp_tls::rustls;
use xmpp_xml::Limits;

const LISTENER: Token = Token(0);
const WAKER: Token = Token(1);
const FIRST_PEER: usize = 2;

/// Where a line of the server's log goes.
pub type Log = Arc<dyn Fn(&str) + Send + Sync>;

/// Everything the server needs to know.
pub struct Options {
    /// The one domain served; streams to any other end with `<host-unknown/>`.
    pub domain: String,
    /// The accounts.
    pub credentials: Arc<MemoryStore>,
    /// The certificate and TLS versions.
    pub tls: Arc<rustls::ServerConfig>,
    /// Direct TLS (XEP-0368) instead of STARTTLS.
    pub direct_tls: bool,
    /// Bytes allowed per stanza after authentication (default: the library's).
    pub max_stanza: Option<usize>,
    /// The SASL mechanisms to offer, in order (default: the library's).
    pub mechanisms: Option<Vec<Mechanism>>,
    /// One line per connection event.
    pub log: Log,
}

/// An in-memory account store for `users` (`name:password` pairs).
pub fn credentials(users: &[(String, String)]) -> Result<Arc<MemoryStore>, String> {
    let mut store = MemoryStore::new();
    for (name, password) in users {
        let mut salt = [0u8; 16];
        OsNonceSource
            .fill_bytes(&mut salt)
            .map_err(|e| format!("randomness: {e}"))?;
        // 4096 is the RFC 7677 minimum for SCRAM-SHA-256; it keeps logins fast here.
        let stored =
            StoredCredentials::derive(name, password, PasswordPrep::default(), &salt, 4096, &[])
                .map_err(|e| format!("user {name}: {e}"))?;
        store.insert(name.clone(), stored);
    }
    Ok(Arc::new(store))
}

/// A running server (on its own thread).
pub struct Handle {
    /// The address it listens on.
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    waker: Arc<Waker>,
    thread: Option<JoinHandle<io::Result<()>>>,
}

impl Handle {
    /// Stops the loop and waits for the thread.
    pub fn stop(mut self) -> io::Result<()> {
        self.stop.store(true, Ordering::SeqCst);
        self.waker.wake()?;
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(io::Error::other("server thread panicked")),
            None => Ok(()),
        }
    }
}

/// Binds `addr` and runs the server on a new thread.
pub fn spawn(addr: SocketAddr, options: Options) -> io::Result<Handle> {
    let mut server = Server::bind(addr, options)?;
    let addr = server.listener.local_addr()?;
    let stop = Arc::new(AtomicBool::new(false));
    let waker = Arc::new(Waker::new(server.poll.registry(), WAKER)?);
    let flag = Arc::clone(&stop);
    let thread = std::thread::Builder::new()
        .name("xmpp-server".into())
        .spawn(move || server.run(&flag))?;
    Ok(Handle {
        addr,
        stop,
        waker,
        thread: Some(thread),
    })
}

/// Binds `addr` and runs the server on this thread, forever.
pub fn run(addr: SocketAddr, options: Options) -> io::Result<()> {
    let mut server = Server::bind(addr, options)?;
    let addr = server.listener.local_addr()?;
    (server.options.log)(&format!(
        "listening on {addr} for {} ({})",
        server.options.domain,
        if server.options.direct_tls {
            "direct TLS"
        } else {
            "STARTTLS required"
        }
    ));
    server.run(&AtomicBool::new(false))
}

struct Peer {
    socket: TcpStream,
    addr: SocketAddr,
    conn: Connection,
    /// Bytes taken from the connection that the socket did not accept yet.
    out: Vec<u8>,
    out_pos: usize,
    wants_write: bool,
    jid: Option<String>,
}

struct Server {
    poll: Poll,
    listener: TcpListener,
    peers: HashMap<Token, Peer>,
    /// Full JID of every online session.
    online: HashMap<String, Token>,
    next_token: usize,
    options: Options,
    random: OsNonceSource,
}

impl Server {
    fn bind(addr: SocketAddr, options: Options) -> io::Result<Server> {
        let poll = Poll::new()?;
        let mut listener = TcpListener::bind(addr)?;
        poll.registry()
            .register(&mut listener, LISTENER, Interest::READABLE)?;
        Ok(Server {
            poll,
            listener,
            peers: HashMap::new(),
            online: HashMap::new(),
            next_token: FIRST_PEER,
            options,
            random: OsNonceSource,
        })
    }

    fn log(&self, line: &str) {
        (self.options.log)(line);
    }

    fn run(&mut self, stop: &AtomicBool) -> io::Result<()> {
        let mut events = Events::with_capacity(256);
        let mut input = vec![0u8; 16 * 1024];
        loop {
            // Sleep until a socket is ready or the earliest connection timer is due.
            let now = Instant::now();
            let timeout = self
                .peers
                .values()
                .filter_map(|p| p.conn.poll_timeout())
                .min()
                .map(|t| t.saturating_duration_since(now));
            match self.poll.poll(&mut events, timeout) {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
            if stop.load(Ordering::SeqCst) {
                self.log("stopping");
                return Ok(());
            }
            for event in &events {
                match event.token() {
                    LISTENER => self.accept()?,
                    WAKER => {}
                    token => {
                        if let Some(peer) = self.peers.get_mut(&token) {
                            if event.is_readable() {
                                read_all(peer, &mut input);
                            }
                            if event.is_writable() {
                                write_some(peer);
                            }
                        }
                    }
                }
            }
            let now = Instant::now();
            for peer in self.peers.values_mut() {
                if peer.conn.poll_timeout().is_some_and(|t| t <= now) {
                    peer.conn.handle_timeout(now);
                }
            }
            self.process_events();
            self.flush_all()?;
        }
    }

    fn accept(&mut self) -> io::Result<()> {
        loop {
            let (mut socket, addr) = match self.listener.accept() {
                Ok(pair) => pair,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                // A connection that failed before we took it is the client's problem.
                Err(e) => {
                    self.log(&format!("accept failed: {e}"));
                    return Ok(());
                }
            };
            let token = Token(self.next_token);
            self.next_token += 1;
            self.poll
                .registry()
                .register(&mut socket, token, Interest::READABLE)?;
            let _ = socket.set_nodelay(true);
            let conn = Connection::server(self.config(), Instant::now());
            self.log(&format!("{addr}: connected"));
            self.peers.insert(
                token,
                Peer {
                    socket,
                    addr,
                    conn,
                    out: Vec::new(),
                    out_pos: 0,
                    wants_write: false,
                    jid: None,
                },
            );
        }
    }

    fn config(&self) -> ServerConfig {
        let store: Arc<MemoryStore> = Arc::clone(&self.options.credentials);
        let tls = if self.options.direct_tls {
            ServerTls::Direct(Arc::clone(&self.options.tls))
        } else {
            ServerTls::StartTls {
                config: Arc::clone(&self.options.tls),
                required: true,
            }
        };
        let mut config = ServerConfig::new([self.options.domain.clone()], store).tls(tls);
        if let Some(mechanisms) = &self.options.mechanisms {
            config = config.mechanisms(mechanisms.clone());
        }
        if let Some(max) = self.options.max_stanza {
            let mut limits = Limits::default();
            limits.max_element_bytes = max;
            config = config.limits(limits);
        }
        config
    }

    /// Answers every event of every connection; stanzas may land on other connections.
    fn process_events(&mut self) {
        let tokens: Vec<Token> = self.peers.keys().copied().collect();
        for token in tokens {
            while let Some(event) = self.peers.get_mut(&token).and_then(|p| p.conn.poll_event()) {
                self.on_event(token, event);
            }
        }
    }

    fn on_event(&mut self, token: Token, event: Event) {
        let Some(peer) = self.peers.get(&token) else {
            return;
        };
        let who = peer.jid.clone().unwrap_or_else(|| peer.addr.to_string());
        let bound = peer.jid.clone();
        match event {
            Event::TlsEstablished { version } => {
                self.log(&format!(
                    "{who}: TLS {} established",
                    super::tls::version_name(version)
                ));
            }
            Event::Authenticated {
                mechanism,
                channel_binding,
                jid,
            } => {
                let cb = channel_binding.map_or("no channel binding".to_owned(), |c| c.to_string());
                self.log(&format!(
                    "{who}: authenticated as {jid} with {mechanism} ({cb})"
                ));
            }
            Event::BindRequested { jid, suggested, .. } => {
                // Conflict policy: a resource already in use is replaced by a fresh one
                // rather than refused or the older session kicked (RFC 6120 §7.7.2.2
                // allows all three).
                let mut resource = suggested;
                if self.online.contains_key(&format!("{jid}/{resource}")) {
                    resource = format!("{resource}-{}", self.random_suffix());
                }
                if let Some(peer) = self.peers.get_mut(&token)
                    && let Err(e) = peer.conn.accept_bind(Instant::now(), &resource)
                {
                    self.log(&format!("{who}: could not bind {resource}: {e}"));
                }
            }
            Event::Online { jid } => {
                let jid = jid.to_string();
                self.log(&format!("{who}: online as {jid}"));
                self.online.insert(jid.clone(), token);
                if let Some(peer) = self.peers.get_mut(&token) {
                    peer.jid = Some(jid);
                }
            }
            Event::Stanza(stanza) => self.route(token, stanza),
            Event::Closed(reason) => {
                if let Some(jid) = bound {
                    self.online.remove(&jid);
                }
                self.log(&format!("{who}: closed: {reason}"));
            }
            other => self.log(&format!("{who}: {other:?}")),
        }
    }

    /// Delivers `stanza` (whose `from` the library stamped) by its `to` address.
    fn route(&mut self, from: Token, stanza: Stanza) {
        let to = stanza.to_jid().cloned();
        let sender = stanza.from_jid().map(Jid::to_string).unwrap_or_default();
        let kind = match &stanza {
            Stanza::Message(_) => "message",
            Stanza::Presence(_) => "presence",
            Stanza::Iq(_) => "iq",
            _ => "stanza",
        };
        let Some(to) = to.filter(|j| !(j.localpart().is_none() && j.resourcepart().is_none()))
        else {
            return self.for_server(from, stanza);
        };
        if to.domainpart() != self.options.domain {
            // No server-to-server links here (RFC 6120 §10.4.3).
            return self.bounce(from, &stanza, DefinedCondition::RemoteServerNotFound);
        }
        let targets: Vec<Token> = if to.is_full() {
            match self.online.get(to.as_str()) {
                Some(t) => vec![*t],
                // A message for a resource that went away goes to the account
                // (RFC 6121 §8.5.3.2.1); an IQ or presence does not.
                None if kind == "message" => self.sessions_of(to.bare_str()),
                None => Vec::new(),
            }
        } else {
            self.sessions_of(to.as_str())
        };
        if targets.is_empty() {
            if kind != "presence" {
                self.bounce(from, &stanza, DefinedCondition::ServiceUnavailable);
            }
            return;
        }
        for target in targets {
            let Some(peer) = self.peers.get_mut(&target) else {
                continue;
            };
            match peer.conn.send(Instant::now(), stanza.clone()) {
                Ok(()) => self.log(&format!("{sender} -> {to}: {kind}")),
                Err(e) => {
                    self.log(&format!("{sender} -> {to}: {kind} not delivered: {e}"));
                    self.bounce(from, &stanza, DefinedCondition::ResourceConstraint);
                }
            }
        }
    }

    /// Stanzas for the server itself: answer XEP-0199 pings, refuse other requests.
    fn for_server(&mut self, from: Token, stanza: Stanza) {
        let Stanza::Iq(iq) = &stanza else {
            return;
        };
        if !iq.is_request() {
            return;
        }
        let is_ping = matches!(&iq.payload, IqPayload::Get(e) if e.name() == "ping" && e.ns() == "urn:xmpp:ping");
        if is_ping {
            if let (Some(reply), Some(peer)) = (iq.result_reply(None), self.peers.get_mut(&from)) {
                let _ = peer.conn.send(Instant::now(), Stanza::Iq(reply));
            }
        } else {
            self.bounce(from, &stanza, DefinedCondition::ServiceUnavailable);
        }
    }

    fn bounce(&mut self, to: Token, stanza: &Stanza, condition: DefinedCondition) {
        if let (Some(reply), Some(peer)) = (
            stanza.error_reply(StanzaError::new(condition)),
            self.peers.get_mut(&to),
        ) {
            let _ = peer.conn.send(Instant::now(), reply);
        }
    }

    fn sessions_of(&self, bare: &str) -> Vec<Token> {
        self.online
            .iter()
            .filter(|(jid, _)| jid.split_once('/').is_some_and(|(b, _)| b == bare))
            .map(|(_, t)| *t)
            .collect()
    }

    fn random_suffix(&mut self) -> String {
        let mut bytes = [0u8; 4];
        let _ = self.random.fill_bytes(&mut bytes);
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Moves output to the sockets; forgets connections that are over.
    fn flush_all(&mut self) -> io::Result<()> {
        let mut gone = Vec::new();
        for (token, peer) in &mut self.peers {
            let wanted = write_some(peer);
            if peer.conn.is_closed() && !wanted {
                gone.push(*token);
            } else if wanted != peer.wants_write {
                let interest = if wanted {
                    Interest::READABLE | Interest::WRITABLE
                } else {
                    Interest::READABLE
                };
                self.poll
                    .registry()
                    .reregister(&mut peer.socket, *token, interest)?;
                peer.wants_write = wanted;
            }
        }
        for token in gone {
            if let Some(mut peer) = self.peers.remove(&token) {
                let _ = self.poll.registry().deregister(&mut peer.socket);
                if let Some(jid) = &peer.jid {
                    self.online.remove(jid);
                }
            }
        }
        Ok(())
    }
}

/// Reads until the socket is drained (mio is edge-triggered).
fn read_all(peer: &mut Peer, input: &mut [u8]) {
    loop {
        match peer.socket.read(input) {
            Ok(0) => return peer.conn.handle_eof(Instant::now()),
            Ok(n) => peer.conn.handle_input(Instant::now(), &input[..n]),
            Err(e) if e.kind() == ErrorKind::WouldBlock => return,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return peer.conn.handle_eof(Instant::now()),
        }
    }
}

/// Writes what the socket takes; true when bytes are left over (wait for writable).
/// New bytes are taken from the connection only once the previous ones are out, so an
/// unread peer backs up into the library's output limit.
fn write_some(peer: &mut Peer) -> bool {
    loop {
        if peer.out_pos == peer.out.len() {
            peer.out.clear();
            peer.out_pos = 0;
            if peer.conn.poll_transmit(&mut peer.out) == 0 {
                return false;
            }
        }
        match peer.socket.write(&peer.out[peer.out_pos..]) {
            Ok(n) if n > 0 => peer.out_pos += n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => return true,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Ok(_) | Err(_) => {
                peer.conn.handle_eof(Instant::now());
                peer.out.clear();
                peer.out_pos = 0;
                return false;
            }
        }
    }
}
