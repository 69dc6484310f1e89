//! STARTTLS negotiation ([RFC 6120 §5](https://www.rfc-editor.org/rfc/rfc6120#section-5))
//! as two small sans-IO state machines working on [`xmpp_xml::Element`]s.
//!
//! The caller owns the XML framer and the TLS engine. The machines decide what to
//! send, when the handshake starts, whether the stream may go on without TLS, and when
//! the connection counts as secure: never before the engine reports a completed
//! handshake.

use xmpp_xml::{Element, STREAM_NS};

use crate::channel_binding::ChannelBindings;
use crate::engine::TlsEngine;
use crate::error::NegotiationError;
use crate::handshake::HandshakeStates;

/// The STARTTLS namespace ([RFC 6120 §5.4.1](https://www.rfc-editor.org/rfc/rfc6120#section-5.4.1)).
pub const NS_TLS: &str = "urn:ietf:params:xml:ns:xmpp-tls";

/// Local TLS policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TlsPolicy {
    /// TLS is mandatory to negotiate
    /// ([RFC 6120 §5.3.1](https://www.rfc-editor.org/rfc/rfc6120#section-5.3.1)): a
    /// receiving entity offers `<starttls/>` with `<required/>` and accepts nothing
    /// else first; an initiating entity refuses a stream that does not offer it.
    #[default]
    Required,
    /// TLS is used when the peer offers (initiating entity) or asks for it
    /// (receiving entity), and the stream may otherwise go on in plaintext.
    Optional,
    /// TLS is never negotiated.
    Disabled,
}

/// `<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>` for the stream features,
/// with `<required/>` inside when `required`
/// ([RFC 6120 §5.4.1](https://www.rfc-editor.org/rfc/rfc6120#section-5.4.1)).
#[must_use]
pub fn starttls_feature(required: bool) -> Element {
    let b = Element::builder(NS_TLS, "starttls");
    let b = if required {
        b.child(nonza("required"))
    } else {
        b
    };
    b.build().unwrap_or_else(|_| nonza("starttls"))
}

/// `<starttls/>`, the initiating entity's request
/// ([RFC 6120 §5.4.2.1](https://www.rfc-editor.org/rfc/rfc6120#section-5.4.2.1)).
#[must_use]
pub fn starttls_request() -> Element {
    nonza("starttls")
}

/// `<proceed/>` ([RFC 6120 §5.4.2.3](https://www.rfc-editor.org/rfc/rfc6120#section-5.4.2.3)).
#[must_use]
pub fn proceed() -> Element {
    nonza("proceed")
}

/// `<failure/>` ([RFC 6120 §5.4.2.2](https://www.rfc-editor.org/rfc/rfc6120#section-5.4.2.2)).
#[must_use]
pub fn failure() -> Element {
    nonza("failure")
}

fn nonza(name: &'static str) -> Element {
    // NS_TLS and these names are valid constants: building cannot fail.
    match Element::builder(NS_TLS, name).build() {
        Ok(e) => e,
        Err(_) => unreachable!("constant STARTTLS element is valid"),
    }
}

fn unexpected(e: &Element) -> NegotiationError {
    NegotiationError::UnexpectedElement {
        ns: e.ns().into(),
        name: e.name().into(),
    }
}

impl InitiatorState {
    /// The states the shared handshake steps move this side between.
    const HANDSHAKE: HandshakeStates<Self> = HandshakeStates {
        handshaking: Self::Handshaking,
        secure: Self::Secure,
        failed: Self::Failed,
    };
}

impl ReceiverState {
    /// The states the shared handshake steps move this side between.
    const HANDSHAKE: HandshakeStates<Self> = HandshakeStates {
        handshaking: Self::Handshaking,
        secure: Self::Secure,
        failed: Self::Failed,
    };
}

/// Where the initiating entity's negotiation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InitiatorState {
    /// Waiting for the receiving entity's stream features.
    AwaitingFeatures,
    /// `<starttls/>` sent; waiting for `<proceed/>` or `<failure/>`. Send nothing else
    /// ([RFC 6120 §5.4.2.1](https://www.rfc-editor.org/rfc/rfc6120#section-5.4.2.1)).
    AwaitingProceed,
    /// `<proceed/>` received; every byte from now on is TLS.
    Handshaking,
    /// The handshake completed: restart the stream over TLS
    /// ([RFC 6120 §5.4.3.3](https://www.rfc-editor.org/rfc/rfc6120#section-5.4.3.3)).
    Secure,
    /// Policy allowed going on without TLS and the stream does so.
    Plaintext,
    /// The negotiation failed; the stream is over.
    Failed,
}

