//! Injected randomness: nonces and salts come from a [`NonceSource`].
//!
//! The library never draws randomness on its own (sans-IO): the caller passes a source.
//! [`OsNonceSource`] (feature `getrandom`, on by default) is the one to use in
//! production; [`FixedNonceSource`] and [`SeededNonceSource`] make exchanges
//! reproducible in tests.

use alloc::string::String;
use alloc::vec::Vec;

use base64::Engine as _;

use crate::error::{Condition, Error, Reason};

/// Number of random octets in a default nonce (base64-encoded to 24 characters).
pub const NONCE_OCTETS: usize = 18;

/// A source of nonces and salts.
pub trait NonceSource {
    /// Fills `dest` with unpredictable octets.
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Error>;

    /// A fresh printable nonce without `,` (SCRAM `c-nonce`/`s-nonce`
    /// [RFC 5802 §7](https://www.rfc-editor.org/rfc/rfc5802#section-7), DIGEST-MD5
    /// `nonce`/`cnonce`). The default draws [`NONCE_OCTETS`] octets and encodes them in
    /// base64 without padding.
    fn nonce(&mut self) -> Result<String, Error> {
        let mut raw = [0u8; NONCE_OCTETS];
        self.fill_bytes(&mut raw)?;
        Ok(base64::engine::general_purpose::STANDARD_NO_PAD.encode(raw))
    }
}

impl<T: NonceSource + ?Sized> NonceSource for &mut T {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        (**self).fill_bytes(dest)
    }
    fn nonce(&mut self) -> Result<String, Error> {
        (**self).nonce()
    }
}

impl<T: NonceSource + ?Sized> NonceSource for alloc::boxed::Box<T> {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        (**self).fill_bytes(dest)
    }
    fn nonce(&mut self) -> Result<String, Error> {
        (**self).nonce()
    }
}

/// The operating system's random number generator, through `getrandom`.
#[cfg(feature = "getrandom")]
#[derive(Debug, Clone, Copy, Default)]
pub struct OsNonceSource;

#[cfg(feature = "getrandom")]
impl NonceSource for OsNonceSource {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        getrandom::fill(dest)
            .map_err(|_| Error::new(Condition::TemporaryAuthFailure, Reason::Randomness))
    }
}

/// A deterministic generator (SplitMix64) for tests and fuzzing. Never use it in
/// production: its output is predictable.
#[derive(Debug, Clone)]
pub struct SeededNonceSource {
    state: u64,
}

impl SeededNonceSource {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        SeededNonceSource { state: seed }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl NonceSource for SeededNonceSource {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        for chunk in dest.chunks_mut(8) {
            let v = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
        Ok(())
    }
}

/// Returns the given nonces in order (for reproducing published exchanges), then
/// fails. Salts and other octets come from a [`SeededNonceSource`] with seed 0.
#[derive(Debug, Clone)]
pub struct FixedNonceSource {
    nonces: Vec<String>,
    next: usize,
    bytes: SeededNonceSource,
}

impl FixedNonceSource {
    /// A source that hands out `nonces` in order.
    pub fn new<I, S>(nonces: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        FixedNonceSource {
            nonces: nonces.into_iter().map(Into::into).collect(),
            next: 0,
            bytes: SeededNonceSource::new(0),
        }
    }
}

impl NonceSource for FixedNonceSource {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        self.bytes.fill_bytes(dest)
    }

    fn nonce(&mut self) -> Result<String, Error> {
        let n = self.nonces.get(self.next).cloned().ok_or(Error::new(
            Condition::TemporaryAuthFailure,
            Reason::Randomness,
        ))?;
        self.next += 1;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_nonce_is_printable_without_comma() {
        let mut s = SeededNonceSource::new(7);
        let n = s.nonce().unwrap();
        assert_eq!(n.len(), 24);
        assert!(n.bytes().all(|b| (0x21..=0x7e).contains(&b) && b != b','));
        assert_ne!(n, s.nonce().unwrap());
    }

    #[test]
    fn fixed_in_order_then_fails() {
        let mut f = FixedNonceSource::new(["a", "b"]);
        assert_eq!(f.nonce().unwrap(), "a");
        assert_eq!(f.nonce().unwrap(), "b");
        assert!(f.nonce().is_err());
    }

    #[cfg(feature = "getrandom")]
    #[test]
    fn os_source_works() {
        let mut a = [0u8; 32];
        OsNonceSource.fill_bytes(&mut a).unwrap();
        assert_ne!(a, [0u8; 32]);
    }
}
