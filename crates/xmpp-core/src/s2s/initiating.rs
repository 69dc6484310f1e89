//! The initiating server: stream header from/to, STARTTLS (required), TLS with our
//! certificate, restart, SASL EXTERNAL, restart, online
//! ([RFC 6120 §9.2.1](https://www.rfc-editor.org/rfc/rfc6120#section-9.2.1)).

use std::time::Instant;

use xmpp_jid::{BareJid, Jid};
use xmpp_sasl::external::ExternalClient;
use xmpp_sasl::{ClientMechanism, Mechanism};
use xmpp_stanza::{
    ContentNs, HeaderRule, Packet, Role as HeaderRole, Sasl, Stanza, StreamCondition,
    StreamFeatures, StreamHeader,
};
use xmpp_tls::{Initiator, InitiatorAction, NegotiationError, TlsPolicy};
use xmpp_xml::Element;

use super::config::S2sConfig;
use super::{AddressError, sasl_condition};
use crate::event::{CloseReason, Event, NegotiationFailure};
use crate::inner::{EngineSource, Inner, Life, TlsMachine};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    AwaitHeader,
    AwaitFeatures,
    AwaitProceed,
    Handshake,
    Sasl,
    Online,
}

pub(crate) struct Initiating {
    local: String,
    remote: String,
    authzid: bool,
    phase: Phase,
    authenticated: bool,
    sasl: Option<ExternalClient>,
}

impl Initiating {
    pub(crate) fn new(config: S2sConfig, now: Instant) -> (Initiating, Inner) {
        let S2sConfig {
            local,
            remote,
            tls,
            server_name,
            authzid,
            limits,
            pre_auth_limits,
            timeouts,
            output_limit,
            random,
        } = config;
        let mut inner = Inner::new(now, pre_auth_limits, limits, timeouts, output_limit, random);
        inner.engine_source = Some(EngineSource::Client {
            config: tls,
            server_name: server_name.unwrap_or_else(|| remote.clone()),
        });
        // RFC 6120 §5.3.1 / §13.7.2: without TLS there is no certificate to
        // authenticate with, so STARTTLS is never optional here.
        inner.machine = TlsMachine::Initiator(Initiator::new(TlsPolicy::Required));
        let side = Initiating {
            local,
            remote,
            authzid,
            phase: Phase::AwaitHeader,
            authenticated: false,
            sasl: None,
        };
        (side, inner)
    }

    pub(crate) fn start(&mut self, inner: &mut Inner, now: Instant) {
        if !inner.is_closed() {
            self.open_stream(inner, now);
        }
    }