/// What the initiating entity does next.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InitiatorAction {
    /// Send this element (`<starttls/>`) and wait for the answer.
    Send(Element),
    /// Go on with the stream without TLS (allowed by policy): the features are the
    /// caller's to process further.
    ContinueWithoutTls,
    /// `<proceed/>` arrived with no byte behind it: discard the framer's state (reset
    /// it), route every further byte from the socket to the TLS engine, and send what
    /// the engine produces
    /// ([RFC 6120 §5.4.3](https://www.rfc-editor.org/rfc/rfc6120#section-5.4.3)).
    StartHandshake,
}

/// The initiating entity's side of STARTTLS.
#[derive(Debug, Clone)]
pub struct Initiator {
    policy: TlsPolicy,
    state: InitiatorState,
    bindings: Option<ChannelBindings>,
}

impl Initiator {
    /// A negotiation under `policy`, waiting for the first stream features.
    #[must_use]
    pub fn new(policy: TlsPolicy) -> Self {
        Initiator {
            policy,
            state: InitiatorState::AwaitingFeatures,
            bindings: None,
        }
    }

    /// The policy in force.
    #[must_use]
    pub fn policy(&self) -> TlsPolicy {
        self.policy
    }

    /// Where the negotiation stands.
    #[must_use]
    pub fn state(&self) -> InitiatorState {
        self.state
    }

    /// True only after a completed TLS handshake.
    #[must_use]
    pub fn is_secure(&self) -> bool {
        self.state == InitiatorState::Secure
    }

    /// The channel bindings exported right after the handshake.
    #[must_use]
    pub fn channel_bindings(&self) -> Option<&ChannelBindings> {
        self.bindings.as_ref()
    }

    fn fail(&mut self, e: NegotiationError) -> NegotiationError {
        InitiatorState::HANDSHAKE.fail(&mut self.state, &mut self.bindings, e)
    }

    /// Handles the receiving entity's `<stream:features/>`
    /// ([RFC 6120 §5.4.1](https://www.rfc-editor.org/rfc/rfc6120#section-5.4.1)).
    ///
    /// # Errors
    /// - [`NegotiationError::TlsNotOffered`]: policy requires TLS and the features carry
    ///   no `<starttls/>` (a stripping attack must never yield a plaintext session);
    /// - [`NegotiationError::PeerRequiresTls`]: the peer requires TLS, policy disables
    ///   it;
    /// - [`NegotiationError::UnexpectedElement`]: not a features element;
    /// - [`NegotiationError::InvalidState`]: not waiting for features.
    pub fn handle_features(
        &mut self,
        features: &Element,
    ) -> Result<InitiatorAction, NegotiationError> {
        if self.state != InitiatorState::AwaitingFeatures {
            return Err(NegotiationError::InvalidState(
                "stream features are handled once, before TLS",
            ));
        }
        if !features.is(STREAM_NS, "features") {
            return Err(self.fail(unexpected(features)));
        }
        let offer = features.get_child(NS_TLS, "starttls");
        let required = offer.is_some_and(|o| o.get_child(NS_TLS, "required").is_some());
        match (self.policy, offer.is_some()) {
            (TlsPolicy::Disabled, _) if required => {
                Err(self.fail(NegotiationError::PeerRequiresTls))
            }
            (TlsPolicy::Disabled, _) | (TlsPolicy::Optional, false) => {
                self.state = InitiatorState::Plaintext;
                Ok(InitiatorAction::ContinueWithoutTls)
            }
            (TlsPolicy::Required, false) => Err(self.fail(NegotiationError::TlsNotOffered)),
            (_, true) => {
                self.state = InitiatorState::AwaitingProceed;
                Ok(InitiatorAction::Send(starttls_request()))
            }
        }
    }

