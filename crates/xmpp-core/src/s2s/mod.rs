//! Server-to-server streams (`jabber:server`,
//! [RFC 6120 §9.2](https://www.rfc-editor.org/rfc/rfc6120#section-9.2)): STARTTLS,
//! SASL EXTERNAL with the TLS client certificate, no resource binding, stanzas one way
//! (initiating to receiving). Server dialback (XEP-0220) is not implemented.

mod config;
mod initiating;
mod receiving;

use std::time::Instant;

use xmpp_stanza::{ContentNs, SaslCondition, Stanza, StreamCondition};
use xmpp_xml::Element;

pub use config::{PeerDomainVerifier, S2sConfig, S2sReceiverConfig, WebPkiDomainVerifier};

use crate::event::{Role, SendError};
use crate::inner::Inner;
use initiating::Initiating;
use receiving::Receiving;

/// A stanza the initiating server may not send: the condition the peer would answer.
pub(crate) struct AddressError(pub(crate) StreamCondition);

/// Either end of a server-to-server stream; [`crate::Connection`] dispatches to it as
/// to the client-stream roles.
pub(crate) enum S2sSide {
    Initiating(Initiating),
    Receiving(Receiving),
}

impl S2sSide {
    pub(crate) fn initiating(config: S2sConfig, now: Instant) -> (S2sSide, Inner) {
        let (side, inner) = Initiating::new(config, now);
        (S2sSide::Initiating(side), inner)
    }

    pub(crate) fn receiving(config: S2sReceiverConfig, now: Instant) -> (S2sSide, Inner) {
        let (side, inner) = Receiving::new(config, now);
        (S2sSide::Receiving(side), inner)
    }

    pub(crate) fn role(&self) -> Role {
        match self {
            S2sSide::Initiating(_) => Role::Client,
            S2sSide::Receiving(_) => Role::Server,
        }
    }

    pub(crate) fn start(&mut self, inner: &mut Inner, now: Instant) {
        if let S2sSide::Initiating(s) = self {
            s.start(inner, now);
        }
    }

    pub(crate) fn tls_established(&mut self, inner: &mut Inner, now: Instant) {
        match self {
            S2sSide::Initiating(s) => s.tls_established(inner, now),
            S2sSide::Receiving(s) => s.tls_established(inner, now),
        }
    }

    pub(crate) fn handle_header(
        &mut self,
        inner: &mut Inner,
        now: Instant,
        h: &xmpp_xml::StreamHeader,
    ) {
        match self {
            S2sSide::Initiating(s) => s.handle_header(inner, now, h),
            S2sSide::Receiving(s) => s.handle_header(inner, now, h),
        }
    }

    pub(crate) fn handle_element(
        &mut self,
        inner: &mut Inner,
        now: Instant,
        e: Element,
        unprocessed: usize,
    ) {
        match self {
            S2sSide::Initiating(s) => s.handle_element(inner, now, e, unprocessed),
            S2sSide::Receiving(s) => s.handle_element(inner, now, e, unprocessed),
        }
    }

    /// A stream error found below the role (framer, limits).
    pub(crate) fn stream_error(
        &mut self,
        inner: &mut Inner,
        now: Instant,
        condition: StreamCondition,
        text: Option<&str>,
    ) {
        match self {
            S2sSide::Initiating(_) => inner.stream_error_with(now, condition, text, None),
            S2sSide::Receiving(s) => s.stream_error(inner, now, condition, text),
        }
    }

    /// The stanza to send, in `jabber:server`: only the initiating server sends, and
    /// only stanzas addressed from its domain to the peer's.
    pub(crate) fn prepare_send(&self, mut s: Stanza) -> Result<Stanza, SendError> {
        match self {
            S2sSide::Receiving(_) => Err(SendError::ReceiveOnly),
            S2sSide::Initiating(i) => {
                i.check_outgoing(&s)
                    .map_err(|AddressError(condition)| SendError::Addressing { condition })?;
                match &mut s {
                    Stanza::Message(m) => m.ns = ContentNs::Server,
                    Stanza::Presence(p) => p.ns = ContentNs::Server,
                    Stanza::Iq(iq) => iq.ns = ContentNs::Server,
                    _ => {}
                }
                Ok(s)
            }
        }
    }
}

/// The SASL condition for an error of xmpp-sasl (both use the RFC 6120 §6.5 names).
pub(crate) fn sasl_condition(err: &xmpp_sasl::Error) -> SaslCondition {
    SaslCondition::from_name(err.condition().as_str()).unwrap_or(SaslCondition::NotAuthorized)
}
