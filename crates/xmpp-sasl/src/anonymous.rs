//! ANONYMOUS ([RFC 4505](https://www.rfc-editor.org/rfc/rfc4505)): no credentials, an
//! optional trace string (an email address or up to 255 characters of text).

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{Error, Reason};
use crate::mechanism::{Authenticated, ClientMechanism, Mechanism, ServerMechanism, ServerStep};
use crate::single_message;

/// Maximum trace length in characters
/// ([RFC 4505 §3](https://www.rfc-editor.org/rfc/rfc4505#section-3)).
pub const MAX_TRACE_CHARS: usize = 255;

/// The client side of ANONYMOUS.
#[derive(Debug, Clone, Default)]
pub struct AnonymousClient {
    trace: String,
    sent: bool,
    failed: bool,
}

impl AnonymousClient {
    /// A client sending `trace` (may be empty).
    pub fn new(trace: impl Into<String>) -> Self {
        AnonymousClient {
            trace: trace.into(),
            sent: false,
            failed: false,
        }
    }

    fn message(&mut self) -> Result<Vec<u8>, Error> {
        self.sent = true;
        self.failed = check_trace(&self.trace).is_err();
        check_trace(&self.trace)
            .map_err(|e| Error::new(crate::Condition::Aborted, e.reason().clone()))?;
        Ok(self.trace.as_bytes().into())
    }
}

fn check_trace(trace: &str) -> Result<(), Error> {
    if trace.chars().count() > MAX_TRACE_CHARS {
        return Err(Error::malformed(Reason::FieldTooLong("trace")));
    }
    if trace.contains('\0') {
        return Err(Error::malformed(Reason::ForbiddenCharacter));
    }
    Ok(())
}

impl ClientMechanism for AnonymousClient {
    fn mechanism(&self) -> Mechanism {
        Mechanism::Anonymous
    }

    fn start(&mut self) -> Result<Option<Vec<u8>>, Error> {
        if self.sent {
            return Err(Error::unexpected());
        }
        self.message().map(Some)
    }

    fn step(&mut self, challenge: &[u8]) -> Result<Vec<u8>, Error> {
        if challenge.is_empty() && !self.sent {
            return self.message();
        }
        self.failed = true;
        Err(Error::unexpected())
    }

    fn finish(&mut self, additional_data: Option<&[u8]>) -> Result<(), Error> {
        single_message::client_finish(self.sent, &mut self.failed, additional_data)
    }
}

/// The server side of ANONYMOUS. Whether anonymous access is allowed at all is the
/// caller's decision (do not offer the mechanism otherwise).
#[derive(Debug, Clone, Default)]
pub struct AnonymousServer {
    started: bool,
    done: bool,
}

impl AnonymousServer {
    /// A server accepting any well-formed trace.
    pub fn new() -> Self {
        AnonymousServer::default()
    }

    fn accept(&mut self, msg: &[u8]) -> Result<ServerStep, Error> {
        self.done = true;
        if msg.len() > MAX_TRACE_CHARS * 4 {
            return Err(Error::malformed(Reason::MessageTooLong));
        }
        let trace = core::str::from_utf8(msg).map_err(|_| Error::malformed(Reason::Utf8))?;
        check_trace(trace)?;
        Ok(ServerStep::Success {
            additional_data: None,
            authenticated: Authenticated {
                authcid: None,
                authzid: None,
                trace: (!trace.is_empty()).then(|| String::from(trace)),
            },
        })
    }
}

impl ServerMechanism for AnonymousServer {
    fn mechanism(&self) -> Mechanism {
        Mechanism::Anonymous
    }

    fn start(&mut self, initial_response: Option<&[u8]>) -> Result<ServerStep, Error> {
        single_message::server_start(&mut self.started)?;
        single_message::server_answer(initial_response, |msg| self.accept(msg))
    }

    fn step(&mut self, response: &[u8]) -> Result<ServerStep, Error> {
        single_message::server_step(self.started, self.done)?;
        self.accept(response)
    }
}
