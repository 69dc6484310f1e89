//! The client role: stream open, STARTTLS, SASL, restart, bind, legacy session, online
//! ([RFC 6120 §9.1](https://www.rfc-editor.org/rfc/rfc6120#section-9.1) shows the flow).

use std::time::Instant;

use xmpp_jid::{BareJid, Jid};
use xmpp_sasl::select::{self, ClientCredentials, ClientPolicy, Selection, ServerOffer};
use xmpp_sasl::{ClientMechanism, Mechanism};
use xmpp_stanza::{
    Bind, ContentNs, HeaderRule, Iq, IqPayload, Packet, Role as HeaderRole, Sasl, SaslCondition,
    SessionRequest, Stanza, StreamCondition, StreamFeatures,
};
use xmpp_tls::{DirectTls, Initiator, InitiatorAction, NegotiationError, StreamKind, TlsPolicy};
use xmpp_xml::Element;
use zeroize::Zeroizing;

use crate::bindings::{sasl_bindings, to_tls_type};
use crate::config::{ClientConfig, ClientTls, TlsMode};
use crate::event::{CloseReason, Event, NegotiationFailure};
use crate::inner::{EngineSource, Inner, Life, TlsMachine};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Waiting for the direct-TLS handshake before the first header.
    DirectHandshake,
    AwaitHeader,
    AwaitFeatures,
    AwaitProceed,
    Handshake,
    Sasl,
    AwaitBind,
    AwaitSession,
    Online,
}

struct SaslRun {
    mechanism: Box<dyn ClientMechanism + Send>,
    selection: Selection,
}

pub(crate) struct ClientSide {
    jid: BareJid,
    password: Zeroizing<String>,
    resource: Option<String>,
    domain: String,
    direct: bool,
    preference: Vec<Mechanism>,
    allow_plain: bool,
    allow_digest_md5: bool,
    require_channel_binding: bool,
    phase: Phase,
    authenticated: bool,
    tried: Vec<Mechanism>,
    offer: Option<ServerOffer>,
    sasl: Option<SaslRun>,
    bind_id: String,
    session_id: String,
    session_needed: bool,
}

impl ClientSide {
    pub(crate) fn new(config: ClientConfig, now: Instant) -> (ClientSide, Inner) {
        let ClientConfig {
            jid,
            password,
            resource,
            tls,
            server_name,
            mechanisms,
            allow_plain,
            allow_digest_md5,
            require_channel_binding,
            limits,
            pre_auth_limits,
            timeouts,
            output_limit,
            random,
        } = config;
        let domain = jid.domainpart().to_owned();
        let server_name = server_name.unwrap_or_else(|| domain.clone());
        let mut inner = Inner::new(now, pre_auth_limits, limits, timeouts, output_limit, random);
        let mut direct = false;
        match tls {
            ClientTls::StartTls(config) => {
                inner.engine_source = Some(EngineSource::Client {
                    config,
                    server_name,
                });
                inner.machine = TlsMachine::Initiator(Initiator::new(TlsPolicy::Required));
            }
            ClientTls::Direct(config) => {
                direct = true;
                inner.machine = TlsMachine::Direct(DirectTls::new(StreamKind::ClientToServer));
                match DirectTls::client_engine(config, &server_name, StreamKind::ClientToServer) {
                    Ok(e) => inner.engine_source = Some(EngineSource::Ready(Box::new(e))),
                    Err(e) => inner.tls_failed(&NegotiationError::Tls(e)),
                }
            }
            ClientTls::Engine { engine, mode } => {
                inner.engine_source = Some(EngineSource::Ready(engine));
                inner.machine = match mode {
                    TlsMode::Direct => {
                        direct = true;
                        TlsMachine::Direct(DirectTls::new(StreamKind::ClientToServer))
                    }
                    TlsMode::StartTls { required } => {
                        TlsMachine::Initiator(Initiator::new(if required {
                            TlsPolicy::Required
                        } else {
                            TlsPolicy::Optional
                        }))
                    }
                };
            }
            ClientTls::None => {
                inner.machine = TlsMachine::Initiator(Initiator::new(TlsPolicy::Disabled));
            }
        }
        let side = ClientSide {
            jid,
            password,
            resource,
            domain,
            direct,
            preference: mechanisms.unwrap_or_else(|| select::DEFAULT_PREFERENCE.to_vec()),
            allow_plain,
            allow_digest_md5,
            require_channel_binding,
            phase: Phase::AwaitHeader,
            authenticated: false,
            tried: Vec::new(),
            offer: None,
            sasl: None,
            bind_id: String::new(),
            session_id: String::new(),
            session_needed: false,
        };
        (side, inner)
    }

