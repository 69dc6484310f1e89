//! The server role for client streams: accept the stream for a served domain, offer
//! STARTTLS, SASL after TLS, bind (the application decides conflicts), legacy session,
//! then hand every stanza to the application with `from` stamped.

use std::sync::Arc;
use std::time::Instant;

use xmpp_jid::{BareJid, FullJid, Jid};
use xmpp_sasl::digest_md5::DigestMd5Server;
use xmpp_sasl::plain::PlainServer;
use xmpp_sasl::scram::{DowngradeProtection, ScramServer};
use xmpp_sasl::select::ServerPolicy;
use xmpp_sasl::{CredentialStore, Mechanism, ServerMechanism, ServerStep};
use xmpp_stanza::{
    Bind, ChannelBindingTypes, ContentNs, DefinedCondition, HeaderRule, Iq, IqPayload, LangText,
    Mechanisms, Packet, Role as HeaderRole, Sasl, SaslCondition, SaslFailure, SessionFeature,
    SessionRequest, Stanza, StanzaError, StartTlsFeature, StreamCondition, StreamFeatures, Version,
};
use xmpp_tls::{DirectTls, NegotiationError, Receiver, ReceiverAction, StreamKind, TlsPolicy};
use xmpp_xml::Element;

use crate::bindings::{sasl_bindings, to_tls_type};
use crate::config::{LegacySession, ServerConfig, ServerTls, TlsMode};
use crate::drawn::Drawn;
use crate::event::{CallError, CloseReason, Event, NegotiationFailure};
use crate::inner::{EngineSource, Inner, TlsMachine, initiating_header};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    AwaitHeader,
    /// Features sent; STARTTLS or SASL expected.
    Negotiating,
    Handshake,
    /// Authenticated and restarted; waiting for the bind request.
    Bind,
    /// Bound; the required legacy session is not established yet.
    Session,
    Online,
}

struct PendingBind {
    iq: Iq,
    account: BareJid,
}

struct SaslRun {
    mechanism: Box<dyn ServerMechanism + Send>,
    name: Mechanism,
    binding: Option<xmpp_tls::ChannelBindingType>,
}

pub(crate) struct ServerSide {
    domains: Vec<String>,
    credentials: Arc<dyn CredentialStore + Send + Sync>,
    mechanisms: Vec<Mechanism>,
    advertise_channel_binding: bool,
    legacy_session: LegacySession,
    max_auth_failures: u32,
    max_auth_attempts: u32,
    direct: bool,
    starttls_required: bool,
    phase: Phase,
    domain: Option<String>,
    account: Option<BareJid>,
    sasl: Option<SaslRun>,
    /// Failed attempts that judged the credentials (possible password guesses).
    failures: u32,
    /// Failed or aborted attempts of any kind.
    attempts: u32,
    bind: Option<PendingBind>,
    full: Option<FullJid>,
    /// What the current features advertised (for `<auth/>` checks).
    advertised: Vec<Mechanism>,
    /// The SASL attempt under way, for [`Event::AuthFailed`].
    attempt: Option<Attempt>,
    downgrade_protection: bool,
}

/// What a failed SASL attempt tells about the client, for the two limits of
/// [`ServerConfig::max_auth_failures`] and [`ServerConfig::max_auth_attempts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// The credentials were judged (or the exchange was malformed): a possible
    /// password guess.
    Credentials,
    /// The attempt ended before any credential was looked at: the client and we did
    /// not agree on a mechanism or a channel binding, or the client aborted.
    Negotiation,
}

/// What the client asked for in its current SASL attempt (nothing verified).
struct Attempt {
    mechanism: String,
    username: Option<String>,
}

