//! The part both roles share: bytes through TLS and the framer, output buffering,
//! events, timers, and how a stream ends.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

use xmpp_jid::{BareJid, Jid};
use xmpp_sasl::NonceSource;
use xmpp_stanza::{
    ContentNs, DefinedCondition, Iq, IqPayload, Stanza, StreamCondition, StreamError, StreamHeader,
    Version,
};
use xmpp_tls::rustls;
use xmpp_tls::{
    ChannelBindingType, ChannelBindings, DirectTls, Initiator, NegotiationError, Receiver,
    TlsEngine, TlsError,
};
use xmpp_xml::{Element, Limits, Writer};

use crate::config::Timeouts;
use crate::event::{CloseReason, Event, Negotiated, TimeoutKind};
use crate::reply::stanza_error_reply;
use crate::timers::{Timer, Timers};

/// Namespace of XEP-0199 pings.
pub(crate) const PING_NS: &str = "urn:xmpp:ping";

/// Where a TLS engine comes from when the negotiation asks for one.
pub(crate) enum EngineSource {
    Client {
        config: Arc<rustls::ClientConfig>,
        server_name: String,
    },
    Server(Arc<rustls::ServerConfig>),
    Ready(Box<dyn TlsEngine + Send>),
}

impl EngineSource {
    pub(crate) fn create(self) -> Result<Box<dyn TlsEngine + Send>, TlsError> {
        Ok(match self {
            EngineSource::Client {
                config,
                server_name,
            } => Box::new(xmpp_tls::RustlsEngine::client(config, &server_name)?),
            EngineSource::Server(config) => Box::new(xmpp_tls::RustlsEngine::server(config)?),
            EngineSource::Ready(e) => e,
        })
    }
}

/// The xmpp-tls machine that decides when TLS is up.
pub(crate) enum TlsMachine {
    /// No TLS configured.
    Plain,
    Initiator(Initiator),
    Receiver(Receiver),
    Direct(DirectTls),
}

impl TlsMachine {
    pub(crate) fn is_secure(&self) -> bool {
        match self {
            TlsMachine::Plain => false,
            TlsMachine::Initiator(i) => i.is_secure(),
            TlsMachine::Receiver(r) => r.is_secure(),
            TlsMachine::Direct(d) => d.is_secure(),
        }
    }

    pub(crate) fn bindings(&self) -> Option<&ChannelBindings> {
        match self {
            TlsMachine::Plain => None,
            TlsMachine::Initiator(i) => i.channel_bindings(),
            TlsMachine::Receiver(r) => r.channel_bindings(),
            TlsMachine::Direct(d) => d.channel_bindings(),
        }
    }

    fn progress(&mut self, engine: &dyn TlsEngine) -> Result<bool, NegotiationError> {
        match self {
            TlsMachine::Plain => Ok(false),
            TlsMachine::Initiator(i) => i.handshake_progress(engine),
            TlsMachine::Receiver(r) => r.handshake_progress(engine),
            TlsMachine::Direct(d) => d.handshake_progress(engine),
        }
    }

    fn plaintext_received(&mut self, n: usize) -> Result<(), NegotiationError> {
        match self {
            TlsMachine::Plain | TlsMachine::Direct(_) => Ok(()),
            TlsMachine::Initiator(i) => i.plaintext_received(n),
            TlsMachine::Receiver(r) => r.plaintext_received(n),
        }
    }
}

/// Where the connection is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Life {
    /// Negotiating or online.
    Open,
    /// We sent `</stream:stream>` and wait for the peer's.
    Closing,
    /// Nothing more happens.
    Closed,
}

