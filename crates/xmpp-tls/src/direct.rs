//! Direct TLS ([XEP-0368](https://xmpp.org/extensions/xep-0368.html)): TLS first,
//! then the XMPP stream, with ALPN `xmpp-client` / `xmpp-server` and SNI set to the
//! domain.

use std::sync::Arc;

use rustls::{ClientConfig, ServerConfig};

use crate::channel_binding::ChannelBindings;
use crate::engine::TlsEngine;
use crate::error::{NegotiationError, TlsError};
use crate::handshake::poll_handshake;
use crate::rustls_engine::RustlsEngine;

/// ALPN protocol id for client-to-server streams
/// ([XEP-0368](https://xmpp.org/extensions/xep-0368.html)).
pub const ALPN_XMPP_CLIENT: &[u8] = b"xmpp-client";

/// ALPN protocol id for server-to-server streams
/// ([XEP-0368](https://xmpp.org/extensions/xep-0368.html)).
pub const ALPN_XMPP_SERVER: &[u8] = b"xmpp-server";

/// Which kind of XMPP stream runs inside the TLS connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StreamKind {
    /// Client-to-server (`jabber:client`, ALPN `xmpp-client`).
    ClientToServer,
    /// Server-to-server (`jabber:server`, ALPN `xmpp-server`).
    ServerToServer,
}

impl StreamKind {
    /// The ALPN protocol id for this kind.
    #[must_use]
    pub const fn alpn(self) -> &'static [u8] {
        match self {
            StreamKind::ClientToServer => ALPN_XMPP_CLIENT,
            StreamKind::ServerToServer => ALPN_XMPP_SERVER,
        }
    }
}

/// Where a direct-TLS connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DirectState {
    /// The TLS handshake is under way; no XMPP byte may be sent or parsed yet.
    Handshaking,
    /// The handshake completed with an acceptable ALPN result: open the stream.
    Secure,
    /// The handshake failed.
    Failed,
}

/// The negotiation of a direct-TLS connection (either role): tracks the handshake,
/// checks ALPN, caches the channel bindings.
#[derive(Debug, Clone)]
pub struct DirectTls {
    kind: StreamKind,
    state: DirectState,
    bindings: Option<ChannelBindings>,
}

impl DirectTls {
    /// Builds a rustls client engine for direct TLS to `domain`: SNI is `domain` (when the
    /// configuration enables SNI, the rustls default), the certificate must be valid for
    /// `domain`, and ALPN offers exactly [`StreamKind::alpn`].
    ///
    /// # Errors
    /// As [`RustlsEngine::client`].
    pub fn client_engine(
        config: Arc<ClientConfig>,
        domain: &str,
        kind: StreamKind,
    ) -> Result<RustlsEngine, TlsError> {
        RustlsEngine::client_with_alpn(config, domain, vec![kind.alpn().to_vec()])
    }

    /// Builds a rustls server engine for direct TLS that accepts exactly
    /// [`StreamKind::alpn`] (a client offering only other protocols is refused with
    /// `no_application_protocol`; a client offering none is accepted).
    ///
    /// # Errors
    /// As [`RustlsEngine::server`].
    pub fn server_engine(
        config: Arc<ServerConfig>,
        kind: StreamKind,
    ) -> Result<RustlsEngine, TlsError> {
        RustlsEngine::server_with_alpn(config, vec![kind.alpn().to_vec()])
    }

    /// A connection for `kind`, handshaking.
    #[must_use]
    pub fn new(kind: StreamKind) -> Self {
        DirectTls {
            kind,
            state: DirectState::Handshaking,
            bindings: None,
        }
    }

    /// The stream kind.
    #[must_use]
    pub fn kind(&self) -> StreamKind {
        self.kind
    }

    /// Where the connection stands.
    #[must_use]
    pub fn state(&self) -> DirectState {
        self.state
    }

    /// True only after a completed handshake with an acceptable ALPN result.
    #[must_use]
    pub fn is_secure(&self) -> bool {
        self.state == DirectState::Secure
    }

    /// The channel bindings exported right after the handshake.
    #[must_use]
    pub fn channel_bindings(&self) -> Option<&ChannelBindings> {
        self.bindings.as_ref()
    }

    /// Checks the engine after it was fed; returns `true` once secure. A negotiated
    /// ALPN protocol other than the kind's is refused; no ALPN at all is accepted
    /// (peers that predate XEP-0368's ALPN requirement).
    ///
    /// # Errors
    /// [`NegotiationError::Tls`] when the engine failed,
    /// [`NegotiationError::WrongApplicationProtocol`] for a foreign ALPN result,
    /// [`NegotiationError::InvalidState`] after a failure.
    pub fn handshake_progress<E: TlsEngine + ?Sized>(
        &mut self,
        engine: &E,
    ) -> Result<bool, NegotiationError> {
        match self.state {
            DirectState::Secure => return Ok(true),
            DirectState::Failed => {
                return Err(NegotiationError::InvalidState("direct TLS already failed"));
            }
            DirectState::Handshaking => {}
        }
        let result = poll_handshake(engine).and_then(|b| match b {
            Some(_)
                if engine
                    .alpn_protocol()
                    .is_some_and(|p| p != self.kind.alpn()) =>
            {
                Err(NegotiationError::WrongApplicationProtocol)
            }
            other => Ok(other),
        });
        match result {
            Ok(None) => Ok(false),
            Ok(Some(b)) => {
                self.bindings = Some(b);
                self.state = DirectState::Secure;
                Ok(true)
            }
            Err(e) => {
                self.state = DirectState::Failed;
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alpn_ids() {
        assert_eq!(StreamKind::ClientToServer.alpn(), b"xmpp-client");
        assert_eq!(StreamKind::ServerToServer.alpn(), b"xmpp-server");
        let d = DirectTls::new(StreamKind::ClientToServer);
        assert_eq!(d.state(), DirectState::Handshaking);
        assert!(!d.is_secure());
        assert!(d.channel_bindings().is_none());
    }
}