    pub(crate) fn start(&mut self, inner: &mut Inner, now: Instant) {
        if inner.is_closed() {
            return;
        }
        if self.direct {
            self.phase = Phase::DirectHandshake;
            inner.activate_tls();
        } else {
            self.open_stream(inner, now);
        }
    }

    pub(crate) fn ping_target(&self) -> Option<Jid> {
        Jid::new(&self.domain).ok()
    }

    fn open_stream(&mut self, inner: &mut Inner, now: Instant) {
        let Ok(to) = Jid::new(&self.domain) else {
            inner.finish(CloseReason::Negotiation(NegotiationFailure::Unexpected(
                "the account's domain is not a valid stream address".into(),
            )));
            return;
        };
        let mut header = xmpp_stanza::StreamHeader::initial(ContentNs::Client, to);
        // The account goes in `from` only once the channel is encrypted
        // (RFC 6120 §4.7.1).
        if inner.machine.is_secure() {
            header.from = Some(self.jid.as_jid().clone());
        }
        header.lang = Some("en".into());
        let mut buf = Vec::new();
        if header.write(&mut inner.writer, &mut buf).is_err() {
            inner.finish(CloseReason::Negotiation(NegotiationFailure::Unexpected(
                "cannot write the stream header".into(),
            )));
            return;
        }
        inner.write_raw(now, &buf);
        inner.header_sent = true;
        self.phase = Phase::AwaitHeader;
    }

    /// Ends the stream from our side with `reason` once the server closes too.
    fn give_up(&mut self, inner: &mut Inner, now: Instant, reason: CloseReason) {
        inner.close_reason = Some(reason);
        inner.start_close(now);
    }

    fn give_up_negotiation(&mut self, inner: &mut Inner, now: Instant, f: NegotiationFailure) {
        self.give_up(inner, now, CloseReason::Negotiation(f));
    }

    /// Our SASL mechanism refused to go on (it never reaches a server verdict).
    fn give_up_auth(&mut self, inner: &mut Inner, now: Instant, err: &xmpp_sasl::Error) {
        let condition = sasl_condition(err.condition());
        let by_peer = false;
        self.give_up(inner, now, CloseReason::AuthFailed { condition, by_peer });
    }

    pub(crate) fn tls_established(&mut self, inner: &mut Inner, now: Instant) {
        // A fresh stream over TLS (RFC 6120 §5.4.3.3); nothing from before counts.
        inner.framer.reset();
        inner.stop_input = true;
        self.open_stream(inner, now);
    }

    pub(crate) fn handle_header(
        &mut self,
        inner: &mut Inner,
        now: Instant,
        h: &xmpp_xml::StreamHeader,
    ) {
        if self.phase != Phase::AwaitHeader {
            inner.stream_error_with(now, StreamCondition::BadFormat, None, None);
            return;
        }
        let header = match xmpp_stanza::StreamHeader::parse_from(h, HeaderRole::Receiving) {
            Ok(h) => h,
            Err(e) => {
                inner.stream_error_with(now, e.stream_condition(), None, None);
                return;
            }
        };
        if header.ns != ContentNs::Client {
            inner.stream_error_with(now, StreamCondition::InvalidNamespace, None, None);
            return;
        }
        // Without a version there are no stream features (RFC 6120 §4.7.5); lang is
        // not required of servers in practice.
        if header
            .violations(HeaderRole::Receiving)
            .contains(&HeaderRule::NeedsVersion)
        {
            inner.stream_error_with(now, StreamCondition::UnsupportedVersion, None, None);
            return;
        }
        inner.negotiated.stream_id = header.id;
        self.phase = Phase::AwaitFeatures;
    }

