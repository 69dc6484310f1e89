//! The receiving server: accept a stream for a served domain from a named domain,
//! require STARTTLS, authenticate the peer with SASL EXTERNAL against its TLS client
//! certificate, restart, then take stanzas whose addresses fit the authenticated pair
//! ([RFC 6120 §9.2.1](https://www.rfc-editor.org/rfc/rfc6120#section-9.2.1)).

use std::sync::Arc;
use std::time::Instant;

use xmpp_jid::{BareJid, Jid};
use xmpp_sasl::external::ExternalServer;
use xmpp_sasl::{Mechanism, MemoryStore, ServerMechanism, ServerStep};
use xmpp_stanza::{
    ContentNs, HeaderRule, Mechanisms, Packet, Role as HeaderRole, Sasl, SaslCondition,
    SaslFailure, Stanza, StartTlsFeature, StreamCondition, StreamFeatures, Version,
};
use xmpp_tls::{NegotiationError, Receiver, ReceiverAction, TlsPolicy};
use xmpp_xml::Element;

use super::config::{PeerDomainVerifier, S2sReceiverConfig};
use super::sasl_condition;
use crate::event::{CloseReason, Event, NegotiationFailure};
use crate::inner::{EngineSource, Inner, TlsMachine, initiating_header};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    AwaitHeader,
    /// Features sent; STARTTLS or SASL expected.
    Negotiating,
    Handshake,
    Online,
}

pub(crate) struct Receiving {
    domains: Vec<String>,
    verifier: Arc<dyn PeerDomainVerifier>,
    max_auth_failures: u32,
    phase: Phase,
    /// The served domain the stream is for (the first header's `to`).
    local: Option<String>,
    /// The domain the initiating server claims (the first header's `from`).
    peer: Option<String>,
    authenticated: bool,
    sasl: Option<ExternalServer<MemoryStore>>,
    /// The mechanism named by the current `<auth/>`, for [`Event::AuthFailed`].
    attempt: Option<String>,
    failures: u32,
    /// Every `<auth/>` and `<abort/>` so far, whatever came of it.
    attempts: u32,
}

impl Receiving {
    pub(crate) fn new(config: S2sReceiverConfig, now: Instant) -> (Receiving, Inner) {
        let S2sReceiverConfig {
            domains,
            tls,
            verifier,
            max_auth_failures,
            limits,
            pre_auth_limits,
            timeouts,
            output_limit,
            random,
        } = config;
        let mut inner = Inner::new(now, pre_auth_limits, limits, timeouts, output_limit, random);
        inner.engine_source = Some(EngineSource::Server(tls));
        inner.machine = TlsMachine::Receiver(Receiver::new(TlsPolicy::Required));
        let side = Receiving {
            domains,
            verifier,
            max_auth_failures,
            phase: Phase::AwaitHeader,
            local: None,
            peer: None,
            authenticated: false,
            sasl: None,
            attempt: None,
            failures: 0,
            attempts: 0,
        };
        (side, inner)
    }

    pub(crate) fn tls_established(&mut self, inner: &mut Inner, _now: Instant) {
        // The initiating server opens a fresh stream over TLS (RFC 6120 §5.4.3.3).
        inner.framer.reset();
        inner.stop_input = true;
        inner.header_sent = false;
        self.phase = Phase::AwaitHeader;
    }

    /// A stream error from us, our header first when it is not out yet
    /// ([RFC 6120 §4.9.1.1](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.1.1)).
    pub(crate) fn stream_error(
        &mut self,
        inner: &mut Inner,
        now: Instant,
        condition: StreamCondition,
        text: Option<&str>,
    ) {
        let from = self.local.clone().or_else(|| self.domains.first().cloned());
        inner.receiver_stream_error(now, ContentNs::Server, from.as_deref(), condition, text);
    }

