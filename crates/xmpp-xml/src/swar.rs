//! Word-at-a-time byte tests ("SIMD within a register") shared by the scanners: eight
//! bytes of a little-endian `u64` at once, with no `unsafe`.

/// `0x01` in every byte: `LO * b` repeats byte `b`.
pub(crate) const LO: u64 = 0x0101_0101_0101_0101;
/// Bit 7 of every byte.
pub(crate) const HI: u64 = 0x8080_8080_8080_8080;

/// Bit 7 of the zero bytes of `v`. The lowest bit set is exact (a borrow only spreads
/// above a true zero byte); the ones above it may not be.
#[inline]
pub(crate) fn zero_bytes(v: u64) -> u64 {
    v.wrapping_sub(LO) & !v & HI
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowest_zero_byte_is_exact() {
        for at in 0..8 {
            for fill in [0x01u8, 0x3C, 0x80, 0xFF] {
                let mut bytes = [fill; 8];
                bytes[at] = 0;
                let found = zero_bytes(u64::from_le_bytes(bytes));
                assert_eq!(found.trailing_zeros() / 8, at as u32, "{fill:#x} at {at}");
            }
        }
        assert_eq!(zero_bytes(u64::from_le_bytes(*b"no zeros")), 0);
    }
}