    pub(crate) fn handle_element(
        &mut self,
        inner: &mut Inner,
        now: Instant,
        e: Element,
        unprocessed: usize,
    ) {
        if inner.life == Life::Closing {
            // Only stanzas still matter while our closing tag is out.
            if self.phase == Phase::Online {
                self.online_element(inner, now, e);
            }
            return;
        }
        match self.phase {
            Phase::AwaitFeatures => self.features(inner, now, &e),
            Phase::AwaitProceed => self.proceed(inner, now, &e, unprocessed),
            Phase::Sasl => self.sasl_element(inner, now, &e, unprocessed),
            Phase::AwaitBind | Phase::AwaitSession => self.bind_answer(inner, now, e),
            Phase::Online => self.online_element(inner, now, e),
            Phase::DirectHandshake | Phase::AwaitHeader | Phase::Handshake => {
                inner.stream_error_with(now, StreamCondition::BadFormat, None, None);
            }
        }
    }

    fn features(&mut self, inner: &mut Inner, now: Instant, e: &Element) {
        let features = match StreamFeatures::parse(e.as_ref()) {
            Ok(f) => f,
            Err(_) => {
                inner.stream_error_with(now, StreamCondition::UnsupportedStanzaType, None, None);
                return;
            }
        };
        if !self.authenticated
            && !inner.machine.is_secure()
            && let TlsMachine::Initiator(init) = &mut inner.machine
        {
            match init.handle_features(e) {
                Ok(InitiatorAction::Send(req)) => {
                    inner.write_element(now, &req);
                    self.phase = Phase::AwaitProceed;
                    return;
                }
                Ok(_) => {}
                Err(e) => {
                    let failure = match e {
                        NegotiationError::TlsNotOffered => NegotiationFailure::TlsNotOffered,
                        NegotiationError::PeerRequiresTls => NegotiationFailure::PeerRequiresTls,
                        other => NegotiationFailure::Unexpected(other.to_string()),
                    };
                    self.give_up_negotiation(inner, now, failure);
                    return;
                }
            }
        }
        if !self.authenticated {
            self.start_sasl(inner, now, &features);
        } else {
            self.start_bind(inner, now, &features);
        }
    }

    fn proceed(&mut self, inner: &mut Inner, now: Instant, e: &Element, unprocessed: usize) {
        let TlsMachine::Initiator(init) = &mut inner.machine else {
            return;
        };
        match init.handle_element(e, unprocessed) {
            Ok(InitiatorAction::StartHandshake) => {
                // The plaintext stream is over; the next one opens after the handshake.
                inner.restart_stream();
                self.phase = Phase::Handshake;
                inner.activate_tls();
            }
            Ok(_) => {}
            Err(NegotiationError::Failure) => inner.finish(CloseReason::Negotiation(
                NegotiationFailure::StartTlsFailure,
            )),
            Err(NegotiationError::PlaintextInjection { .. }) => {
                inner.stream_error_with(
                    now,
                    StreamCondition::PolicyViolation,
                    None,
                    Some(CloseReason::Negotiation(
                        NegotiationFailure::PlaintextInjection,
                    )),
                );
            }
            Err(other) => inner.stream_error_with(
                now,
                StreamCondition::UnsupportedStanzaType,
                None,
                Some(CloseReason::Negotiation(NegotiationFailure::Unexpected(
                    other.to_string(),
                ))),
            ),
        }
    }

    fn start_sasl(&mut self, inner: &mut Inner, now: Instant, features: &StreamFeatures) {
        let Some(mechs) = &features.mechanisms else {
            self.give_up_negotiation(inner, now, NegotiationFailure::NoMechanism);
            return;
        };
        let advertised = features.channel_binding_types().map(|t| t.types.clone());
        let offer_types = advertised.as_ref().map(|names| {
            names
                .iter()
                .filter_map(|n| xmpp_sasl::ChannelBindingType::from_name(n))
                .collect::<Vec<_>>()
        });
        inner.negotiated.advertised_channel_bindings = advertised;
        self.offer = Some(ServerOffer::new(
            mechs.names.iter().map(String::as_str),
            offer_types,
        ));
        self.next_mechanism(inner, now);
    }

