//! Randomness drawn ahead for one SASL exchange.
//!
//! xmpp-sasl's server mechanisms own their nonce source for the whole exchange, while
//! the connection owns the application's source. Drawing a fixed budget up front lets
//! each exchange own its octets without sharing the source.

use base64::Engine as _;
use xmpp_sasl::{Condition, Error, NonceSource, Reason};
use zeroize::Zeroizing;

/// Octets drawn per exchange: a SCRAM server uses at most a nonce (18), a fake salt
/// (16) and a fake-key secret (32) for an unknown user.
const BUDGET: usize = 128;

pub(crate) struct Drawn {
    /// The source's own nonce, handed out once: a source that scripts its nonces
    /// (`FixedNonceSource`) then drives the server's SCRAM nonce too.
    nonce: Option<String>,
    octets: Zeroizing<Vec<u8>>,
    used: usize,
}

impl Drawn {
    /// Draws the budget from `source`; `None` when it fails.
    pub(crate) fn draw(source: &mut dyn NonceSource) -> Option<Drawn> {
        let nonce = source.nonce().ok()?;
        let mut octets = Zeroizing::new(vec![0u8; BUDGET]);
        source.fill_bytes(&mut octets).ok()?;
        Some(Drawn {
            nonce: Some(nonce),
            octets,
            used: 0,
        })
    }
}

impl NonceSource for Drawn {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        let end = self.used + dest.len();
        let Some(src) = self.octets.get(self.used..end) else {
            return Err(Error::new(
                Condition::TemporaryAuthFailure,
                Reason::Randomness,
            ));
        };
        dest.copy_from_slice(src);
        self.used = end;
        Ok(())
    }

    fn nonce(&mut self) -> Result<String, Error> {
        match self.nonce.take() {
            Some(n) => Ok(n),
            None => {
                let mut raw = [0u8; xmpp_sasl::NONCE_OCTETS];
                self.fill_bytes(&mut raw)?;
                Ok(base64::engine::general_purpose::STANDARD_NO_PAD.encode(raw))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hands_out_then_fails() {
        let mut src = xmpp_sasl::SeededNonceSource::new(1);
        let mut d = Drawn::draw(&mut src).unwrap();
        let mut a = [0u8; 100];
        d.fill_bytes(&mut a).unwrap();
        let mut b = [0u8; 28];
        d.fill_bytes(&mut b).unwrap();
        assert!(d.fill_bytes(&mut [0u8; 1]).is_err());
        assert_ne!(a[..28], b);
    }

    #[test]
    fn scripted_nonce_first_then_drawn_ones() {
        let mut src = xmpp_sasl::FixedNonceSource::new(["first"]);
        let mut d = Drawn::draw(&mut src).unwrap();
        assert_eq!(d.nonce().unwrap(), "first");
        let second = d.nonce().unwrap();
        assert_eq!(second.len(), 24);
        assert!(
            second
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
        );
    }
}
