//! The public state machine: inputs, commands, outputs and getters.

use std::fmt;
use std::time::Instant;

use xmpp_stanza::{DefinedCondition, Stanza, StreamCondition};
use xmpp_tls::StreamKind;
use xmpp_xml::Frame;

use crate::client::ClientSide;
use crate::config::{ClientConfig, ServerConfig};
use crate::event::{CallError, CloseReason, Event, Negotiated, Role, SendError};
use crate::inner::{Inner, Life};
use crate::s2s::{S2sConfig, S2sReceiverConfig, S2sSide};
use crate::server::ServerSide;

/// Plaintext read from the TLS engine per step.
const PLAINTEXT_CHUNK: usize = 8 * 1024;

enum Side {
    Client(Box<ClientSide>),
    Server(Box<ServerSide>),
    S2s(Box<S2sSide>),
}

/// One XMPP stream, client or server role, without I/O.
///
/// Feed socket bytes to [`Connection::handle_input`], the end of the socket to
/// [`Connection::handle_eof`], and the clock to [`Connection::handle_timeout`] when
/// [`Connection::poll_timeout`] is due; after every call drain
/// [`Connection::poll_transmit`] (write those bytes to the socket) and
/// [`Connection::poll_event`]. Every method may be called at any time, in any order:
/// calls that make no sense in the current state do nothing or return an error.
pub struct Connection {
    inner: Inner,
    side: Side,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("role", &self.role())
            .field("online", &self.is_online())
            .field("closed", &self.is_closed())
            .field("negotiated", &self.inner.negotiated)
            .finish_non_exhaustive()
    }
}

impl Connection {
    /// A client connection: it writes its stream header (or, for direct TLS, its TLS
    /// ClientHello) at once; drain [`Connection::poll_transmit`].
    #[must_use]
    pub fn client(config: ClientConfig, now: Instant) -> Connection {
        let (side, inner) = ClientSide::new(config, now);
        let mut c = Connection {
            inner,
            side: Side::Client(Box::new(side)),
        };
        if let Side::Client(s) = &mut c.side {
            s.start(&mut c.inner, now);
        }
        c.settle_tls(now);
        c
    }

    /// A server connection waiting for the client's stream header.
    #[must_use]
    pub fn server(config: ServerConfig, now: Instant) -> Connection {
        let (side, inner) = ServerSide::new(config, now);
        let mut c = Connection {
            inner,
            side: Side::Server(Box::new(side)),
        };
        if let Side::Server(s) = &mut c.side {
            s.start(&mut c.inner);
        }
        c.settle_tls(now);
        c
    }

    /// The initiating server of a server-to-server stream
    /// ([RFC 6120 §9.2](https://www.rfc-editor.org/rfc/rfc6120#section-9.2)): it writes
    /// its stream header at once; drain [`Connection::poll_transmit`].
    #[must_use]
    pub fn server_to_server(config: S2sConfig, now: Instant) -> Connection {
        let (side, inner) = S2sSide::initiating(config, now);
        Connection::s2s(side, inner, now)
    }

    /// The receiving server of a server-to-server stream, waiting for the initiating
    /// server's stream header.
    #[must_use]
    pub fn s2s_receiver(config: S2sReceiverConfig, now: Instant) -> Connection {
        let (side, inner) = S2sSide::receiving(config, now);
        Connection::s2s(side, inner, now)
    }

    fn s2s(side: S2sSide, inner: Inner, now: Instant) -> Connection {
        let mut c = Connection {
            inner,
            side: Side::S2s(Box::new(side)),
        };
        if let Side::S2s(s) = &mut c.side {
            s.start(&mut c.inner, now);
        }
        c.settle_tls(now);
        c
    }

    /// The role: the initiating entity is [`Role::Client`] (also for an initiating
    /// server), the receiving one [`Role::Server`].
    #[must_use]
    pub fn role(&self) -> Role {
        match &self.side {
            Side::Client(_) => Role::Client,
            Side::Server(_) => Role::Server,
            Side::S2s(s) => s.role(),
        }
    }

    /// Whether this is a client-to-server or a server-to-server stream.
    #[must_use]
    pub fn stream_kind(&self) -> StreamKind {
        match self.side {
            Side::S2s(_) => StreamKind::ServerToServer,
            Side::Client(_) | Side::Server(_) => StreamKind::ClientToServer,
        }
    }