    pub(crate) fn handle_header(
        &mut self,
        inner: &mut Inner,
        now: Instant,
        h: &xmpp_xml::StreamHeader,
    ) {
        if self.phase != Phase::AwaitHeader {
            self.stream_error(inner, now, StreamCondition::BadFormat, None);
            return;
        }
        let header = match initiating_header(h, ContentNs::Server) {
            Ok(h) => h,
            Err(condition) => {
                self.stream_error(inner, now, condition, None);
                return;
            }
        };
        let Some(local) = domain_only(header.to.as_ref()).filter(|d| self.domains.contains(d))
        else {
            // RFC 6120 §4.9.3.6: a `to` we do not serve (or none at all).
            self.stream_error(inner, now, StreamCondition::HostUnknown, None);
            return;
        };
        if self.local.as_ref().is_some_and(|d| *d != local) {
            self.stream_error(inner, now, StreamCondition::HostUnknown, None);
            return;
        }
        // RFC 6120 §4.7.1: the initiating server names itself; EXTERNAL authenticates
        // exactly that domain, so it may not change between restarts either.
        let Some(peer) = domain_only(header.from.as_ref()) else {
            self.stream_error(
                inner,
                now,
                StreamCondition::ImproperAddressing,
                Some("a server-to-server stream header needs 'from'"),
            );
            return;
        };
        if self.peer.as_ref().is_some_and(|d| *d != peer) {
            self.stream_error(inner, now, StreamCondition::InvalidFrom, None);
            return;
        }
        self.local = Some(local.clone());
        self.peer = Some(peer);
        let rule = header
            .violations(HeaderRole::Initiating)
            .into_iter()
            .find(|r| *r != HeaderRule::InitialHasId);
        if let Some(rule) = rule {
            self.stream_error(inner, now, rule.condition(), Some(&rule.to_string()));
            return;
        }
        let id = inner.random_hex(16);
        let Ok(server) = Jid::new(&local) else {
            self.stream_error(inner, now, StreamCondition::HostUnknown, None);
            return;
        };
        let response = match header.response(server, id.clone(), "en", Version::V1_0, Version::V1_0)
        {
            Ok(r) => r,
            Err(c) => {
                self.stream_error(inner, now, c, None);
                return;
            }
        };
        let mut buf = Vec::new();
        if response.write(&mut inner.writer, &mut buf).is_err() {
            self.stream_error(inner, now, StreamCondition::InternalServerError, None);
            return;
        }
        inner.write_raw(now, &buf);
        inner.header_sent = true;
        inner.negotiated.stream_id = Some(id);
        let features = self.features(inner);
        inner.write_element(now, &features.to_element());
        if self.authenticated {
            self.phase = Phase::Online;
            inner.go_online(now);
            if let (Some(local), Some(remote)) = (self.local_jid(), self.peer_jid()) {
                inner.push_event(Event::S2sOnline { local, remote });
            }
        } else {
            self.phase = Phase::Negotiating;
        }
    }

    fn local_jid(&self) -> Option<BareJid> {
        self.local.as_deref().and_then(|d| BareJid::new(d).ok())
    }

    fn peer_jid(&self) -> Option<BareJid> {
        self.peer.as_deref().and_then(|d| BareJid::new(d).ok())
    }

    /// Before TLS only STARTTLS (required); after it EXTERNAL when the peer presented
    /// a certificate (the name is checked on `<auth/>`, so a mismatch is a SASL
    /// `<not-authorized/>` the peer can see); after authentication nothing.
    fn features(&self, inner: &Inner) -> StreamFeatures {
        let mut f = StreamFeatures::new();
        if self.authenticated {
            return f;
        }
        if !inner.machine.is_secure() {
            let mut t = StartTlsFeature::default();
            t.required = true;
            f.starttls = Some(t);
            return f;
        }
        if peer_certificate(inner).is_some() {
            f.mechanisms = Some(Mechanisms::new([Mechanism::External.name()]));
        }
        f
    }

    pub(crate) fn handle_element(
        &mut self,
        inner: &mut Inner,
        now: Instant,
        e: Element,
        unprocessed: usize,
    ) {
        match self.phase {
            Phase::AwaitHeader | Phase::Handshake => {
                self.stream_error(inner, now, StreamCondition::BadFormat, None);
            }
            Phase::Negotiating => self.negotiating(inner, now, e, unprocessed),
            Phase::Online => self.online(inner, now, &e),
        }
    }