    /// Picks the best mechanism not tried yet and sends `<auth/>`.
    fn next_mechanism(&mut self, inner: &mut Inner, now: Instant) {
        let Some(offer) = &self.offer else { return };
        let ours: Vec<xmpp_sasl::ChannelBindingType> = inner
            .machine
            .bindings()
            .map(|b| sasl_bindings(b).iter().map(|c| c.kind()).collect())
            .unwrap_or_default();
        // Without XEP-0440 a server's -PLUS means `tls-unique`, the RFC 5802 default
        // (what Prosody and ejabberd offer); only with XEP-0440 do we know it takes
        // `tls-exporter` or `tls-server-end-point`.
        let can_bind = !ours.is_empty();
        let usable: Vec<_> = match &offer.channel_binding_types {
            Some(_) => ours,
            None => ours
                .into_iter()
                .filter(|t| *t == xmpp_sasl::ChannelBindingType::TlsUnique)
                .collect(),
        };
        let mut policy = ClientPolicy::default();
        policy.preference = self
            .preference
            .iter()
            .copied()
            .filter(|m| !self.tried.contains(m))
            .collect();
        policy.tls = inner.machine.is_secure();
        policy.allow_plain = self.allow_plain;
        policy.allow_digest_md5 = self.allow_digest_md5;
        policy.channel_binding_types = usable;
        policy.require_channel_binding = self.require_channel_binding;
        // select() only knows the types left after the XEP-0440 filter; the
        // requirement is about what our TLS layer could bind at all.
        let must_bind = self.require_channel_binding && can_bind;
        let selection = match select::select(&policy, offer) {
            Ok(s) if !must_bind || s.mechanism.is_plus() => s,
            _ => {
                self.give_up_negotiation(inner, now, NegotiationFailure::NoMechanism);
                return;
            }
        };
        let mut creds = ClientCredentials::new(
            self.jid.localpart().unwrap_or(""),
            &self.password,
            &self.domain,
        );
        if let Some(b) = inner.machine.bindings() {
            creds.channel_bindings = sasl_bindings(b);
        }
        let started = select::client_for(&selection, &creds, &mut *inner.random)
            .and_then(|mut m| m.start().map(|first| (m, first)));
        let (mechanism, first) = match started {
            Ok(x) => x,
            Err(e) => {
                self.give_up_auth(inner, now, &e);
                return;
            }
        };
        self.tried.push(selection.mechanism);
        let auth = Sasl::Auth(xmpp_stanza::Auth::new(selection.mechanism.name(), first));
        inner.write_element(now, &auth.to_element());
        self.sasl = Some(SaslRun {
            mechanism,
            selection,
        });
        self.phase = Phase::Sasl;
    }

    fn sasl_element(&mut self, inner: &mut Inner, now: Instant, e: &Element, unprocessed: usize) {
        let msg = match Packet::parse(e.as_ref()) {
            Ok(Packet::Sasl(s)) => s,
            _ => {
                inner.stream_error_with(now, StreamCondition::UnsupportedStanzaType, None, None);
                return;
            }
        };
        let Some(run) = self.sasl.as_mut() else {
            inner.stream_error_with(now, StreamCondition::UnsupportedStanzaType, None, None);
            return;
        };
        match msg {
            Sasl::Challenge(data) => match run.mechanism.step(&data) {
                Ok(resp) => inner.write_element(now, &Sasl::Response(resp).to_element()),
                Err(err) => {
                    // Our side refuses the exchange (bad server message, downgrade
                    // detected): abort it and leave; never try another mechanism.
                    inner.write_element(now, &Sasl::Abort.to_element());
                    self.give_up_auth(inner, now, &err);
                }
            },
            Sasl::Success(data) => {
                if let Err(err) = run.mechanism.finish(data.as_deref()) {
                    self.give_up_auth(inner, now, &err);
                    return;
                }
                if unprocessed != 0 {
                    // The server must wait for our new stream header (RFC 6120
                    // §6.4.6); bytes already behind <success/> were not sent by a
                    // server following the protocol.
                    inner.stream_error_with(now, StreamCondition::PolicyViolation, None, None);
                    return;
                }
                let mechanism = run.selection.mechanism.name().to_owned();
                let cb = run.selection.channel_binding.and_then(to_tls_type);
                self.sasl = None;
                self.authenticated = true;
                inner.authenticated(mechanism, cb, self.jid.clone());
                self.open_stream(inner, now);
            }
            Sasl::Failure(f) => {
                let current = run.selection.mechanism;
                self.sasl = None;
                // Only a server saying "not this mechanism" allows another try, and
                // never away from channel binding: a failed -PLUS exchange may be a
                // man in the middle, a not-authorized is a wrong password.
                let retry = matches!(
                    f.condition,
                    SaslCondition::InvalidMechanism | SaslCondition::MechanismTooWeak
                ) && !current.is_plus();
                if retry {
                    self.next_mechanism(inner, now);
                } else {
                    self.give_up(
                        inner,
                        now,
                        CloseReason::AuthFailed {
                            condition: f.condition,
                            by_peer: true,
                        },
                    );
                }
            }
            _ => inner.stream_error_with(now, StreamCondition::UnsupportedStanzaType, None, None),
        }
    }