    /// Whether stanzas may be sent.
    #[must_use]
    pub fn is_online(&self) -> bool {
        self.inner.online && self.inner.life == Life::Open
    }

    /// Whether the stream is open for writing: neither closing (our close tag sent, or
    /// a stream error) nor closed. Stanzas, bind answers and other writes are refused
    /// with [`CallError::Closed`] otherwise.
    #[must_use]
    pub fn is_open(&self) -> bool {
        self.inner.life == Life::Open
    }

    /// Whether the connection is over: nothing more will be produced for
    /// [`Connection::poll_transmit`] beyond what is already buffered.
    #[must_use]
    pub fn is_closed(&self) -> bool {
        self.inner.is_closed()
    }

    /// The facts negotiated so far.
    #[must_use]
    pub fn negotiated(&self) -> &Negotiated {
        &self.inner.negotiated
    }

    /// Bytes buffered for [`Connection::poll_transmit`] (plaintext not yet encrypted
    /// included).
    #[must_use]
    pub fn pending_output(&self) -> usize {
        self.inner.pending()
    }

    /// Bytes from the socket (TLS records once TLS is up). Never fails: problems become
    /// events and, where the protocol says so, a stream error to the peer.
    pub fn handle_input(&mut self, now: Instant, wire: &[u8]) {
        if self.inner.is_closed() || wire.is_empty() {
            return;
        }
        self.inner.received(now);
        let mut rest = wire;
        let mut stalls = 0;
        while !rest.is_empty() && !self.inner.is_closed() {
            let taken = if self.inner.engine.is_some() {
                let r = match self.inner.engine.as_mut() {
                    Some(e) => e.feed_wire(rest),
                    None => Ok(0),
                };
                match r {
                    Ok(n) => {
                        // A custom engine claiming more than it was offered is a bug,
                        // but never one that may panic here.
                        let n = n.min(rest.len());
                        rest = &rest[n..];
                        self.after_tls_input(now);
                        n
                    }
                    Err(e) => {
                        self.after_tls_input(now);
                        self.inner.tls_failed(&xmpp_tls::NegotiationError::Tls(e));
                        break;
                    }
                }
            } else {
                let (n, after) = self.feed_framer(now, rest);
                rest = after;
                n
            };
            if taken == 0 {
                stalls += 1;
                if stalls > 2 {
                    // Neither the framer nor the engine takes more: only an internal
                    // bound can cause this, and the peer is the one exceeding it.
                    self.local_error(now, StreamCondition::ResourceConstraint, None);
                    break;
                }
            } else {
                stalls = 0;
            }
        }
        self.settle_tls(now);
    }

    /// An engine that completes its handshake without input (a test double, or one
    /// activated while processing) is noticed here.
    fn settle_tls(&mut self, now: Instant) {
        if self.inner.engine.is_some() && !self.inner.machine.is_secure() && !self.inner.is_closed()
        {
            self.after_tls_input(now);
        }
        self.inner.flush_tls();
    }

    /// Handshake progress and plaintext after wire bytes went into the engine.
    fn after_tls_input(&mut self, now: Instant) {
        match self.inner.tls_progress() {
            Ok(true) => self.tls_established(now),
            Ok(false) => {}
            Err(e) => {
                self.inner.tls_failed(&e);
                return;
            }
        }
        let mut buf = [0u8; PLAINTEXT_CHUNK];
        while !self.inner.is_closed() {
            let Some(engine) = self.inner.engine.as_mut() else {
                return;
            };
            let n = engine.read_plaintext(&mut buf).min(buf.len());
            if n == 0 {
                break;
            }
            if let Err(e) = self.inner.check_plaintext(n) {
                self.inner.tls_failed(&e);
                return;
            }
            let mut chunk = &buf[..n];
            let mut stalls = 0;
            while !chunk.is_empty() && !self.inner.is_closed() {
                let (k, after) = self.feed_framer(now, chunk);
                chunk = after;
                stalls = if k == 0 { stalls + 1 } else { 0 };
                if stalls > 2 {
                    self.local_error(now, StreamCondition::ResourceConstraint, None);
                    return;
                }
            }
        }
        let peer_closed = self.inner.engine.as_ref().is_some_and(|e| e.peer_closed());
        if peer_closed && !self.inner.is_closed() {
            // close_notify without a closing tag is a truncated stream.
            let reason = self.inner.end_reason(CloseReason::Eof);
            self.inner.finish(reason);
        }
    }

