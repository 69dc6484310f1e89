//! Test doubles for driving a [`Connection`](crate::Connection) without real TLS.

use xmpp_tls::{HandshakeState, Role, TlsEngine, TlsError, TlsErrorKind, TlsVersion};

/// A "TLS" engine that encrypts nothing: wire bytes are plaintext, the handshake is
/// complete at once, and the `tls-exporter` binding is a fixed 32-octet value. It
/// reaches every TLS-gated path (STARTTLS, -PLUS mechanisms, PLAIN) in fuzzing and
/// scripted transcripts. **Never use it on a network.**
#[derive(Debug, Clone)]
pub struct NullTlsEngine {
    role: Role,
    incoming: Vec<u8>,
    outgoing: Vec<u8>,
    closed_by_peer: bool,
}

impl NullTlsEngine {
    /// An engine for `role`.
    #[must_use]
    pub fn new(role: Role) -> Self {
        NullTlsEngine {
            role,
            incoming: Vec::new(),
            outgoing: Vec::new(),
            closed_by_peer: false,
        }
    }
}

impl TlsEngine for NullTlsEngine {
    fn role(&self) -> Role {
        self.role
    }
    fn feed_wire(&mut self, wire: &[u8]) -> Result<usize, TlsError> {
        // Bounded like a real engine: at most 16 KiB pending.
        let room = (16 * 1024usize).saturating_sub(self.incoming.len());
        let n = room.min(wire.len());
        self.incoming.extend_from_slice(&wire[..n]);
        Ok(n)
    }
    fn read_plaintext(&mut self, out: &mut [u8]) -> usize {
        let n = out.len().min(self.incoming.len());
        out[..n].copy_from_slice(&self.incoming[..n]);
        self.incoming.drain(..n);
        n
    }
    fn plaintext_pending(&self) -> usize {
        self.incoming.len()
    }
    fn write_plaintext(&mut self, data: &[u8]) -> Result<usize, TlsError> {
        self.outgoing.extend_from_slice(data);
        Ok(data.len())
    }
    fn poll_wire(&mut self, out: &mut Vec<u8>) -> usize {
        let n = self.outgoing.len();
        out.append(&mut self.outgoing);
        n
    }
    fn wants_write(&self) -> bool {
        !self.outgoing.is_empty()
    }
    fn handshake_state(&self) -> HandshakeState {
        HandshakeState::Complete
    }
    fn send_close_notify(&mut self) {}
    fn peer_closed(&self) -> bool {
        self.closed_by_peer
    }
    fn peer_certificate(&self, _index: usize) -> Option<&[u8]> {
        None
    }
    fn server_certificate(&self) -> Option<&[u8]> {
        None
    }
    fn protocol_version(&self) -> Option<TlsVersion> {
        Some(TlsVersion::Tls13)
    }
    fn alpn_protocol(&self) -> Option<&[u8]> {
        None
    }
    fn extended_master_secret(&self) -> Option<bool> {
        Some(true)
    }
    fn export_keying_material(
        &self,
        out: &mut [u8],
        label: &[u8],
        _context: Option<&[u8]>,
    ) -> Result<(), TlsError> {
        if label.is_empty() {
            return Err(TlsError::new(TlsErrorKind::Other, "empty label"));
        }
        for (i, b) in out.iter_mut().enumerate() {
            *b = label[i % label.len()] ^ (i as u8);
        }
        Ok(())
    }
}