pub(crate) struct Inner {
    pub(crate) framer: xmpp_xml::Framer,
    pub(crate) writer: Writer,
    pub(crate) engine: Option<Box<dyn TlsEngine + Send>>,
    pub(crate) engine_source: Option<EngineSource>,
    pub(crate) machine: TlsMachine,
    plain_out: Vec<u8>,
    wire_out: Vec<u8>,
    events: VecDeque<Event>,
    pub(crate) negotiated: Negotiated,
    pub(crate) timers: Timers,
    pub(crate) life: Life,
    /// Whether our stream header for the current stream is written.
    pub(crate) header_sent: bool,
    pub(crate) online: bool,
    pub(crate) random: Box<dyn NonceSource + Send>,
    pub(crate) output_limit: usize,
    pub(crate) timeouts: Timeouts,
    pub(crate) limits: Limits,
    /// The id of our outstanding XEP-0199 ping.
    pub(crate) ping_id: Option<String>,
    /// Set by a role when the current input must stop being processed (stream reset
    /// or TLS switch); checked by the input loop.
    pub(crate) stop_input: bool,
    /// Set by a role that restarted the stream (STARTTLS proceed, SASL success): the
    /// whitespace still held behind the old stream is dropped instead of fed on.
    pub(crate) restarted: bool,
    /// What to report when a close we started completes (an authentication failure
    /// ends with our closing tag, not with an error).
    pub(crate) close_reason: Option<CloseReason>,
    fallback_ids: u64,
}

impl Inner {
    pub(crate) fn new(
        now: Instant,
        pre_auth_limits: Limits,
        limits: Limits,
        timeouts: Timeouts,
        output_limit: usize,
        random: Box<dyn NonceSource + Send>,
    ) -> Self {
        let mut timers = Timers::default();
        timers.set(Timer::Negotiation, now.checked_add(timeouts.negotiation));
        Inner {
            framer: xmpp_xml::Framer::new(pre_auth_limits),
            writer: Writer::new(),
            engine: None,
            engine_source: None,
            machine: TlsMachine::Plain,
            plain_out: Vec::new(),
            wire_out: Vec::new(),
            events: VecDeque::new(),
            negotiated: Negotiated::default(),
            timers,
            life: Life::Open,
            header_sent: false,
            online: false,
            random,
            output_limit,
            timeouts,
            limits,
            ping_id: None,
            stop_input: false,
            restarted: false,
            close_reason: None,
            fallback_ids: 0,
        }
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.life == Life::Closed
    }

    pub(crate) fn push_event(&mut self, e: Event) {
        self.events.push_back(e);
    }

    pub(crate) fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Bytes waiting to go out, before and after TLS.
    pub(crate) fn pending(&self) -> usize {
        self.plain_out.len() + self.wire_out.len()
    }

    /// `octets` random octets in hex, for stream ids, IQ ids and resources. Should the
    /// injected source fail, a per-connection counter keeps the values unique (they
    /// need uniqueness; SCRAM nonces, which need secrecy, fail the exchange instead).
    pub(crate) fn random_hex(&mut self, octets: usize) -> String {
        let mut buf = vec![0u8; octets];
        if self.random.fill_bytes(&mut buf).is_err() {
            self.fallback_ids += 1;
            return format!("{:0width$x}", self.fallback_ids, width = octets * 2);
        }
        let mut s = String::with_capacity(octets * 2);
        for b in buf {
            s.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
            s.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
        }
        s
    }

    /// Queues plaintext for the peer (through TLS when it is up).
    pub(crate) fn write_raw(&mut self, now: Instant, bytes: &[u8]) {
        if self.life == Life::Closed {
            return;
        }
        if self.engine.is_some() {
            self.plain_out.extend_from_slice(bytes);
            self.flush_tls();
        } else {
            self.wire_out.extend_from_slice(bytes);
        }
        if self.online && !self.timeouts.keepalive.is_zero() {
            self.timers
                .set(Timer::Keepalive, now.checked_add(self.timeouts.keepalive));
        }
    }

    pub(crate) fn write_element(&mut self, now: Instant, e: &Element) {
        let mut buf = Vec::new();
        self.writer.element(&mut buf, e);
        self.write_raw(now, &buf);
    }

    pub(crate) fn write_stanza(&mut self, now: Instant, s: &Stanza) {
        let mut buf = Vec::new();
        s.write_to(&mut buf, Some(ContentNs::Client));
        self.write_raw(now, &buf);
    }