    /// Plaintext into the framer and its frames processed: how many bytes it took,
    /// and the rest (without the whitespace a stream restart drops).
    fn feed_framer<'a>(&mut self, now: Instant, bytes: &'a [u8]) -> (usize, &'a [u8]) {
        let n = self.inner.framer.feed(bytes);
        let (fed, mut after) = bytes.split_at(n);
        self.process_frames(now, fed, after);
        if std::mem::take(&mut self.inner.restarted) {
            after = trim_whitespace(after);
        }
        (n, after)
    }

    fn tls_established(&mut self, now: Instant) {
        if let Some(v) = self.inner.negotiated.tls_version {
            self.inner.push_event(Event::TlsEstablished { version: v });
        }
        match &mut self.side {
            Side::Client(s) => s.tls_established(&mut self.inner, now),
            Side::Server(s) => s.tls_established(&mut self.inner, now),
            Side::S2s(s) => s.tls_established(&mut self.inner, now),
        }
    }

    /// Drains the framer after it took `fed`; `after` = the bytes behind them we still
    /// hold. For each element the role learns how many non-whitespace bytes follow it
    /// and would be lost to a stream restart (the injection checks of RFC 6120 §5.3.1
    /// must not trip over the newline some clients write after `<starttls/>`).
    fn process_frames(&mut self, now: Instant, fed: &[u8], after: &[u8]) {
        self.inner.stop_input = false;
        while !self.inner.is_closed() && !self.inner.stop_input {
            let Some(r) = self.inner.framer.poll() else {
                break;
            };
            match r {
                Ok(Frame::StreamOpen(h)) => match &mut self.side {
                    Side::Client(s) => s.handle_header(&mut self.inner, now, &h),
                    Side::Server(s) => s.handle_header(&mut self.inner, now, &h),
                    Side::S2s(s) => s.handle_header(&mut self.inner, now, &h),
                },
                Ok(Frame::StreamClose) => self.inner.peer_closed_stream(now),
                Ok(Frame::Element(e)) => {
                    let buffered = self.inner.framer.unprocessed();
                    // Bytes the framer holds are always the tail of what it took last:
                    // every frame is drained right after the feed that completed it.
                    let tail = match fed.len().checked_sub(buffered) {
                        Some(start) => non_whitespace(&fed[start..]),
                        None => buffered,
                    };
                    let unprocessed = tail + non_whitespace(after);
                    if e.is(xmpp_xml::STREAM_NS, "error") {
                        match xmpp_stanza::StreamError::parse(e.as_ref()) {
                            Ok(err) => self.inner.peer_stream_error(now, err),
                            Err(_) => self.local_error(now, StreamCondition::BadFormat, None),
                        }
                        continue;
                    }
                    match &mut self.side {
                        Side::Client(s) => s.handle_element(&mut self.inner, now, e, unprocessed),
                        Side::Server(s) => s.handle_element(&mut self.inner, now, e, unprocessed),
                        Side::S2s(s) => s.handle_element(&mut self.inner, now, e, unprocessed),
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    let condition = StreamCondition::from(e.condition());
                    self.local_error(now, condition, Some(e.reason()));
                }
            }
        }
    }

    fn local_error(&mut self, now: Instant, condition: StreamCondition, text: Option<&str>) {
        match &mut self.side {
            Side::Client(_) => self.inner.stream_error_with(now, condition, text, None),
            Side::Server(s) => s.stream_error(&mut self.inner, now, condition, text),
            Side::S2s(s) => s.stream_error(&mut self.inner, now, condition, text),
        }
    }

    /// The socket reached end of file (or failed). Nothing more is written.
    pub fn handle_eof(&mut self, now: Instant) {
        let _ = now;
        if self.inner.is_closed() {
            return;
        }
        let reason = self.inner.end_reason(CloseReason::Eof);
        self.inner.finish_silently(reason);
    }

    /// The clock reached [`Connection::poll_timeout`] (early or repeated calls do
    /// nothing).
    pub fn handle_timeout(&mut self, now: Instant) {
        while !self.inner.is_closed() {
            let Some(t) = self.inner.timers.take_expired(now) else {
                break;
            };
            let ping_to = match &self.side {
                Side::Client(s) => s.ping_target(),
                Side::Server(_) | Side::S2s(_) => None,
            };
            self.inner.on_timer(now, t, ping_to);
        }
    }

    /// Sends a stanza (only while online). The stanza is written as given; a server
    /// application sets `from`/`to` itself.
    ///
    /// # Errors
    /// [`SendError::NotOnline`] before the stream is online, [`SendError::Closed`]
    /// once closing, [`SendError::BufferFull`] when the buffered output plus this
    /// stanza would exceed the output limit (nothing is buffered then). On a
    /// server-to-server stream: [`SendError::ReceiveOnly`] on the receiving side,
    /// [`SendError::Addressing`] when `from`/`to` are missing or not of the two domains;
    /// the stanza goes out in `jabber:server` whatever its namespace.
    pub fn send(&mut self, now: Instant, stanza: Stanza) -> Result<(), SendError> {
        if self.inner.life != Life::Open {
            return Err(SendError::Closed);
        }
        if !self.inner.online {
            return Err(SendError::NotOnline);
        }
        let (stanza, ns) = match &self.side {
            Side::S2s(s) => (s.prepare_send(stanza)?, xmpp_stanza::ContentNs::Server),
            Side::Client(_) | Side::Server(_) => (stanza, xmpp_stanza::ContentNs::Client),
        };
        let mut buf = Vec::new();
        stanza.write_to(&mut buf, Some(ns));
        let pending = self.inner.pending();
        if pending.saturating_add(buf.len()) > self.inner.output_limit {
            return Err(SendError::BufferFull {
                pending,
                needed: buf.len(),
                limit: self.inner.output_limit,
            });
        }
        self.inner.write_raw(now, &buf);
        Ok(())
    }

    /// Closes gracefully: `</stream:stream>`, then waits (up to the close timeout) for
    /// the peer's before `close_notify`
    /// ([RFC 6120 §4.4](https://www.rfc-editor.org/rfc/rfc6120#section-4.4)). Before our
    /// stream header is out there is nothing to close: the connection ends at once with
    /// [`CloseReason::Aborted`].
    pub fn close(&mut self, now: Instant) {
        match self.inner.life {
            Life::Closed | Life::Closing => {}
            Life::Open if !self.inner.header_sent => self.inner.finish(CloseReason::Aborted),
            Life::Open => self.inner.start_close(now),
        }
    }

    /// Server role: binds `resource` for the pending [`Event::BindRequested`];
    /// [`Event::Online`] follows at once, or with
    /// [`LegacySession::Required`](crate::LegacySession::Required) once the client's
    /// session request is answered.
    ///
    /// # Errors
    /// [`CallError::NotServer`], [`CallError::NoBindPending`],
    /// [`CallError::InvalidResource`], [`CallError::Closed`].
    pub fn accept_bind(&mut self, now: Instant, resource: &str) -> Result<(), CallError> {
        if self.inner.life != Life::Open {
            return Err(CallError::Closed);
        }
        match &mut self.side {
            Side::Server(s) => s.accept_bind(&mut self.inner, now, resource),
            Side::Client(_) => Err(CallError::NotServer),
            Side::S2s(_) => Err(CallError::NoBindPending),
        }
    }

    /// Server role: refuses the pending bind request with `condition` (for example
    /// `conflict`, [RFC 6120 §7.7.2.2](https://www.rfc-editor.org/rfc/rfc6120#section-7.7.2.2));
    /// the client may ask again.
    ///
    /// # Errors
    /// As [`Connection::accept_bind`].
    pub fn refuse_bind(
        &mut self,
        now: Instant,
        condition: DefinedCondition,
    ) -> Result<(), CallError> {
        if self.inner.life != Life::Open {
            return Err(CallError::Closed);
        }
        match &mut self.side {
            Side::Server(s) => s.refuse_bind(&mut self.inner, now, condition),
            Side::Client(_) => Err(CallError::NotServer),
            Side::S2s(_) => Err(CallError::NoBindPending),
        }
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.inner.poll_event()
    }

    /// Appends the bytes to write to the socket to `out`; returns how many.
    pub fn poll_transmit(&mut self, out: &mut Vec<u8>) -> usize {
        self.inner.poll_transmit(out)
    }

    /// When [`Connection::handle_timeout`] should be called next.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.inner.is_closed() {
            return None;
        }
        self.inner.timers.next()
    }
}

/// XML whitespace ([XML 1.0 §2.3](https://www.w3.org/TR/xml/#NT-S)).
fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn non_whitespace(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| !is_xml_space(**b)).count()
}

fn trim_whitespace(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !is_xml_space(*b))
        .unwrap_or(bytes.len());
    &bytes[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_is_send() {
        fn send<T: Send>() {}
        send::<Connection>();
    }
}