    fn negotiating(&mut self, inner: &mut Inner, now: Instant, e: Element, unprocessed: usize) {
        if let TlsMachine::Receiver(r) = &mut inner.machine
            && !r.is_secure()
        {
            match r.handle_element(&e, unprocessed) {
                Ok(ReceiverAction::Proceed(p)) => {
                    inner.write_element(now, &p);
                    inner.restart_stream();
                    self.phase = Phase::Handshake;
                    inner.activate_tls();
                }
                Ok(ReceiverAction::Fail(f)) => {
                    inner.write_element(now, &f);
                    inner.start_close(now);
                    inner.finish(CloseReason::Negotiation(
                        NegotiationFailure::StartTlsFailure,
                    ));
                }
                Err(NegotiationError::PlaintextInjection { .. }) => self.stream_error(
                    inner,
                    now,
                    StreamCondition::PolicyViolation,
                    Some("bytes behind <starttls/>"),
                ),
                Err(NegotiationError::TlsRequired) => {
                    // RFC 6120 §5.3.1: nothing but STARTTLS before TLS.
                    let condition = if Stanza::is_stanza(e.as_ref()) {
                        StreamCondition::NotAuthorized
                    } else {
                        StreamCondition::PolicyViolation
                    };
                    self.stream_error(inner, now, condition, Some("STARTTLS required"));
                }
                Ok(_) | Err(_) => self.stream_error(inner, now, StreamCondition::BadFormat, None),
            }
            return;
        }
        match Packet::parse(e.as_ref()) {
            Ok(Packet::Sasl(s)) => self.sasl(inner, now, s, unprocessed),
            Err(err) if e.ns() == xmpp_stanza::ns::SASL => {
                self.sasl_failure(inner, now, err.sasl_condition());
            }
            Ok(Packet::StartTls(_)) => {
                // RFC 6120 §5.4.2.2: not on offer any more; failure, then close.
                inner.write_element(now, &xmpp_tls::failure());
                inner.start_close(now);
                inner.finish(CloseReason::Negotiation(
                    NegotiationFailure::StartTlsFailure,
                ));
            }
            Ok(Packet::Stanza(_)) | Err(_) if Stanza::is_stanza(e.as_ref()) => {
                // RFC 6120 §6.4.1: no stanzas before authentication.
                self.stream_error(inner, now, StreamCondition::NotAuthorized, None);
            }
            _ => self.stream_error(inner, now, StreamCondition::UnsupportedStanzaType, None),
        }
    }

    fn sasl(&mut self, inner: &mut Inner, now: Instant, msg: Sasl, unprocessed: usize) {
        if matches!(msg, Sasl::Auth(_) | Sasl::Abort) {
            // Attempts that check no credential (another mechanism, an abort) do not
            // count as failures, so they need a bound of their own.
            self.attempts += 1;
            if self.attempts > MAX_AUTH_ATTEMPTS {
                self.stream_error(
                    inner,
                    now,
                    StreamCondition::PolicyViolation,
                    Some("too many authentication attempts"),
                );
                return;
            }
        }
        let step = match msg {
            Sasl::Auth(auth) => {
                self.attempt = Some(auth.mechanism.chars().take(64).collect());
                let offered = peer_certificate(inner).is_some();
                if auth.mechanism != Mechanism::External.name() || !offered {
                    self.sasl = None;
                    self.sasl_failure(inner, now, SaslCondition::InvalidMechanism);
                    return;
                }
                // The identity EXTERNAL takes from below SASL: the claimed domain,
                // only when the certificate the TLS layer verified is valid for it
                // (RFC 6120 §13.7.2, RFC 6125 §6); otherwise none, and EXTERNAL says
                // not-authorized.
                let identity = match (&self.peer, peer_certificate(inner)) {
                    (Some(peer), Some(cert)) if self.verifier.verify_peer_domain(cert, peer) => {
                        Some(peer.clone())
                    }
                    _ => None,
                };
                let mut server = ExternalServer::new(MemoryStore::new(), identity);
                let r = server.start(auth.initial_response.as_deref());
                self.sasl = Some(server);
                r
            }
            Sasl::Response(data) => match self.sasl.as_mut() {
                Some(server) => server.step(&data),
                None => {
                    self.sasl_failure(inner, now, SaslCondition::MalformedRequest);
                    return;
                }
            },
            Sasl::Abort => {
                self.sasl = None;
                self.attempt = None;
                inner.write_element(
                    now,
                    &Sasl::Failure(SaslFailure::new(SaslCondition::Aborted)).to_element(),
                );
                return;
            }
            _ => {
                self.stream_error(inner, now, StreamCondition::UnsupportedStanzaType, None);
                return;
            }
        };
        match step {
            Ok(ServerStep::Challenge(c)) => {
                inner.write_element(now, &Sasl::Challenge(c).to_element());
            }
            Ok(ServerStep::Success { .. }) => {
                // ExternalServer only succeeds for the identity it was given, and
                // lets an authzid through only when it equals it.
                self.sasl = None;
                self.attempt = None;
                let Some(peer) = self.peer_jid() else {
                    self.sasl_failure(inner, now, SaslCondition::NotAuthorized);
                    return;
                };
                if unprocessed != 0 {
                    // The initiating server must wait for <success/> (RFC 6120 §6.4.6).
                    self.stream_error(inner, now, StreamCondition::PolicyViolation, None);
                    return;
                }
                inner.write_element(now, &Sasl::Success(None).to_element());
                inner.authenticated(Mechanism::External.name().to_owned(), None, peer);
                self.authenticated = true;
                self.phase = Phase::AwaitHeader;
            }
            Err(err) => {
                self.sasl = None;
                self.sasl_failure(inner, now, sasl_condition(&err));
            }
        }
    }

