//! EXTERNAL ([RFC 4422 appendix A](https://www.rfc-editor.org/rfc/rfc4422#appendix-A)):
//! the identity comes from outside SASL (for XMPP, usually the TLS client certificate);
//! the client only sends an optional authorization identity.

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{Error, Reason};
use crate::mechanism::{
    Authenticated, ClientMechanism, Limits, Mechanism, ServerMechanism, ServerStep,
};
use crate::single_message;
use crate::store::{CredentialStore, authorize_authzid};

/// The client side of EXTERNAL.
#[derive(Debug, Clone, Default)]
pub struct ExternalClient {
    authzid: Option<String>,
    sent: bool,
    failed: bool,
}

impl ExternalClient {
    /// A client requesting no authorization identity (the server derives it).
    pub fn new() -> Self {
        ExternalClient::default()
    }

    /// Requests an authorization identity.
    pub fn authzid(mut self, authzid: impl Into<String>) -> Self {
        self.authzid = Some(authzid.into());
        self
    }

    fn message(&mut self) -> Vec<u8> {
        self.sent = true;
        self.authzid.as_deref().unwrap_or("").as_bytes().into()
    }
}

impl ClientMechanism for ExternalClient {
    fn mechanism(&self) -> Mechanism {
        Mechanism::External
    }

    fn start(&mut self) -> Result<Option<Vec<u8>>, Error> {
        if self.sent {
            return Err(Error::unexpected());
        }
        Ok(Some(self.message()))
    }

    fn step(&mut self, challenge: &[u8]) -> Result<Vec<u8>, Error> {
        if challenge.is_empty() && !self.sent {
            return Ok(self.message());
        }
        self.failed = true;
        Err(Error::unexpected())
    }

    fn finish(&mut self, additional_data: Option<&[u8]>) -> Result<(), Error> {
        single_message::client_finish(self.sent, &mut self.failed, additional_data)
    }
}

/// The server side of EXTERNAL: the caller passes the identity the lower layer
/// established (for example from the client certificate).
#[derive(Debug)]
pub struct ExternalServer<S: CredentialStore> {
    store: S,
    identity: Option<String>,
    limits: Limits,
    started: bool,
    done: bool,
}

impl<S: CredentialStore> ExternalServer<S> {
    /// A server for a connection whose external identity is `identity` (`None`: the
    /// lower layer authenticated nobody, so EXTERNAL fails with `not-authorized`).
    pub fn new(store: S, identity: Option<String>) -> Self {
        ExternalServer {
            store,
            identity,
            limits: Limits::default(),
            started: false,
            done: false,
        }
    }

    /// Limits on the client's message.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    fn verify(&mut self, msg: &[u8]) -> Result<ServerStep, Error> {
        self.done = true;
        self.limits.check_len(msg)?;
        let authzid = core::str::from_utf8(msg).map_err(|_| Error::malformed(Reason::Utf8))?;
        if authzid.contains('\0') {
            return Err(Error::malformed(Reason::ForbiddenCharacter));
        }
        let identity = self
            .identity
            .clone()
            .ok_or(Error::not_authorized(Reason::Missing("external identity")))?;
        let authzid = authorize_authzid(&self.store, &identity, authzid)?;
        Ok(ServerStep::Success {
            additional_data: None,
            authenticated: Authenticated {
                authcid: Some(identity),
                authzid,
                trace: None,
            },
        })
    }
}

impl<S: CredentialStore> ServerMechanism for ExternalServer<S> {
    fn mechanism(&self) -> Mechanism {
        Mechanism::External
    }

    fn start(&mut self, initial_response: Option<&[u8]>) -> Result<ServerStep, Error> {
        single_message::server_start(&mut self.started)?;
        single_message::server_answer(initial_response, |msg| self.verify(msg))
    }

    fn step(&mut self, response: &[u8]) -> Result<ServerStep, Error> {
        single_message::server_step(self.started, self.done)?;
        self.verify(response)
    }
}
