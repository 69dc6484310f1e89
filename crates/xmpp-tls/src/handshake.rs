//! Handshake progress shared by the TLS state machines: polling the engine until the
//! handshake completes, and the state moves around it that the STARTTLS initiator and
//! receiver make alike.

use crate::channel_binding::ChannelBindings;
use crate::engine::{HandshakeState, TlsEngine};
use crate::error::{NegotiationError, TlsError, TlsErrorKind};

/// Checks the engine after a feed; `Some` with freshly exported channel bindings once
/// the handshake has completed.
pub(crate) fn poll_handshake<E: TlsEngine + ?Sized>(
    engine: &E,
) -> Result<Option<ChannelBindings>, NegotiationError> {
    match engine.handshake_state() {
        HandshakeState::InProgress => Ok(None),
        HandshakeState::Failed => Err(NegotiationError::Tls(
            engine
                .error()
                .cloned()
                .unwrap_or_else(|| TlsError::new(TlsErrorKind::Other, "TLS engine failed")),
        )),
        HandshakeState::Complete => Ok(Some(ChannelBindings::export(engine)?)),
    }
}

/// The states that the handshake steps move a machine between. The STARTTLS
/// [`Initiator`](crate::Initiator) and [`Receiver`](crate::Receiver) run the same steps
/// and differ only in their state enums, so each names its three states here and both
/// share one implementation of the steps.
pub(crate) struct HandshakeStates<S> {
    pub(crate) handshaking: S,
    pub(crate) secure: S,
    pub(crate) failed: S,
}

impl<S: Copy + PartialEq> HandshakeStates<S> {
    /// Moves to `failed` and forgets any bindings: a failed negotiation keeps nothing.
    pub(crate) fn fail(
        &self,
        state: &mut S,
        bindings: &mut Option<ChannelBindings>,
        e: NegotiationError,
    ) -> NegotiationError {
        *state = self.failed;
        *bindings = None;
        e
    }

    /// Any byte reported while handshaking is plaintext injected before TLS.
    pub(crate) fn plaintext_received(
        &self,
        n: usize,
        state: &mut S,
        bindings: &mut Option<ChannelBindings>,
    ) -> Result<(), NegotiationError> {
        if n > 0 && *state == self.handshaking {
            return Err(self.fail(
                state,
                bindings,
                NegotiationError::PlaintextInjection { bytes: n },
            ));
        }
        Ok(())
    }

    /// Polls the engine while handshaking; `true` once secure, with the bindings cached.
    pub(crate) fn progress<E: TlsEngine + ?Sized>(
        &self,
        engine: &E,
        state: &mut S,
        bindings: &mut Option<ChannelBindings>,
    ) -> Result<bool, NegotiationError> {
        if *state == self.secure {
            return Ok(true);
        }
        if *state != self.handshaking {
            return Err(NegotiationError::InvalidState("no TLS handshake under way"));
        }
        match poll_handshake(engine) {
            Ok(None) => Ok(false),
            Ok(Some(b)) => {
                *bindings = Some(b);
                *state = self.secure;
                Ok(true)
            }
            Err(e) => Err(self.fail(state, bindings, e)),
        }
    }
}
