//! The TLS engine trait: the one seam between the XMPP side and a TLS library.

use crate::error::TlsError;

/// Which side of the TLS connection an engine plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The TLS client (the XMPP initiating entity).
    Client,
    /// The TLS server (the XMPP receiving entity).
    Server,
}

/// Where the TLS handshake stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HandshakeState {
    /// Still exchanging handshake messages.
    InProgress,
    /// The handshake completed: application data flows and keying material can be
    /// exported.
    Complete,
    /// The engine hit a fatal error; it takes no more input.
    Failed,
}

/// The negotiated TLS protocol version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TlsVersion {
    /// TLS 1.2 ([RFC 5246](https://www.rfc-editor.org/rfc/rfc5246)).
    Tls12,
    /// TLS 1.3 ([RFC 8446](https://www.rfc-editor.org/rfc/rfc8446)).
    Tls13,
    /// Any other version, by its wire code.
    Other(u16),
}

/// A sans-IO TLS engine: ciphertext ("wire bytes") in and out on one side, plaintext
/// in and out on the other, no sockets, no clock of its own, no threads.
///
/// All buffers are bounded. Inputs report how much they took; taking less than offered
/// is backpressure, not an error: drain the other side
/// ([`TlsEngine::read_plaintext`] or [`TlsEngine::poll_wire`]) and offer the rest again.
///
/// Drive it like this after every input:
/// 1. [`TlsEngine::feed_wire`] with bytes from the socket;
/// 2. [`TlsEngine::read_plaintext`] until it returns 0;
/// 3. [`TlsEngine::poll_wire`] and send what it appended.
///
/// [`RustlsEngine`](crate::RustlsEngine) implements it over rustls; see the crate
/// documentation for plugging another library in.
pub trait TlsEngine {
    /// The role this engine plays.
    fn role(&self) -> Role;

    /// Offers wire bytes received from the peer and processes every complete TLS
    /// record among them. Returns how many bytes were taken; fewer than `wire.len()`
    /// when the plaintext buffer is full (drain [`TlsEngine::read_plaintext`] first)
    /// or after the peer's `close_notify`.
    ///
    /// # Errors
    /// A fatal TLS error (bad record, failed certificate validation, alert, ...). The
    /// engine is then [`HandshakeState::Failed`] and an alert for the peer may be
    /// waiting in [`TlsEngine::poll_wire`].
    fn feed_wire(&mut self, wire: &[u8]) -> Result<usize, TlsError>;

    /// Moves decrypted application data into `out`; returns how many bytes were
    /// written, 0 when none is available right now.
    fn read_plaintext(&mut self, out: &mut [u8]) -> usize;

    /// How many decrypted bytes wait in the plaintext buffer.
    fn plaintext_pending(&self) -> usize;

    /// Offers application data for encryption. Returns how many bytes were taken;
    /// fewer than `data.len()` when the outgoing wire buffer is full (drain
    /// [`TlsEngine::poll_wire`] first). Data written during the handshake is held
    /// (within the same bound) and sent once it completes.
    ///
    /// # Errors
    /// [`TlsErrorKind::Closed`](crate::TlsErrorKind::Closed) after `close_notify` was
    /// sent, or the engine's fatal error.
    fn write_plaintext(&mut self, data: &[u8]) -> Result<usize, TlsError>;

    /// Appends every pending wire byte (handshake messages, records, alerts) to `out`;
    /// returns how many were appended.
    fn poll_wire(&mut self, out: &mut Vec<u8>) -> usize;

    /// True when [`TlsEngine::poll_wire`] has bytes to give.
    fn wants_write(&self) -> bool;

    /// Where the handshake stands.
    fn handshake_state(&self) -> HandshakeState;

    /// Queues a `close_notify` alert
    /// ([RFC 8446 §6.1](https://www.rfc-editor.org/rfc/rfc8446#section-6.1)); no more
    /// plaintext is accepted afterwards.
    fn send_close_notify(&mut self);

    /// True once the peer's `close_notify` was received: no more plaintext will come.
    fn peer_closed(&self) -> bool;

    /// The peer's certificate chain as DER, end-entity first, or `None` before the
    /// handshake or when the peer sent none. `index` 0 is the end-entity
    /// certificate.
    fn peer_certificate(&self, index: usize) -> Option<&[u8]>;

    /// The TLS server's end-entity certificate as DER: the peer's on a client, the one
    /// this engine sent on a server. Used for `tls-server-end-point`
    /// ([RFC 5929 §4](https://www.rfc-editor.org/rfc/rfc5929#section-4)).
    fn server_certificate(&self) -> Option<&[u8]>;

    /// The negotiated protocol version, once known.
    fn protocol_version(&self) -> Option<TlsVersion>;

    /// The ALPN protocol both sides agreed on, if any
    /// ([RFC 7301](https://www.rfc-editor.org/rfc/rfc7301)).
    fn alpn_protocol(&self) -> Option<&[u8]>;

    /// Whether a TLS 1.2 connection used the extended master secret
    /// ([RFC 7627](https://www.rfc-editor.org/rfc/rfc7627)): `Some(true)` only when the
    /// engine can guarantee it, `None` when it cannot tell (or the version is not 1.2).
    fn extended_master_secret(&self) -> Option<bool>;

    /// Exports keying material
    /// ([RFC 5705](https://www.rfc-editor.org/rfc/rfc5705),
    /// [RFC 8446 §7.5](https://www.rfc-editor.org/rfc/rfc8446#section-7.5)) into `out`.
    ///
    /// # Errors
    /// [`TlsErrorKind::HandshakeNotComplete`](crate::TlsErrorKind::HandshakeNotComplete)
    /// before the handshake, or the engine's refusal.
    fn export_keying_material(
        &self,
        out: &mut [u8],
        label: &[u8],
        context: Option<&[u8]>,
    ) -> Result<(), TlsError>;

    /// The fatal error that stopped the engine, if any (see
    /// [`HandshakeState::Failed`]). The default knows none.
    fn error(&self) -> Option<&TlsError> {
        None
    }

    /// The `tls-unique` channel binding
    /// ([RFC 5929 §3](https://www.rfc-editor.org/rfc/rfc5929#section-3)), when the
    /// engine can give it (TLS 1.2 only). The default says it cannot.
    fn tls_unique(&self) -> Option<Vec<u8>> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The trait stays object-safe: xmpp-core can hold a `Box<dyn TlsEngine>`.
    #[test]
    fn dyn_compatible() {
        fn takes(_: Option<&dyn TlsEngine>) {}
        takes(None);
        assert_ne!(TlsVersion::Tls12, TlsVersion::Tls13);
        assert_ne!(Role::Client, Role::Server);
    }
}