    /// Moves plaintext into the engine and its records into the wire buffer.
    pub(crate) fn flush_tls(&mut self) {
        let Some(engine) = self.engine.as_mut() else {
            return;
        };
        loop {
            let mut progressed = engine.poll_wire(&mut self.wire_out) > 0;
            if !self.plain_out.is_empty() {
                match engine.write_plaintext(&self.plain_out) {
                    Ok(n) => {
                        let n = n.min(self.plain_out.len());
                        self.plain_out.drain(..n);
                        progressed |= n > 0;
                    }
                    Err(_) => {
                        // The engine is closed or broken; what it refused cannot be
                        // sent any more.
                        self.plain_out.clear();
                    }
                }
            }
            if !progressed {
                break;
            }
        }
    }

    pub(crate) fn poll_transmit(&mut self, out: &mut Vec<u8>) -> usize {
        self.flush_tls();
        let n = self.wire_out.len();
        out.append(&mut self.wire_out);
        n
    }

    /// Ends the connection now: `close_notify` when TLS is up, then nothing more.
    pub(crate) fn finish(&mut self, reason: CloseReason) {
        if self.life == Life::Closed {
            return;
        }
        if let Some(engine) = self.engine.as_mut() {
            engine.send_close_notify();
        }
        self.flush_tls();
        self.finish_silently(reason);
    }

    /// Ends the connection without writing anything (the transport is gone).
    pub(crate) fn finish_silently(&mut self, reason: CloseReason) {
        if self.life == Life::Closed {
            return;
        }
        self.engine = None;
        self.plain_out.clear();
        self.life = Life::Closed;
        self.online = false;
        self.timers.clear_all();
        self.push_event(Event::Closed(reason));
    }

    /// The current stream ends without a closing tag (after STARTTLS `<proceed/>` or
    /// SASL `<success/>`) and a fresh one follows: the rest of this input is not
    /// processed as part of the old stream, and only whitespace held behind it may be
    /// dropped ([RFC 6120 §5.4.3.3](https://www.rfc-editor.org/rfc/rfc6120#section-5.4.3.3),
    /// [§6.4.6](https://www.rfc-editor.org/rfc/rfc6120#section-6.4.6)).
    pub(crate) fn restart_stream(&mut self) {
        self.framer.reset();
        self.header_sent = false;
        self.stop_input = true;
        self.restarted = true;
    }

    /// SASL succeeded: records and reports it, and restarts the stream with the
    /// post-authentication limits.
    pub(crate) fn authenticated(
        &mut self,
        mechanism: String,
        channel_binding: Option<ChannelBindingType>,
        jid: BareJid,
    ) {
        self.negotiated.mechanism = Some(mechanism.clone());
        self.negotiated.channel_binding = channel_binding;
        self.negotiated.authenticated = Some(jid.clone());
        self.push_event(Event::Authenticated {
            mechanism,
            channel_binding,
            jid,
        });
        self.restart_stream();
        self.framer.set_limits(self.limits);
    }

    /// Sends our closing tag and waits for the peer's.
    pub(crate) fn start_close(&mut self, now: Instant) {
        if self.life != Life::Open {
            return;
        }
        self.close_tag_if_open(now);
        self.life = Life::Closing;
        self.online = false;
        let close_at = now.checked_add(self.timeouts.close);
        self.timers.clear_all();
        self.timers.set(Timer::Close, close_at);
    }

    /// How the connection ends: the reason of a close we started (an authentication
    /// failure, say) is the real one; whatever goes wrong while we wait for the peer's
    /// closing tag (a timeout, EOF, a malformed end tag) only completes that close.
    pub(crate) fn end_reason(&mut self, otherwise: CloseReason) -> CloseReason {
        self.close_reason.take().unwrap_or(otherwise)
    }

    /// Writes our `</stream:stream>` unless it is out already.
    fn close_tag_if_open(&mut self, now: Instant) {
        if self.life == Life::Open {
            let mut buf = Vec::new();
            self.writer.stream_close(&mut buf);
            self.write_raw(now, &buf);
        }
    }

    /// The peer sent `</stream:stream>`.
    pub(crate) fn peer_closed_stream(&mut self, now: Instant) {
        self.close_tag_if_open(now);
        let reason = self.end_reason(CloseReason::Graceful);
        self.finish(reason);
    }