    /// Handles an element received while waiting for the answer to `<starttls/>`.
    /// `unprocessed` is the number of received bytes not yet parsed: the framer's
    /// [`unprocessed`](xmpp_xml::Framer::unprocessed) count plus any bytes the caller
    /// still holds. It must be zero at `<proceed/>`.
    ///
    /// # Errors
    /// - [`NegotiationError::Failure`] for `<failure/>`: the receiving entity closes
    ///   the stream ([RFC 6120 §5.4.2.2](https://www.rfc-editor.org/rfc/rfc6120#section-5.4.2.2));
    /// - [`NegotiationError::PlaintextInjection`] when bytes follow `<proceed/>`;
    /// - [`NegotiationError::UnexpectedElement`] for anything else;
    /// - [`NegotiationError::InvalidState`] when no `<starttls/>` is outstanding.
    pub fn handle_element(
        &mut self,
        element: &Element,
        unprocessed: usize,
    ) -> Result<InitiatorAction, NegotiationError> {
        if self.state != InitiatorState::AwaitingProceed {
            return Err(NegotiationError::InvalidState(
                "no <starttls/> is waiting for an answer",
            ));
        }
        if element.is(NS_TLS, "proceed") {
            if unprocessed != 0 {
                return Err(self.fail(NegotiationError::PlaintextInjection { bytes: unprocessed }));
            }
            self.state = InitiatorState::Handshaking;
            Ok(InitiatorAction::StartHandshake)
        } else if element.is(NS_TLS, "failure") {
            Err(self.fail(NegotiationError::Failure))
        } else {
            Err(self.fail(unexpected(element)))
        }
    }

    /// Reports `n` more received bytes that were not fed to the TLS engine while
    /// handshaking (for example a caller that still parses XML): any is an injection.
    ///
    /// # Errors
    /// [`NegotiationError::PlaintextInjection`] when `n > 0`.
    pub fn plaintext_received(&mut self, n: usize) -> Result<(), NegotiationError> {
        InitiatorState::HANDSHAKE.plaintext_received(n, &mut self.state, &mut self.bindings)
    }

    /// Checks the engine after it was fed; returns `true` once the handshake has
    /// completed (the machine is then [`InitiatorState::Secure`] and the channel
    /// bindings are cached).
    ///
    /// # Errors
    /// [`NegotiationError::Tls`] when the engine failed;
    /// [`NegotiationError::InvalidState`] outside the handshake.
    pub fn handshake_progress<E: TlsEngine + ?Sized>(
        &mut self,
        engine: &E,
    ) -> Result<bool, NegotiationError> {
        InitiatorState::HANDSHAKE.progress(engine, &mut self.state, &mut self.bindings)
    }
}

/// Where the receiving entity's negotiation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReceiverState {
    /// Features sent (with [`Receiver::feature`]); waiting for `<starttls/>` or, when
    /// TLS is optional, anything else.
    Offering,
    /// `<proceed/>` sent; every byte from now on is TLS.
    Handshaking,
    /// The handshake completed: expect a new stream header over TLS
    /// ([RFC 6120 §5.4.3.3](https://www.rfc-editor.org/rfc/rfc6120#section-5.4.3.3)).
    Secure,
    /// TLS was optional and the initiating entity went on without it.
    Plaintext,
    /// The negotiation failed; the stream is over.
    Failed,
}

/// What the receiving entity does next.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReceiverAction {
    /// Send this `<proceed/>`, then reset the framer and route every further byte to
    /// the TLS engine ([RFC 6120 §5.4.2.3](https://www.rfc-editor.org/rfc/rfc6120#section-5.4.2.3)).
    Proceed(Element),
    /// Send this `<failure/>`, then close the stream and the connection
    /// ([RFC 6120 §5.4.2.2](https://www.rfc-editor.org/rfc/rfc6120#section-5.4.2.2)).
    Fail(Element),
    /// Not a STARTTLS element and TLS is optional: the stream goes on in plaintext and
    /// the element is the caller's to process.
    NotStartTls,
}

/// The receiving entity's side of STARTTLS.
#[derive(Debug, Clone)]
pub struct Receiver {
    policy: TlsPolicy,
    state: ReceiverState,
    bindings: Option<ChannelBindings>,
}

impl Receiver {
    /// A negotiation under `policy` (features not yet sent).
    #[must_use]
    pub fn new(policy: TlsPolicy) -> Self {
        Receiver {
            policy,
            state: ReceiverState::Offering,
            bindings: None,
        }
    }

    /// The policy in force.
    #[must_use]
    pub fn policy(&self) -> TlsPolicy {
        self.policy
    }

    /// Where the negotiation stands.
    #[must_use]
    pub fn state(&self) -> ReceiverState {
        self.state
    }

    /// True only after a completed TLS handshake.
    #[must_use]
    pub fn is_secure(&self) -> bool {
        self.state == ReceiverState::Secure
    }

    /// The channel bindings exported right after the handshake.
    #[must_use]
    pub fn channel_bindings(&self) -> Option<&ChannelBindings> {
        self.bindings.as_ref()
    }