    /// The initial header: `from` our domain, `to` theirs, version 1.0
    /// ([RFC 6120 §4.7.1](https://www.rfc-editor.org/rfc/rfc6120#section-4.7.1): a
    /// server includes `from` on every stream, encrypted or not).
    fn open_stream(&mut self, inner: &mut Inner, now: Instant) {
        let (Ok(to), Ok(from)) = (Jid::new(&self.remote), Jid::new(&self.local)) else {
            inner.finish(CloseReason::Negotiation(NegotiationFailure::Unexpected(
                "a configured domain is not a valid stream address".into(),
            )));
            return;
        };
        let mut header = StreamHeader::initial(ContentNs::Server, to);
        header.from = Some(from);
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

    fn give_up(&mut self, inner: &mut Inner, now: Instant, reason: CloseReason) {
        inner.close_reason = Some(reason);
        inner.start_close(now);
    }

    pub(crate) fn tls_established(&mut self, inner: &mut Inner, now: Instant) {
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
        let header = match StreamHeader::parse_from(h, HeaderRole::Receiving) {
            Ok(h) => h,
            Err(e) => {
                inner.stream_error_with(now, e.stream_condition(), None, None);
                return;
            }
        };
        if header.ns != ContentNs::Server {
            inner.stream_error_with(now, StreamCondition::InvalidNamespace, None, None);
            return;
        }
        if header
            .violations(HeaderRole::Receiving)
            .contains(&HeaderRule::NeedsVersion)
        {
            inner.stream_error_with(now, StreamCondition::UnsupportedVersion, None, None);
            return;
        }
        // The response comes from the domain we asked for (RFC 6120 §4.7.1); another
        // one would authenticate a server we never meant to talk to.
        if header
            .from
            .as_ref()
            .is_some_and(|f| f.as_str() != self.remote)
        {
            inner.stream_error_with(now, StreamCondition::InvalidFrom, None, None);
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
            return;
        }
        match self.phase {
            Phase::AwaitFeatures => self.features(inner, now, &e),
            Phase::AwaitProceed => self.proceed(inner, now, &e, unprocessed),
            Phase::Sasl => self.sasl_element(inner, now, &e, unprocessed),
            // A receiving server sends no stanzas over this stream (RFC 6120 §4.1:
            // server-to-server streams are one-way).
            Phase::Online => inner.stream_error_with(
                now,
                StreamCondition::UnsupportedStanzaType,
                Some("this stream carries stanzas the other way"),
                None,
            ),
            Phase::AwaitHeader | Phase::Handshake => {
                inner.stream_error_with(now, StreamCondition::BadFormat, None, None);
            }
        }
    }

    fn features(&mut self, inner: &mut Inner, now: Instant, e: &Element) {
        let Ok(features) = StreamFeatures::parse(e.as_ref()) else {
            inner.stream_error_with(now, StreamCondition::UnsupportedStanzaType, None, None);
            return;
        };
        if self.authenticated {
            // After the final restart no features need negotiating: no binding on
            // server-to-server streams (RFC 6120 §7.1).
            self.phase = Phase::Online;
            inner.go_online(now);
            if let (Ok(local), Ok(remote)) = (BareJid::new(&self.local), BareJid::new(&self.remote))
            {
                inner.push_event(Event::S2sOnline { local, remote });
            }
            return;
        }
        if !inner.machine.is_secure()
            && let TlsMachine::Initiator(init) = &mut inner.machine
        {
            let reason = match init.handle_features(e) {
                Ok(InitiatorAction::Send(req)) => {
                    inner.write_element(now, &req);
                    self.phase = Phase::AwaitProceed;
                    return;
                }
                Err(NegotiationError::TlsNotOffered) | Ok(_) => NegotiationFailure::TlsNotOffered,
                Err(other) => NegotiationFailure::Unexpected(other.to_string()),
            };
            self.give_up(inner, now, CloseReason::Negotiation(reason));
            return;
        }
        let offered = features
            .mechanisms
            .as_ref()
            .is_some_and(|m| m.names.iter().any(|n| n == Mechanism::External.name()));
        if !offered {
            // XEP-0220 dialback would be the fallback; it is not implemented.
            self.give_up(
                inner,
                now,
                CloseReason::Negotiation(NegotiationFailure::NoMechanism),
            );
            return;
        }
        let mut client = if self.authzid {
            ExternalClient::new().authzid(self.local.clone())
        } else {
            ExternalClient::new()
        };
        let first = match client.start() {
            Ok(first) => first,
            Err(err) => {
                let reason = CloseReason::AuthFailed {
                    condition: sasl_condition(&err),
                    by_peer: false,
                };
                self.give_up(inner, now, reason);
                return;
            }
        };
        let auth = Sasl::Auth(xmpp_stanza::Auth::new(Mechanism::External.name(), first));
        inner.write_element(now, &auth.to_element());
        self.sasl = Some(client);
        self.phase = Phase::Sasl;
    }

    fn proceed(&mut self, inner: &mut Inner, now: Instant, e: &Element, unprocessed: usize) {
        let TlsMachine::Initiator(init) = &mut inner.machine else {
            return;
        };
        match init.handle_element(e, unprocessed) {
            Ok(InitiatorAction::StartHandshake) => {
                inner.restart_stream();
                self.phase = Phase::Handshake;
                inner.activate_tls();
            }
            Ok(_) => {}
            Err(NegotiationError::Failure) => inner.finish(CloseReason::Negotiation(
                NegotiationFailure::StartTlsFailure,
            )),
            Err(NegotiationError::PlaintextInjection { .. }) => inner.stream_error_with(
                now,
                StreamCondition::PolicyViolation,
                None,
                Some(CloseReason::Negotiation(
                    NegotiationFailure::PlaintextInjection,
                )),
            ),
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

    fn sasl_element(&mut self, inner: &mut Inner, now: Instant, e: &Element, unprocessed: usize) {
        let (Ok(Packet::Sasl(msg)), Some(client)) = (Packet::parse(e.as_ref()), self.sasl.as_mut())
        else {
            inner.stream_error_with(now, StreamCondition::UnsupportedStanzaType, None, None);
            return;
        };
        match msg {
            Sasl::Challenge(data) => match client.step(&data) {
                Ok(resp) => inner.write_element(now, &Sasl::Response(resp).to_element()),
                Err(err) => {
                    inner.write_element(now, &Sasl::Abort.to_element());
                    let reason = CloseReason::AuthFailed {
                        condition: sasl_condition(&err),
                        by_peer: false,
                    };
                    self.give_up(inner, now, reason);
                }
            },
            Sasl::Success(data) => {
                if let Err(err) = client.finish(data.as_deref()) {
                    let reason = CloseReason::AuthFailed {
                        condition: sasl_condition(&err),
                        by_peer: false,
                    };
                    self.give_up(inner, now, reason);
                    return;
                }
                if unprocessed != 0 {
                    // RFC 6120 §6.4.6: the receiving server waits for our new header.
                    inner.stream_error_with(now, StreamCondition::PolicyViolation, None, None);
                    return;
                }
                let Ok(jid) = BareJid::new(&self.local) else {
                    inner.stream_error_with(now, StreamCondition::InternalServerError, None, None);
                    return;
                };
                self.sasl = None;
                self.authenticated = true;
                inner.authenticated(Mechanism::External.name().to_owned(), None, jid);
                self.open_stream(inner, now);
            }
            Sasl::Failure(f) => {
                // EXTERNAL is the only mechanism here: nothing else to try.
                self.sasl = None;
                let reason = CloseReason::AuthFailed {
                    condition: f.condition,
                    by_peer: true,
                };
                self.give_up(inner, now, reason);
            }
            _ => inner.stream_error_with(now, StreamCondition::UnsupportedStanzaType, None, None),
        }
    }

    /// Checks a stanza the application sends: `from` of our domain, `to` of the
    /// receiving server's ([RFC 6120 §8.1.1.2](https://www.rfc-editor.org/rfc/rfc6120#section-8.1.1.2),
    /// [§8.1.2.2](https://www.rfc-editor.org/rfc/rfc6120#section-8.1.2.2)); the peer
    /// would end the stream over either.
    pub(crate) fn check_outgoing(&self, s: &Stanza) -> Result<(), AddressError> {
        let (Some(from), Some(to)) = (s.from_jid(), s.to_jid()) else {
            return Err(AddressError(StreamCondition::ImproperAddressing));
        };
        if from.domainpart() != self.local {
            return Err(AddressError(StreamCondition::InvalidFrom));
        }
        if to.domainpart() != self.remote {
            return Err(AddressError(StreamCondition::HostUnknown));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xmpp_stanza::SaslCondition;

    #[test]
    fn failure_condition_names_map() {
        let err = xmpp_sasl::Error::new(
            xmpp_sasl::Condition::NotAuthorized,
            xmpp_sasl::Reason::Missing("x"),
        );
        assert_eq!(sasl_condition(&err), SaslCondition::NotAuthorized);
    }
}