    /// The receiving entity's stream error: when our response header is not out yet,
    /// it goes first, in namespace `ns` and `from` our domain if we know one
    /// ([RFC 6120 §4.9.1.1](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.1.1)).
    pub(crate) fn receiver_stream_error(
        &mut self,
        now: Instant,
        ns: ContentNs,
        from: Option<&str>,
        condition: StreamCondition,
        text: Option<&str>,
    ) {
        if self.life == Life::Open && !self.header_sent {
            let mut header = StreamHeader::default();
            header.ns = ns;
            header.from = from.and_then(|d| Jid::new(d).ok());
            header.id = Some(self.random_hex(8));
            header.version = Some(Version::V1_0);
            header.lang = Some("en".into());
            let mut buf = Vec::new();
            if header.write(&mut self.writer, &mut buf).is_ok() {
                self.write_raw(now, &buf);
                self.header_sent = true;
            }
        }
        self.stream_error_with(now, condition, text, None);
    }

    /// Sends a stream error and ends the stream
    /// ([RFC 6120 §4.9.1](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.1)). The
    /// caller has made sure a stream header of ours is out.
    pub(crate) fn stream_error_with(
        &mut self,
        now: Instant,
        condition: StreamCondition,
        text: Option<&str>,
        reason: Option<CloseReason>,
    ) {
        if self.life == Life::Closed {
            return;
        }
        if self.life == Life::Open && self.header_sent {
            let mut err = StreamError::new(condition.clone());
            if let Some(t) = text {
                err = err.with_text(xmpp_stanza::LangText::new(t));
            }
            self.write_element(now, &err.to_element());
            self.close_tag_if_open(now);
        }
        let reason = self.end_reason(reason.unwrap_or(CloseReason::StreamError {
            condition,
            text: text.map(String::from),
            by_peer: false,
        }));
        self.finish(reason);
    }

    /// The peer's `<stream:error/>`.
    pub(crate) fn peer_stream_error(&mut self, now: Instant, e: StreamError) {
        if let StreamCondition::SeeOtherHost(other) = &e.condition {
            self.push_event(Event::SeeOtherHost {
                host: other.host.clone(),
                port: other.port,
            });
        }
        let text = e.texts.first().map(|t| t.text.clone());
        self.close_tag_if_open(now);
        let reason = self.end_reason(CloseReason::StreamError {
            condition: e.condition,
            text,
            by_peer: true,
        });
        self.finish(reason);
    }

    pub(crate) fn tls_failed(&mut self, e: &NegotiationError) {
        // A TLS failure leaves no usable channel for a stream error, but the engine
        // may have an alert queued: finish() flushes it before dropping the engine.
        self.finish(CloseReason::Tls(e.to_string()));
    }

    /// Starts the engine for the negotiated TLS (after `<proceed/>`, or at once for
    /// direct TLS).
    pub(crate) fn activate_tls(&mut self) -> bool {
        let Some(source) = self.engine_source.take() else {
            self.finish(CloseReason::Tls("no TLS engine configured".into()));
            return false;
        };
        match source.create() {
            Ok(e) => {
                self.engine = Some(e);
                self.flush_tls();
                true
            }
            Err(e) => {
                self.tls_failed(&NegotiationError::Tls(e));
                false
            }
        }
    }

    /// After wire input: advances the handshake; `Ok(true)` when it just completed.
    pub(crate) fn tls_progress(&mut self) -> Result<bool, NegotiationError> {
        let Some(engine) = self.engine.as_ref() else {
            return Ok(false);
        };
        if self.machine.is_secure() {
            return Ok(false);
        }
        let done = self.machine.progress(engine.as_ref())?;
        if done {
            self.negotiated.tls_version = engine.protocol_version();
        }
        Ok(done)
    }

    pub(crate) fn check_plaintext(&mut self, n: usize) -> Result<(), NegotiationError> {
        self.machine.plaintext_received(n)
    }

    /// Moved to the online state.
    pub(crate) fn go_online(&mut self, now: Instant) {
        self.online = true;
        self.timers.set(Timer::Negotiation, None);
        self.arm_idle_timers(now);
    }

    pub(crate) fn arm_idle_timers(&mut self, now: Instant) {
        if !self.online {
            return;
        }
        if !self.timeouts.keepalive.is_zero() && self.timers.get(Timer::Keepalive).is_none() {
            self.timers
                .set(Timer::Keepalive, now.checked_add(self.timeouts.keepalive));
        }
        if !self.timeouts.ping_interval.is_zero() {
            self.timers
                .set(Timer::Ping, now.checked_add(self.timeouts.ping_interval));
        }
    }