    fn start_bind(&mut self, inner: &mut Inner, now: Instant, features: &StreamFeatures) {
        if !features.bind {
            self.give_up_negotiation(inner, now, NegotiationFailure::BindNotOffered);
            return;
        }
        self.session_needed = features.session.is_some_and(|s| !s.optional);
        self.bind_id = format!("bind-{}", inner.random_hex(6));
        let iq = Iq::set(
            self.bind_id.clone(),
            None,
            Bind::Request(self.resource.clone()).to_element(),
        );
        inner.write_stanza(now, &Stanza::Iq(iq));
        self.phase = Phase::AwaitBind;
    }

    fn bind_answer(&mut self, inner: &mut Inner, now: Instant, e: Element) {
        let iq = match Packet::parse(e.as_ref()) {
            Ok(Packet::Stanza(Stanza::Iq(iq))) => iq,
            // Anything else before the answer is not for us yet (RFC 6120 §7.1).
            Ok(Packet::Stanza(_)) => return,
            _ => {
                inner.stream_error_with(now, StreamCondition::UnsupportedStanzaType, None, None);
                return;
            }
        };
        let expected = if self.phase == Phase::AwaitBind {
            &self.bind_id
        } else {
            &self.session_id
        };
        if &iq.id != expected {
            return;
        }
        match iq.payload {
            IqPayload::Error { error, .. } => {
                self.give_up(
                    inner,
                    now,
                    CloseReason::BindFailed {
                        condition: error.condition,
                    },
                );
            }
            IqPayload::Result(payload) if self.phase == Phase::AwaitBind => {
                let jid = payload
                    .as_ref()
                    .and_then(|p| Bind::parse(p.as_ref()).ok())
                    .and_then(|b| match b {
                        Bind::Result(j) => Some(j),
                        _ => None,
                    });
                let Some(jid) = jid.filter(|j| j.bare_str() == self.jid.as_str()) else {
                    inner.stream_error_with(now, StreamCondition::UndefinedCondition, None, None);
                    return;
                };
                inner.negotiated.jid = Some(jid);
                if self.session_needed {
                    self.session_id = format!("sess-{}", inner.random_hex(6));
                    let iq = Iq::set(self.session_id.clone(), None, SessionRequest.to_element());
                    inner.write_stanza(now, &Stanza::Iq(iq));
                    self.phase = Phase::AwaitSession;
                } else {
                    self.online(inner, now);
                }
            }
            IqPayload::Result(_) => {
                inner.negotiated.session = true;
                self.online(inner, now);
            }
            _ => {}
        }
    }

    fn online(&mut self, inner: &mut Inner, now: Instant) {
        self.phase = Phase::Online;
        inner.go_online(now);
        if let Some(jid) = inner.negotiated.jid.clone() {
            inner.push_event(Event::Online { jid });
        }
    }

    fn online_element(&mut self, inner: &mut Inner, now: Instant, e: Element) {
        match Packet::parse(e.as_ref()) {
            Ok(Packet::Stanza(s)) => {
                if s.ns() != ContentNs::Client {
                    inner.stream_error_with(now, StreamCondition::InvalidNamespace, None, None);
                    return;
                }
                let from_server = match s.from_jid() {
                    None => true,
                    Some(f) => f.as_str() == self.domain || f.bare_str() == self.jid.as_str(),
                };
                if !inner.handle_ping(now, &s, from_server) {
                    inner.push_event(Event::Stanza(s));
                }
            }
            Err(err) if Stanza::is_stanza(e.as_ref()) => {
                inner.reply_unreadable(now, &e, err.stanza_condition(), None);
            }
            _ => inner.stream_error_with(now, StreamCondition::UnsupportedStanzaType, None, None),
        }
    }
}

fn sasl_condition(c: xmpp_sasl::Condition) -> SaslCondition {
    SaslCondition::from_name(c.as_str()).unwrap_or(SaslCondition::NotAuthorized)
}