    /// The `<starttls/>` child to put in the stream features, `<required/>` when the
    /// policy requires TLS; `None` when TLS is disabled or no longer on offer.
    #[must_use]
    pub fn feature(&self) -> Option<Element> {
        match (self.state, self.policy) {
            (ReceiverState::Offering, TlsPolicy::Required) => Some(starttls_feature(true)),
            (ReceiverState::Offering, TlsPolicy::Optional) => Some(starttls_feature(false)),
            _ => None,
        }
    }

    fn fail(&mut self, e: NegotiationError) -> NegotiationError {
        ReceiverState::HANDSHAKE.fail(&mut self.state, &mut self.bindings, e)
    }

    /// Handles an element from the initiating entity after the features were sent.
    /// `unprocessed` is the number of received bytes not yet parsed (the framer's
    /// [`unprocessed`](xmpp_xml::Framer::unprocessed) count plus any bytes the caller
    /// still holds): the initiating entity must send nothing after `<starttls/>` until
    /// it has `<proceed/>`.
    ///
    /// # Errors
    /// - [`NegotiationError::PlaintextInjection`] when bytes follow `<starttls/>`;
    /// - [`NegotiationError::TlsRequired`] for any other element when TLS is required
    ///   (answer with a `<policy-violation/>` stream error);
    /// - [`NegotiationError::InvalidState`] once the offer is over.
    pub fn handle_element(
        &mut self,
        element: &Element,
        unprocessed: usize,
    ) -> Result<ReceiverAction, NegotiationError> {
        if self.state != ReceiverState::Offering {
            return Err(NegotiationError::InvalidState(
                "STARTTLS is no longer on offer",
            ));
        }
        if element.is(NS_TLS, "starttls") {
            if self.policy == TlsPolicy::Disabled {
                // Not offered: answer like a server that cannot do TLS.
                self.state = ReceiverState::Failed;
                return Ok(ReceiverAction::Fail(failure()));
            }
            if unprocessed != 0 {
                return Err(self.fail(NegotiationError::PlaintextInjection { bytes: unprocessed }));
            }
            self.state = ReceiverState::Handshaking;
            return Ok(ReceiverAction::Proceed(proceed()));
        }
        match self.policy {
            TlsPolicy::Required => Err(self.fail(NegotiationError::TlsRequired)),
            TlsPolicy::Optional | TlsPolicy::Disabled => {
                self.state = ReceiverState::Plaintext;
                Ok(ReceiverAction::NotStartTls)
            }
        }
    }

    /// Refuses a `<starttls/>` the caller cannot honour (for example no TLS engine
    /// could be built): send the returned `<failure/>` and close the stream
    /// ([RFC 6120 §5.4.2.2](https://www.rfc-editor.org/rfc/rfc6120#section-5.4.2.2)).
    pub fn refuse(&mut self) -> Element {
        self.state = ReceiverState::Failed;
        self.bindings = None;
        failure()
    }

    /// Reports `n` more received bytes that were not fed to the TLS engine while
    /// handshaking: any is an injection.
    ///
    /// # Errors
    /// [`NegotiationError::PlaintextInjection`] when `n > 0`.
    pub fn plaintext_received(&mut self, n: usize) -> Result<(), NegotiationError> {
        ReceiverState::HANDSHAKE.plaintext_received(n, &mut self.state, &mut self.bindings)
    }