    /// Bytes arrived: the peer is alive.
    pub(crate) fn received(&mut self, now: Instant) {
        if self.online {
            self.timers.set(Timer::PingTimeout, None);
            if !self.timeouts.ping_interval.is_zero() {
                self.timers
                    .set(Timer::Ping, now.checked_add(self.timeouts.ping_interval));
            }
        }
    }

    /// A timer fired.
    pub(crate) fn on_timer(&mut self, now: Instant, t: Timer, ping_to: Option<xmpp_jid::Jid>) {
        match t {
            Timer::Negotiation => {
                if !self.online && self.life == Life::Open {
                    self.stream_error_with(
                        now,
                        StreamCondition::ConnectionTimeout,
                        None,
                        Some(CloseReason::Timeout(TimeoutKind::Negotiation)),
                    );
                }
            }
            Timer::Close => {
                let reason = self.end_reason(CloseReason::Timeout(TimeoutKind::Close));
                self.finish(reason);
            }
            Timer::PingTimeout => self.stream_error_with(
                now,
                StreamCondition::ConnectionTimeout,
                None,
                Some(CloseReason::Timeout(TimeoutKind::Ping)),
            ),
            Timer::Keepalive => {
                if self.online {
                    self.write_raw(now, b" ");
                }
            }
            Timer::Ping => {
                if self.online {
                    let id = format!("ping-{}", self.random_hex(6));
                    let ping = Element::builder(PING_NS, "ping").build();
                    if let Ok(ping) = ping {
                        let iq = Iq::get(id.clone(), ping_to, ping);
                        self.write_stanza(now, &Stanza::Iq(iq));
                        self.ping_id = Some(id);
                        self.timers.set(
                            Timer::PingTimeout,
                            now.checked_add(self.timeouts.ping_timeout),
                        );
                    }
                }
            }
        }
    }

    /// Answers a stanza we cannot read with a stanza error
    /// ([RFC 6120 §8.3](https://www.rfc-editor.org/rfc/rfc6120#section-8.3)) while there
    /// is room in the output; the stream goes on. `to` is the sender's address when we
    /// know it better than the stanza says (the server stamps the client's full JID).
    pub(crate) fn reply_unreadable(
        &mut self,
        now: Instant,
        e: &Element,
        condition: DefinedCondition,
        to: Option<&str>,
    ) {
        if let Some(reply) = stanza_error_reply(e, condition, to)
            && self.pending() < self.output_limit
        {
            self.write_element(now, &reply);
        }
    }

    /// Answers an XEP-0199 ping addressed to this entity, or swallows the answer to
    /// ours; `true` when the stanza was handled here.
    pub(crate) fn handle_ping(&mut self, now: Instant, s: &Stanza, for_us: bool) -> bool {
        let Stanza::Iq(iq) = s else { return false };
        match &iq.payload {
            IqPayload::Get(p) if for_us && p.is(PING_NS, "ping") => {
                if let Some(reply) = iq.result_reply(None)
                    && self.pending() < self.output_limit
                {
                    self.write_stanza(now, &Stanza::Iq(reply));
                }
                true
            }
            IqPayload::Result(_) | IqPayload::Error { .. }
                if self.ping_id.as_deref() == Some(iq.id.as_str()) =>
            {
                self.ping_id = None;
                true
            }
            _ => false,
        }
    }
}

/// The initiating entity's stream header as a receiving end sees it: the rules of
/// [RFC 6120 §4.7](https://www.rfc-editor.org/rfc/rfc6120#section-4.7) for its side,
/// and content namespace `ns` ([§4.8.2](https://www.rfc-editor.org/rfc/rfc6120#section-4.8.2)).
pub(crate) fn initiating_header(
    h: &xmpp_xml::StreamHeader,
    ns: ContentNs,
) -> Result<StreamHeader, StreamCondition> {
    let header = StreamHeader::parse_from(h, xmpp_stanza::Role::Initiating)
        .map_err(|e| e.stream_condition())?;
    if header.ns != ns {
        return Err(StreamCondition::InvalidNamespace);
    }
    Ok(header)
}
