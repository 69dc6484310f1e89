//! Bounds on the buffers an engine keeps, with backpressure instead of growth.

/// Buffer bounds for a [`TlsEngine`](crate::TlsEngine).
///
/// Inputs that would go past a bound are taken only partly: the engine returns how
/// many bytes it took, and the caller drains the other side and offers the rest again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BufferLimits {
    /// Decrypted bytes held for [`TlsEngine::read_plaintext`](crate::TlsEngine::read_plaintext):
    /// once this many are pending, [`TlsEngine::feed_wire`](crate::TlsEngine::feed_wire)
    /// takes no more wire bytes. A single TLS record decrypts to at most 16 KiB, so
    /// the buffer never exceeds this bound by more than one record. (rustls also
    /// stops reading on its own at 16 KiB of pending plaintext, so larger values act
    /// like 16 KiB with [`RustlsEngine`](crate::RustlsEngine).)
    pub plaintext_in: usize,
    /// Encrypted bytes (and plaintext written before the handshake completes) held
    /// for [`TlsEngine::poll_wire`](crate::TlsEngine::poll_wire): past it,
    /// [`TlsEngine::write_plaintext`](crate::TlsEngine::write_plaintext) takes only
    /// part of its input. Handshake messages and alerts are not counted.
    pub wire_out: usize,
}

impl BufferLimits {
    /// 16 KiB of pending plaintext (one full TLS record) and 64 KiB of pending wire
    /// output.
    pub const DEFAULT: BufferLimits = BufferLimits {
        plaintext_in: 16 * 1024,
        wire_out: 64 * 1024,
    };
}

impl Default for BufferLimits {
    fn default() -> Self {
        BufferLimits::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_bounded() {
        let l = BufferLimits::default();
        assert_eq!(l, BufferLimits::DEFAULT);
        assert!(l.plaintext_in > 0 && l.wire_out > 0);
    }
}