impl ServerSide {
    pub(crate) fn new(config: ServerConfig, now: Instant) -> (ServerSide, Inner) {
        let ServerConfig {
            domains,
            credentials,
            tls,
            mechanisms,
            advertise_channel_binding,
            downgrade_protection,
            legacy_session,
            max_auth_failures,
            max_auth_attempts,
            limits,
            pre_auth_limits,
            timeouts,
            output_limit,
            random,
        } = config;
        let mut inner = Inner::new(now, pre_auth_limits, limits, timeouts, output_limit, random);
        let mut direct = false;
        let mut starttls_required = false;
        match tls {
            ServerTls::StartTls { config, required } => {
                starttls_required = required;
                inner.engine_source = Some(EngineSource::Server(config));
                inner.machine = TlsMachine::Receiver(Receiver::new(policy(required)));
            }
            ServerTls::Direct(config) => {
                direct = true;
                inner.machine = TlsMachine::Direct(DirectTls::new(StreamKind::ClientToServer));
                match DirectTls::server_engine(config, StreamKind::ClientToServer) {
                    Ok(e) => inner.engine_source = Some(EngineSource::Ready(Box::new(e))),
                    Err(e) => inner.tls_failed(&NegotiationError::Tls(e)),
                }
            }
            ServerTls::Engine { engine, mode } => {
                inner.engine_source = Some(EngineSource::Ready(engine));
                match mode {
                    TlsMode::Direct => {
                        direct = true;
                        inner.machine =
                            TlsMachine::Direct(DirectTls::new(StreamKind::ClientToServer));
                    }
                    TlsMode::StartTls { required } => {
                        starttls_required = required;
                        inner.machine = TlsMachine::Receiver(Receiver::new(policy(required)));
                    }
                }
            }
            ServerTls::None => {}
        }
        let side = ServerSide {
            domains,
            credentials,
            mechanisms,
            advertise_channel_binding,
            legacy_session,
            max_auth_failures,
            max_auth_attempts,
            direct,
            starttls_required,
            phase: Phase::AwaitHeader,
            domain: None,
            account: None,
            sasl: None,
            failures: 0,
            attempts: 0,
            bind: None,
            full: None,
            advertised: Vec::new(),
            attempt: None,
            downgrade_protection,
        };
        (side, inner)
    }

    pub(crate) fn start(&mut self, inner: &mut Inner) {
        if self.direct && !inner.is_closed() {
            inner.activate_tls();
        }
    }

    pub(crate) fn tls_established(&mut self, inner: &mut Inner, _now: Instant) {
        // The client opens a fresh stream over TLS (RFC 6120 §5.4.3.3).
        inner.framer.reset();
        inner.stop_input = true;
        inner.header_sent = false;
        self.phase = Phase::AwaitHeader;
    }