    fn sasl_failure(&mut self, inner: &mut Inner, now: Instant, condition: SaslCondition) {
        inner.write_element(
            now,
            &Sasl::Failure(SaslFailure::new(condition)).to_element(),
        );
        if condition == SaslCondition::Aborted {
            return;
        }
        inner.push_event(Event::AuthFailed {
            mechanism: self.attempt.take(),
            username: self.peer.clone(),
            condition,
        });
        // Only a failed check of the certificate's identity is a failure; asking for a
        // mechanism we do not offer is counted by `attempts` alone, as on client
        // streams (ADR 0005).
        if condition == SaslCondition::InvalidMechanism {
            return;
        }
        self.failures += 1;
        if self.failures >= self.max_auth_failures {
            self.stream_error(
                inner,
                now,
                StreamCondition::PolicyViolation,
                Some("too many failed authentication attempts"),
            );
        }
    }

    /// A stanza from the authenticated server: `to` and `from` present
    /// ([RFC 6120 §8.1.1.2](https://www.rfc-editor.org/rfc/rfc6120#section-8.1.1.2)),
    /// `from` of the authenticated domain
    /// ([§8.1.2.2](https://www.rfc-editor.org/rfc/rfc6120#section-8.1.2.2)), `to` of
    /// the domain this stream was opened for.
    fn online(&mut self, inner: &mut Inner, now: Instant, e: &Element) {
        let stanza = match Packet::parse(e.as_ref()) {
            Ok(Packet::Stanza(s)) => s,
            Err(err) if Stanza::is_stanza(e.as_ref()) => {
                // No error stanza can go back over a one-way stream; the sender
                // broke the stanza syntax, which is a stream-level fault here.
                let text = format!("unreadable stanza: {}", err.stanza_condition().as_str());
                self.stream_error(inner, now, StreamCondition::BadFormat, Some(&text));
                return;
            }
            _ => {
                self.stream_error(inner, now, StreamCondition::UnsupportedStanzaType, None);
                return;
            }
        };
        if stanza.ns() != ContentNs::Server {
            self.stream_error(inner, now, StreamCondition::InvalidNamespace, None);
            return;
        }
        let (Some(from), Some(to)) = (stanza.from_jid(), stanza.to_jid()) else {
            self.stream_error(inner, now, StreamCondition::ImproperAddressing, None);
            return;
        };
        if self.peer.as_deref() != Some(from.domainpart()) {
            self.stream_error(inner, now, StreamCondition::InvalidFrom, None);
            return;
        }
        if self.local.as_deref() != Some(to.domainpart()) {
            self.stream_error(inner, now, StreamCondition::HostUnknown, None);
            return;
        }
        inner.push_event(Event::Stanza(stanza));
    }
}

/// The most `<auth/>` and `<abort/>` elements one stream may send, whatever their
/// outcome (the same default as [`ServerConfig::max_auth_attempts`](crate::ServerConfig::max_auth_attempts)).
const MAX_AUTH_ATTEMPTS: u32 = 10;

/// The domain of a domain-only address (servers are named by bare domains).
fn domain_only(jid: Option<&Jid>) -> Option<String> {
    jid.filter(|j| j.localpart().is_none() && j.resourcepart().is_none())
        .map(|j| j.domainpart().to_owned())
}

fn peer_certificate(inner: &Inner) -> Option<&[u8]> {
    inner.engine.as_ref().and_then(|e| e.peer_certificate(0))
}