    /// Checks the engine after it was fed; returns `true` once the handshake has
    /// completed (the machine is then [`ReceiverState::Secure`] and the channel
    /// bindings are cached).
    ///
    /// # Errors
    /// [`NegotiationError::Tls`] when the engine failed;
    /// [`NegotiationError::InvalidState`] outside the handshake.
    pub fn handshake_progress<E: TlsEngine + ?Sized>(
        &mut self,
        engine: &E,
    ) -> Result<bool, NegotiationError> {
        ReceiverState::HANDSHAKE.progress(engine, &mut self.state, &mut self.bindings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features(children: Vec<Element>) -> Element {
        let mut b = Element::builder(STREAM_NS, "features");
        for c in children {
            b = b.child(c);
        }
        b.build().unwrap()
    }

    #[test]
    fn initiator_requests_when_offered() {
        for policy in [TlsPolicy::Required, TlsPolicy::Optional] {
            let mut i = Initiator::new(policy);
            let a = i.handle_features(&features(vec![starttls_feature(false)]));
            assert_eq!(a, Ok(InitiatorAction::Send(starttls_request())));
            assert_eq!(i.state(), InitiatorState::AwaitingProceed);
            assert_eq!(
                i.handle_element(&proceed(), 0),
                Ok(InitiatorAction::StartHandshake)
            );
            assert!(!i.is_secure());
        }
    }

    #[test]
    fn initiator_stripped_starttls() {
        let mut i = Initiator::new(TlsPolicy::Required);
        assert_eq!(
            i.handle_features(&features(vec![])),
            Err(NegotiationError::TlsNotOffered)
        );
        assert_eq!(i.state(), InitiatorState::Failed);
        let mut i = Initiator::new(TlsPolicy::Optional);
        assert_eq!(
            i.handle_features(&features(vec![])),
            Ok(InitiatorAction::ContinueWithoutTls)
        );
    }

    #[test]
    fn initiator_disabled_but_required_by_peer() {
        let mut i = Initiator::new(TlsPolicy::Disabled);
        assert_eq!(
            i.handle_features(&features(vec![starttls_feature(true)])),
            Err(NegotiationError::PeerRequiresTls)
        );
        let mut i = Initiator::new(TlsPolicy::Disabled);
        assert_eq!(
            i.handle_features(&features(vec![starttls_feature(false)])),
            Ok(InitiatorAction::ContinueWithoutTls)
        );
    }

    #[test]
    fn initiator_failure_and_injection() {
        let mut i = Initiator::new(TlsPolicy::Required);
        i.handle_features(&features(vec![starttls_feature(true)]))
            .unwrap();
        assert_eq!(
            i.handle_element(&failure(), 0),
            Err(NegotiationError::Failure)
        );
        assert_eq!(i.state(), InitiatorState::Failed);

        let mut i = Initiator::new(TlsPolicy::Required);
        i.handle_features(&features(vec![starttls_feature(true)]))
            .unwrap();
        assert_eq!(
            i.handle_element(&proceed(), 3),
            Err(NegotiationError::PlaintextInjection { bytes: 3 })
        );
        assert!(!i.is_secure());
    }

    #[test]
    fn initiator_rejects_other_answers_and_bad_order() {
        let mut i = Initiator::new(TlsPolicy::Required);
        assert!(matches!(
            i.handle_element(&proceed(), 0),
            Err(NegotiationError::InvalidState(_))
        ));
        assert!(matches!(
            i.handle_features(&proceed()),
            Err(NegotiationError::UnexpectedElement { .. })
        ));
        let mut i = Initiator::new(TlsPolicy::Required);
        i.handle_features(&features(vec![starttls_feature(true)]))
            .unwrap();
        assert!(matches!(
            i.handle_element(&starttls_request(), 0),
            Err(NegotiationError::UnexpectedElement { .. })
        ));
    }

    #[test]
    fn receiver_offers_by_policy() {
        let r = Receiver::new(TlsPolicy::Required);
        let f = r.feature().unwrap();
        assert!(f.get_child(NS_TLS, "required").is_some());
        let r = Receiver::new(TlsPolicy::Optional);
        assert!(r.feature().unwrap().get_child(NS_TLS, "required").is_none());
        assert!(Receiver::new(TlsPolicy::Disabled).feature().is_none());
    }

    #[test]
    fn receiver_answers() {
        let mut r = Receiver::new(TlsPolicy::Required);
        assert_eq!(
            r.handle_element(&starttls_request(), 0),
            Ok(ReceiverAction::Proceed(proceed()))
        );
        assert_eq!(r.state(), ReceiverState::Handshaking);
        assert!(r.feature().is_none());

        let mut r = Receiver::new(TlsPolicy::Required);
        assert_eq!(
            r.handle_element(&starttls_request(), 1),
            Err(NegotiationError::PlaintextInjection { bytes: 1 })
        );

        let mut r = Receiver::new(TlsPolicy::Required);
        let auth = Element::builder("urn:ietf:params:xml:ns:xmpp-sasl", "auth")
            .build()
            .unwrap();
        assert_eq!(
            r.handle_element(&auth, 0),
            Err(NegotiationError::TlsRequired)
        );

        let mut r = Receiver::new(TlsPolicy::Optional);
        assert_eq!(r.handle_element(&auth, 0), Ok(ReceiverAction::NotStartTls));
        assert_eq!(r.state(), ReceiverState::Plaintext);

        let mut r = Receiver::new(TlsPolicy::Disabled);
        assert_eq!(
            r.handle_element(&starttls_request(), 0),
            Ok(ReceiverAction::Fail(failure()))
        );

        let mut r = Receiver::new(TlsPolicy::Required);
        assert_eq!(r.refuse(), failure());
        assert_eq!(r.state(), ReceiverState::Failed);
    }
}