    /// A stream error from us; before our header is out, the header goes first
    /// ([RFC 6120 §4.9.1.1](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.1.1)).
    pub(crate) fn stream_error(
        &mut self,
        inner: &mut Inner,
        now: Instant,
        condition: StreamCondition,
        text: Option<&str>,
    ) {
        let from = self
            .domain
            .clone()
            .or_else(|| self.domains.first().cloned());
        inner.receiver_stream_error(now, ContentNs::Client, from.as_deref(), condition, text);
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
        let header = match initiating_header(h, ContentNs::Client) {
            Ok(h) => h,
            Err(condition) => {
                self.stream_error(inner, now, condition, None);
                return;
            }
        };
        let domain = header
            .to
            .as_ref()
            .filter(|to| to.localpart().is_none() && to.resourcepart().is_none())
            .map(|to| to.domainpart().to_owned())
            .filter(|d| self.domains.iter().any(|s| s == d));
        let Some(domain) = domain else {
            // RFC 6120 §4.9.3.6: a `to` we do not serve (or none at all).
            self.stream_error(inner, now, StreamCondition::HostUnknown, None);
            return;
        };
        if self.domain.as_ref().is_some_and(|d| *d != domain) {
            self.stream_error(inner, now, StreamCondition::HostUnknown, None);
            return;
        }
        self.domain = Some(domain.clone());
        let rule = header
            .violations(HeaderRole::Initiating)
            .into_iter()
            .find(|r| *r != HeaderRule::InitialHasId);
        let id = inner.random_hex(16);
        let Ok(server) = Jid::new(&domain) else {
            self.stream_error(inner, now, StreamCondition::HostUnknown, None);
            return;
        };
        let response = header.response(server, id.clone(), "en", Version::V1_0, Version::V1_0);
        let response = match (response, rule) {
            (Ok(r), None) => r,
            (Err(c), _) => {
                self.stream_error(inner, now, c, None);
                return;
            }
            (Ok(_), Some(rule)) => {
                self.stream_error(inner, now, rule.condition(), Some(&rule.to_string()));
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
        self.phase = if self.account.is_some() {
            Phase::Bind
        } else {
            Phase::Negotiating
        };
    }

    fn sasl_policy(&self, inner: &Inner) -> (ServerPolicy, Vec<xmpp_sasl::ChannelBinding>) {
        let secure = inner.machine.is_secure();
        let bindings = inner
            .machine
            .bindings()
            .map(sasl_bindings)
            .unwrap_or_default();
        let mut p = ServerPolicy::default();
        p.mechanisms = self.mechanisms.clone();
        p.tls = secure;
        p.channel_binding_types = bindings.iter().map(|b| b.kind()).collect();
        (p, bindings)
    }

    fn features(&mut self, inner: &mut Inner) -> StreamFeatures {
        let mut f = StreamFeatures::new();
        let secure = inner.machine.is_secure();
        if self.account.is_some() {
            f.bind = true;
            f.session = match self.legacy_session {
                LegacySession::Off => None,
                LegacySession::Optional => Some(session_feature(true)),
                LegacySession::Required => Some(session_feature(false)),
            };
            return f;
        }
        let offering_tls = matches!(&inner.machine, TlsMachine::Receiver(r) if !r.is_secure() && r.feature().is_some());
        if offering_tls {
            let mut t = StartTlsFeature::default();
            t.required = self.starttls_required;
            f.starttls = Some(t);
            if self.starttls_required {
                self.advertised.clear();
                return f;
            }
        }
        let (policy, bindings) = self.sasl_policy(inner);
        self.advertised = policy.advertised();
        f.mechanisms = Some(Mechanisms::new(self.advertised.iter().map(|m| m.name())));
        if secure && self.advertise_channel_binding && !bindings.is_empty() {
            let names: Vec<String> = bindings
                .iter()
                .map(|b| b.kind().name().to_owned())
                .collect();
            inner.negotiated.advertised_channel_bindings = Some(names.clone());
            f.channel_binding = Some(ChannelBindingTypes::new(names));
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
            Phase::Bind => self.bind_phase(inner, now, e),
            Phase::Session | Phase::Online => self.online(inner, now, e),
        }
    }

    fn negotiating(&mut self, inner: &mut Inner, now: Instant, e: Element, unprocessed: usize) {
        if let TlsMachine::Receiver(r) = &mut inner.machine
            && !r.is_secure()
            && r.feature().is_some()
        {
            match r.handle_element(&e, unprocessed) {
                Ok(ReceiverAction::Proceed(p)) => {
                    inner.write_element(now, &p);
                    inner.restart_stream();
                    self.phase = Phase::Handshake;
                    inner.activate_tls();
                    return;
                }
                Ok(ReceiverAction::Fail(f)) => {
                    inner.write_element(now, &f);
                    inner.start_close(now);
                    inner.finish(CloseReason::Negotiation(
                        NegotiationFailure::StartTlsFailure,
                    ));
                    return;
                }
                Ok(_) => {}
                Err(NegotiationError::PlaintextInjection { .. }) => {
                    self.stream_error(
                        inner,
                        now,
                        StreamCondition::PolicyViolation,
                        Some("bytes behind <starttls/>"),
                    );
                    return;
                }
                Err(NegotiationError::TlsRequired) => {
                    // RFC 6120 §5.3.1: STARTTLS is mandatory-to-negotiate here.
                    let condition = if Stanza::is_stanza(e.as_ref()) {
                        StreamCondition::NotAuthorized
                    } else {
                        StreamCondition::PolicyViolation
                    };
                    self.stream_error(inner, now, condition, Some("STARTTLS required"));
                    return;
                }
                Err(_) => {
                    self.stream_error(inner, now, StreamCondition::BadFormat, None);
                    return;
                }
            }
        }
        match Packet::parse(e.as_ref()) {
            Ok(Packet::Sasl(s)) => self.sasl(inner, now, s, unprocessed),
            Err(err) if e.ns() == xmpp_stanza::ns::SASL => {
                let failure = SaslFailure::new(err.sasl_condition());
                self.sasl_failure(inner, now, failure, Verdict::Credentials);
            }
            Ok(Packet::StartTls(_)) => {
                // Not on offer (any more): RFC 6120 §5.4.2.2 failure, then close.
                inner.write_element(now, &xmpp_tls::failure());
                inner.start_close(now);
                inner.finish(CloseReason::Negotiation(
                    NegotiationFailure::StartTlsFailure,
                ));
            }
            Ok(Packet::Stanza(_)) | Err(_) if Stanza::is_stanza(e.as_ref()) => {
                // RFC 6120 §6.4.1 / §4.9.3.12: no stanzas before authentication.
                self.stream_error(inner, now, StreamCondition::NotAuthorized, None);
            }
            _ => self.stream_error(inner, now, StreamCondition::UnsupportedStanzaType, None),
        }
    }

    fn sasl(&mut self, inner: &mut Inner, now: Instant, msg: Sasl, unprocessed: usize) {
        let step = match msg {
            Sasl::Auth(auth) => {
                self.attempt = Some(Attempt {
                    mechanism: auth.mechanism.chars().take(64).collect(),
                    username: auth
                        .initial_response
                        .as_deref()
                        .and_then(|r| claimed_username(&auth.mechanism, r)),
                });
                let Some(m) =
                    Mechanism::from_name(&auth.mechanism).filter(|m| self.advertised.contains(m))
                else {
                    self.sasl = None;
                    let failure = SaslFailure::new(SaslCondition::InvalidMechanism);
                    self.sasl_failure(inner, now, failure, Verdict::Negotiation);
                    return;
                };
                let mut run = match self.mechanism(inner, m) {
                    Some(r) => r,
                    None => {
                        // Our randomness failed: nothing the client did.
                        let failure = SaslFailure::new(SaslCondition::TemporaryAuthFailure);
                        self.sasl_failure(inner, now, failure, Verdict::Negotiation);
                        return;
                    }
                };
                if m.is_plus() {
                    run.binding = auth
                        .initial_response
                        .as_deref()
                        .and_then(gs2_binding_type)
                        .and_then(to_tls_type);
                }
                let r = run.mechanism.start(auth.initial_response.as_deref());
                self.sasl = Some(run);
                r
            }
            Sasl::Response(data) => match self.sasl.as_mut() {
                Some(run) => {
                    if let Some(a) = self.attempt.as_mut()
                        && a.username.is_none()
                    {
                        a.username = claimed_username(&a.mechanism, &data);
                    }
                    run.mechanism.step(&data)
                }
                None => {
                    let failure = SaslFailure::new(SaslCondition::MalformedRequest);
                    self.sasl_failure(inner, now, failure, Verdict::Credentials);
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
                self.count_attempt(inner, now, Verdict::Negotiation);
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
            Ok(ServerStep::Success {
                additional_data,
                authenticated,
            }) => {
                let Some(run) = self.sasl.take() else { return };
                let Some(domain) = self.domain.clone() else {
                    return;
                };
                let account = match authenticated.authzid.as_deref() {
                    Some(z) if z.contains('@') => BareJid::new(z).ok(),
                    Some(z) => BareJid::from_parts(Some(z), &domain).ok(),
                    None => authenticated
                        .authcid
                        .as_deref()
                        .and_then(|u| BareJid::from_parts(Some(u), &domain).ok()),
                }
                .filter(|j| j.domainpart() == domain);
                let Some(account) = account else {
                    let condition = if authenticated.authzid.is_some() {
                        SaslCondition::InvalidAuthzid
                    } else {
                        SaslCondition::NotAuthorized
                    };
                    let failure = SaslFailure::new(condition);
                    self.sasl_failure(inner, now, failure, Verdict::Credentials);
                    return;
                };
                if unprocessed != 0 {
                    // The client must wait for <success/> before its new header.
                    self.stream_error(inner, now, StreamCondition::PolicyViolation, None);
                    return;
                }
                inner.write_element(now, &Sasl::Success(additional_data).to_element());
                self.attempt = None;
                inner.authenticated(run.name.name().to_owned(), run.binding, account.clone());
                self.account = Some(account);
                self.phase = Phase::AwaitHeader;
            }
            Err(err) => {
                self.sasl = None;
                let (failure, verdict) = mechanism_failure(&err, inner);
                self.sasl_failure(inner, now, failure, verdict);
            }
        }
    }

    fn mechanism(&self, inner: &mut Inner, m: Mechanism) -> Option<SaslRun> {
        let (policy, bindings) = self.sasl_policy(inner);
        let store = Arc::clone(&self.credentials);
        let nonces = Drawn::draw(&mut *inner.random)?;
        let domain = self.domain.clone().unwrap_or_default();
        let mechanism: Box<dyn ServerMechanism + Send> = match m {
            _ if m.scram_hash().is_some() => {
                let names: Vec<&str> = self.advertised.iter().map(|m| m.name()).collect();
                let types: Vec<xmpp_sasl::ChannelBindingType> =
                    bindings.iter().map(|b| b.kind()).collect();
                let advertised_types =
                    (self.advertise_channel_binding && !types.is_empty()).then_some(&types[..]);
                let mut s = ScramServer::new(m, store, nonces)
                    .ok()?
                    .offered_plus(policy.offers_plus());
                if self.downgrade_protection {
                    s = s.downgrade_protection(DowngradeProtection::new(names, advertised_types));
                }
                for b in bindings {
                    s = s.channel_binding(b);
                }
                Box::new(s)
            }
            Mechanism::Plain => Box::new(PlainServer::new(store).secure_channel(policy.tls)),
            Mechanism::DigestMd5 => Box::new(DigestMd5Server::new(
                store, nonces, "xmpp", &domain, &domain,
            )),
            _ => return None,
        };
        Some(SaslRun {
            mechanism,
            name: m,
            binding: None,
        })
    }

    fn sasl_failure(
        &mut self,
        inner: &mut Inner,
        now: Instant,
        failure: SaslFailure,
        verdict: Verdict,
    ) {
        let condition = failure.condition;
        inner.write_element(now, &Sasl::Failure(failure).to_element());
        let attempt = self.attempt.take();
        inner.push_event(Event::AuthFailed {
            mechanism: attempt.as_ref().map(|a| a.mechanism.clone()),
            username: attempt.and_then(|a| a.username),
            condition,
        });
        self.count_attempt(inner, now, verdict);
    }

    /// Counts a failed or aborted attempt; past either limit the stream ends
    /// ([RFC 6120 §6.4.5](https://www.rfc-editor.org/rfc/rfc6120#section-6.4.5): "a
    /// configurable but reasonable number of retries").
    fn count_attempt(&mut self, inner: &mut Inner, now: Instant, verdict: Verdict) {
        self.attempts += 1;
        if verdict == Verdict::Credentials {
            self.failures += 1;
        }
        if self.failures >= self.max_auth_failures || self.attempts >= self.max_auth_attempts {
            self.stream_error(
                inner,
                now,
                StreamCondition::PolicyViolation,
                Some("too many failed authentication attempts"),
            );
        }
    }

    fn bind_phase(&mut self, inner: &mut Inner, now: Instant, e: Element) {
        let iq = match Packet::parse(e.as_ref()) {
            Ok(Packet::Stanza(Stanza::Iq(iq))) => iq,
            Ok(Packet::Stanza(_)) => {
                // RFC 6120 §7.1: stanzas only once a resource is bound.
                self.stream_error(inner, now, StreamCondition::NotAuthorized, None);
                return;
            }
            Err(err) if Stanza::is_stanza(e.as_ref()) => {
                inner.reply_unreadable(now, &e, err.stanza_condition(), None);
                return;
            }
            _ => {
                self.stream_error(inner, now, StreamCondition::UnsupportedStanzaType, None);
                return;
            }
        };
        let request = match &iq.payload {
            IqPayload::Set(p) if p.is(xmpp_stanza::ns::BIND, "bind") => Bind::parse(p.as_ref()),
            _ => {
                self.stream_error(inner, now, StreamCondition::NotAuthorized, None);
                return;
            }
        };
        if self.bind.is_some() {
            self.iq_error(inner, now, &iq, DefinedCondition::NotAllowed);
            return;
        }
        let requested = match request {
            Ok(Bind::Request(r)) => r,
            _ => {
                self.iq_error(inner, now, &iq, DefinedCondition::BadRequest);
                return;
            }
        };
        let requested = match requested.as_deref().map(xmpp_jid::prepare_resourcepart) {
            None => None,
            Some(Ok(r)) => Some(r.into_owned()),
            Some(Err(_)) => {
                // RFC 6120 §7.7.2.1: a resourcepart that cannot be prepared.
                self.iq_error(inner, now, &iq, DefinedCondition::BadRequest);
                return;
            }
        };
        let Some(account) = self.account.clone() else {
            return;
        };
        let suggested = match &requested {
            Some(r) => r.clone(),
            None => inner.random_hex(8),
        };
        self.bind = Some(PendingBind {
            iq,
            account: account.clone(),
        });
        inner.push_event(Event::BindRequested {
            jid: account,
            requested,
            suggested,
        });
    }

    /// An error answer to a bind or session request, without the request echoed back
    /// (as in the examples of [RFC 6120 §7.7.2](https://www.rfc-editor.org/rfc/rfc6120#section-7.7.2);
    /// echoing is only a MAY of §8.3.1).
    fn iq_error(&mut self, inner: &mut Inner, now: Instant, iq: &Iq, c: DefinedCondition) {
        if let Some(mut reply) = iq.error_reply(StanzaError::new(c)) {
            if let IqPayload::Error { original, .. } = &mut reply.payload {
                *original = None;
            }
            inner.write_stanza(now, &Stanza::Iq(reply));
        }
    }

    pub(crate) fn accept_bind(
        &mut self,
        inner: &mut Inner,
        now: Instant,
        resource: &str,
    ) -> Result<(), CallError> {
        let Some(pending) = self.bind.as_ref() else {
            return Err(CallError::NoBindPending);
        };
        let full = pending
            .account
            .with_resource(resource)
            .map_err(|_| CallError::InvalidResource)?;
        let Some(pending) = self.bind.take() else {
            return Err(CallError::NoBindPending);
        };
        if let Some(reply) = pending
            .iq
            .result_reply(Some(Bind::Result(full.clone()).to_element()))
        {
            inner.write_stanza(now, &Stanza::Iq(reply));
        }
        inner.negotiated.jid = Some(full.clone());
        self.full = Some(full);
        if self.legacy_session == LegacySession::Required {
            // Online once the session is established (RFC 3921 §3): until then the
            // client may not exchange stanzas, so the application must not either.
            self.phase = Phase::Session;
        } else {
            self.go_online(inner, now);
        }
        Ok(())
    }

    pub(crate) fn refuse_bind(
        &mut self,
        inner: &mut Inner,
        now: Instant,
        condition: DefinedCondition,
    ) -> Result<(), CallError> {
        let Some(pending) = self.bind.take() else {
            return Err(CallError::NoBindPending);
        };
        self.iq_error(inner, now, &pending.iq, condition);
        Ok(())
    }

    fn go_online(&mut self, inner: &mut Inner, now: Instant) {
        let Some(full) = self.full.clone() else {
            return;
        };
        self.phase = Phase::Online;
        inner.go_online(now);
        inner.push_event(Event::Online { jid: full });
    }

    fn online(&mut self, inner: &mut Inner, now: Instant, e: Element) {
        let Some(full) = self.full.clone() else {
            return;
        };
        match Packet::parse(e.as_ref()) {
            Ok(Packet::Stanza(mut s)) => {
                if s.ns() != ContentNs::Client {
                    self.stream_error(inner, now, StreamCondition::InvalidNamespace, None);
                    return;
                }
                // RFC 6120 §8.1.2.1: a `from` must be the client's own address;
                // whatever it was, the server stamps the full JID.
                if let Some(f) = s.from_jid()
                    && f.as_str() != full.as_str()
                    && f.as_str() != full.bare_str()
                {
                    self.stream_error(inner, now, StreamCondition::InvalidFrom, None);
                    return;
                }
                set_from(&mut s, full.as_jid().clone());
                let domain = self.domain.clone().unwrap_or_default();
                let to_server = match s.to_jid() {
                    None => true,
                    Some(t) => t.as_str() == domain,
                };
                if self.setup_request(inner, now, &s, to_server) {
                    return;
                }
                if self.phase == Phase::Session {
                    // As before binding (RFC 6120 §7.1): nothing is processed before
                    // the required session.
                    self.stream_error(
                        inner,
                        now,
                        StreamCondition::NotAuthorized,
                        Some("session not established"),
                    );
                    return;
                }
                if !inner.handle_ping(now, &s, to_server) {
                    inner.push_event(Event::Stanza(s));
                }
            }
            Err(err) if Stanza::is_stanza(e.as_ref()) => {
                inner.reply_unreadable(now, &e, err.stanza_condition(), Some(full.as_str()));
            }
            _ => self.stream_error(inner, now, StreamCondition::UnsupportedStanzaType, None),
        }
    }

    /// Answers the IQ sets addressed to the server that are part of session setup;
    /// `true` when `s` was one of them.
    ///
    /// - A bind request once a resource is bound: RFC 6120 binds one resource per
    ///   stream (the multiple-resource binding of its drafts was dropped), so it is
    ///   refused with `<not-allowed/>`, the condition of
    ///   [RFC 6120 §7.6.2.2](https://www.rfc-editor.org/rfc/rfc6120#section-7.6.2.2)
    ///   for a client that may not bind (another) resource; the bound one stays.
    /// - The legacy session request ([RFC 3921 §3](https://www.rfc-editor.org/rfc/rfc3921#section-3)):
    ///   answered unless sessions are off; a required session puts the client online.
    fn setup_request(
        &mut self,
        inner: &mut Inner,
        now: Instant,
        s: &Stanza,
        to_server: bool,
    ) -> bool {
        let Stanza::Iq(iq) = s else { return false };
        let IqPayload::Set(p) = &iq.payload else {
            return false;
        };
        if !to_server {
            return false;
        }
        if p.is(xmpp_stanza::ns::BIND, "bind") {
            self.iq_error(inner, now, iq, DefinedCondition::NotAllowed);
        } else if SessionRequest::parse(p.as_ref()).is_err() {
            return false;
        } else if self.legacy_session == LegacySession::Off {
            self.iq_error(inner, now, iq, DefinedCondition::ServiceUnavailable);
        } else if let Some(reply) = iq.result_reply(None) {
            inner.negotiated.session = true;
            inner.write_stanza(now, &Stanza::Iq(reply));
            if self.phase == Phase::Session {
                self.go_online(inner, now);
            }
        }
        true
    }
}

fn policy(required: bool) -> TlsPolicy {
    if required {
        TlsPolicy::Required
    } else {
        TlsPolicy::Optional
    }
}

fn session_feature(optional: bool) -> SessionFeature {
    let mut s = SessionFeature::default();
    s.optional = optional;
    s
}

fn set_from(s: &mut Stanza, from: Jid) {
    match s {
        Stanza::Message(m) => m.from = Some(from),
        Stanza::Presence(p) => p.from = Some(from),
        Stanza::Iq(i) => i.from = Some(from),
        _ => {}
    }
}

/// The username a client claims in a SASL message (unverified, for
/// [`Event::AuthFailed`]): the authcid of PLAIN
/// ([RFC 4616 §2](https://www.rfc-editor.org/rfc/rfc4616#section-2)) or the `n=` of a
/// SCRAM client-first-message ([RFC 5802 §7](https://www.rfc-editor.org/rfc/rfc5802#section-7)).
fn claimed_username(mechanism: &str, message: &[u8]) -> Option<String> {
    let name = if mechanism == "PLAIN" {
        let mut parts = message.split(|b| *b == 0);
        let (_authzid, authcid, _password) = (parts.next()?, parts.next()?, parts.next()?);
        std::str::from_utf8(authcid).ok()?.to_owned()
    } else if mechanism.starts_with("SCRAM-") {
        let text = std::str::from_utf8(message).ok()?;
        // gs2-header = cbind-flag "," [authzid] ","; then "n=" saslname.
        let mut fields = text.splitn(3, ',');
        let (_flag, _authzid, bare) = (fields.next()?, fields.next()?, fields.next()?);
        let value = bare.strip_prefix("n=")?.split(',').next()?;
        value.replace("=2C", ",").replace("=3D", "=")
    } else {
        return None;
    };
    (!name.is_empty()).then(|| name.chars().take(256).collect())
}

/// The `<failure/>` for an error of the SASL mechanism, and what it counts as.
fn mechanism_failure(err: &xmpp_sasl::Error, inner: &Inner) -> (SaslFailure, Verdict) {
    use xmpp_sasl::Reason;
    let failure = SaslFailure::new(
        SaslCondition::from_name(err.condition().as_str()).unwrap_or(SaslCondition::NotAuthorized),
    );
    match err.reason() {
        Reason::UnsupportedChannelBindingType => {
            // RFC 5802 §7 calls this `e=unsupported-channel-binding-type`, but a SCRAM
            // server-error exists only in the server-final-message; refused at the
            // client-first-message, the XMPP <failure/> is all there is, and it carries
            // no SASL data (RFC 6120 §6.4.5). `not-authorized` would read as a wrong
            // password; `malformed-request` with the RFC 5802 value and our types as
            // text says what went wrong (Prosody answers the same condition).
            let ours: Vec<&str> = inner
                .machine
                .bindings()
                .map(sasl_bindings)
                .unwrap_or_default()
                .iter()
                .map(|b| b.kind().name())
                .collect();
            let ours = if ours.is_empty() {
                "none".to_owned()
            } else {
                ours.join(", ")
            };
            let mut f = SaslFailure::new(SaslCondition::MalformedRequest);
            f.texts.push(LangText::new(format!(
                "unsupported-channel-binding-type (supported: {ours})"
            )));
            (f, Verdict::Negotiation)
        }
        // A gs2 flag that does not fit the offer (RFC 5802 §6): `p=` with a plain
        // mechanism, `n`/`y` with -PLUS, or `y` although we offer -PLUS. Decided before
        // the credentials are looked up.
        Reason::ChannelBindingFlag | Reason::Downgrade => (failure, Verdict::Negotiation),
        _ => (failure, Verdict::Credentials),
    }
}

/// The channel-binding type named by a SCRAM gs2 header `p=<type>,...`.
fn gs2_binding_type(first: &[u8]) -> Option<xmpp_sasl::ChannelBindingType> {
    let rest = first.strip_prefix(b"p=")?;
    let end = rest.iter().position(|b| *b == b',')?;
    let name = std::str::from_utf8(&rest[..end]).ok()?;
    xmpp_sasl::ChannelBindingType::from_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claimed_usernames() {
        assert_eq!(
            claimed_username("PLAIN", b"\0juliet\0secret").as_deref(),
            Some("juliet")
        );
        assert_eq!(claimed_username("PLAIN", b"juliet"), None);
        assert_eq!(
            claimed_username("SCRAM-SHA-1", b"n,,n=ju=2Cli=3Det,r=abc").as_deref(),
            Some("ju,li=et")
        );
        assert_eq!(
            claimed_username("SCRAM-SHA-1-PLUS", b"p=tls-exporter,a=x,n=romeo,r=a").as_deref(),
            Some("romeo")
        );
        assert_eq!(claimed_username("SCRAM-SHA-1", b"garbage"), None);
        assert_eq!(claimed_username("DIGEST-MD5", b"username=\"x\""), None);
    }

    #[test]
    fn gs2_type() {
        assert_eq!(
            gs2_binding_type(b"p=tls-exporter,,n=u,r=x"),
            Some(xmpp_sasl::ChannelBindingType::TlsExporter)
        );
        assert_eq!(gs2_binding_type(b"n,,n=u,r=x"), None);
        assert_eq!(gs2_binding_type(b"p=tls-bogus,,"), None);
    }
}
