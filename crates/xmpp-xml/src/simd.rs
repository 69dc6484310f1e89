//! Sixteen-byte tests with SIMD registers, through the `wide` crate (SSE2 on x86-64,
//! NEON on AArch64, WebAssembly SIMD, or plain arrays elsewhere), with no `unsafe` of
//! ours: each gives a mask with bit `k` set when byte `k` of the block matches, exact
//! for every byte (unlike the word-at-a-time tests of `swar`).

use wide::u8x16;

/// Bytes per block.
pub(crate) const BLOCK: usize = 16;

/// The bytes of `block` that are `<` or `>` (they differ only in bit 1, so setting it
/// leaves one value to compare with).
#[inline(always)]
pub(crate) fn angles(block: &[u8; BLOCK]) -> u32 {
    is(u8x16::new(*block) | u8x16::splat(2), b'>').to_bitmask()
}

/// The bytes of `block` equal to `needle`.
#[inline(always)]
pub(crate) fn equal(block: &[u8; BLOCK], needle: u8) -> u32 {
    is(u8x16::new(*block), needle).to_bitmask()
}

/// The first block of `hay` from `from` on in which `test` marks a byte, as the offset
/// of its first byte and its mask; `None` when no byte is marked. Short of a block at
/// the end, the last sixteen bytes are tested (less the ones before `from`), or, in a
/// slice shorter than a block, its bytes after padding (which the mask drops).
#[inline(always)]
pub(crate) fn next_block(
    hay: &[u8],
    mut from: usize,
    test: impl Fn(&[u8; BLOCK]) -> u32,
) -> Option<(usize, u32)> {
    let mut blocks = hay.get(from..)?.chunks_exact(BLOCK);
    for block in &mut blocks {
        let mut b = [0u8; BLOCK];
        b.copy_from_slice(block);
        let m = test(&b);
        if m != 0 {
            return Some((from, m));
        }
        from += BLOCK;
    }
    let rest = blocks.remainder();
    if rest.is_empty() {
        return None;
    }
    let m = test(&last_block(hay, rest)) >> (BLOCK - rest.len());
    (m != 0).then_some((from, m))
}

/// The block that ends with `rest`, the last bytes of `hay` short of a whole block: the
/// last sixteen bytes of `hay` (`rest` after bytes already tested), or `rest` after
/// padding when `hay` is shorter. Callers shift the block's mask right by
/// `BLOCK - rest.len()`.
#[inline(always)]
fn last_block(hay: &[u8], rest: &[u8]) -> [u8; BLOCK] {
    hay.last_chunk::<BLOCK>().copied().unwrap_or_else(|| {
        let mut b = [0u8; BLOCK];
        b[BLOCK - rest.len()..].copy_from_slice(rest);
        b
    })
}

/// Position of the first `needle` in `hay`.
#[inline]
pub(crate) fn find(hay: &[u8], needle: u8) -> Option<usize> {
    let (at, m) = next_block(hay, 0, |b| equal(b, needle))?;
    Some(at + m.trailing_zeros() as usize)
}

/// The lanes of `v` below `n` (not 0).
#[inline(always)]
pub(crate) fn below(v: u8x16, n: u8) -> u8x16 {
    v.min(u8x16::splat(n - 1)).simd_eq(v)
}

/// The lanes of `v` equal to `b`.
#[inline(always)]
pub(crate) fn is(v: u8x16, b: u8) -> u8x16 {
    v.simd_eq(u8x16::splat(b))
}

/// The lanes of `v` at `n` or above.
#[inline(always)]
pub(crate) fn at_least(v: u8x16, n: u8) -> u8x16 {
    v.max(u8x16::splat(n)).simd_eq(v)
}

/// Length of the run at the start of `hay` free of the bytes `stops` marks (all of
/// `hay` when there is none), and whether the run holds a byte of 0x80 or above.
#[inline(always)]
pub(crate) fn run(hay: &[u8], stops: impl Fn(u8x16) -> u8x16) -> (usize, bool) {
    let mut at = 0;
    let mut high = 0u32;
    let mut blocks = hay.chunks_exact(BLOCK);
    for block in &mut blocks {
        let mut b = [0u8; BLOCK];
        b.copy_from_slice(block);
        let v = u8x16::new(b);
        let m = stops(v).to_bitmask();
        let h = v.to_bitmask();
        if m != 0 {
            let k = m.trailing_zeros();
            return (at + k as usize, high | (h & ((1 << k) - 1)) != 0);
        }
        high |= h;
        at += BLOCK;
    }
    let rest = blocks.remainder();
    if rest.is_empty() {
        return (at, high != 0);
    }
    let v = u8x16::new(last_block(hay, rest));
    let skip = BLOCK - rest.len();
    let m = ((stops(v).to_bitmask()) >> skip) | (1 << rest.len());
    let h = (v.to_bitmask()) >> skip;
    let k = m.trailing_zeros();
    (at + k as usize, high | (h & ((1 << k) - 1)) != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_stop_where_a_byte_test_does() {
        let stop = |b: u8| b < 0x20 || b == b'<' || b >= 0xF0;
        let simd_stop = |v: u8x16| below(v, 0x20) | is(v, b'<') | at_least(v, 0xF0);
        let clean = "plain text, caf\u{e9} \u{4f60}\u{597d} and more text".as_bytes();
        for bad in [0x00, 0x09, 0x1F, b'<', 0xF0, 0xFF] {
            for at in 0..clean.len() {
                let mut hay = clean.to_vec();
                hay[at] = bad;
                for from in 0..hay.len() {
                    for end in from..=hay.len() {
                        let h = &hay[from..end];
                        let n = h.iter().position(|&b| stop(b)).unwrap_or(h.len());
                        let high = h[..n].iter().any(|&b| b >= 0x80);
                        assert_eq!(run(h, simd_stop), (n, high), "{h:?}");
                    }
                }
            }
        }
    }

    proptest::proptest! {
        /// Every block test and scan against a byte-at-a-time reference, on any bytes.
        #[test]
        fn block_tests_match_byte_tests(
            hay in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..48),
            needle in proptest::prelude::any::<u8>(),
            n in 1u8..=255,
        ) {
            for block in hay.windows(BLOCK) {
                let block: &[u8; BLOCK] = block.try_into().unwrap();
                let mask = |f: &dyn Fn(u8) -> bool| {
                    block.iter().enumerate().fold(0u32, |m, (k, &b)| m | (u32::from(f(b)) << k))
                };
                proptest::prop_assert_eq!(angles(block), mask(&|b| b == b'<' || b == b'>'));
                proptest::prop_assert_eq!(equal(block, needle), mask(&|b| b == needle));
                let v = u8x16::new(*block);
                proptest::prop_assert_eq!(below(v, n).to_bitmask(), mask(&|b| b < n));
                proptest::prop_assert_eq!(at_least(v, n).to_bitmask(), mask(&|b| b >= n));
                proptest::prop_assert_eq!(is(v, needle).to_bitmask(), mask(&|b| b == needle));
            }
            for from in 0..=hay.len() {
                let h = &hay[from..];
                proptest::prop_assert_eq!(find(h, needle), h.iter().position(|&b| b == needle));
                let stop = h.iter().position(|&b| b < n || b == needle).unwrap_or(h.len());
                let high = h[..stop].iter().any(|&b| b >= 0x80);
                proptest::prop_assert_eq!(run(h, |v| below(v, n) | is(v, needle)), (stop, high));
            }
        }
    }

    #[test]
    fn masks_are_exact() {
        let mut block = *b"a<b>c<<>>d/e=f?g";
        assert_eq!(angles(&block), 0b0000_0001_1110_1010);
        block[15] = b'>';
        assert_eq!(angles(&block) >> 15, 1);
        assert_eq!(equal(&block, b'<'), 0b0110_0010);
    }

    #[test]
    fn next_block_and_find_match_a_byte_search() {
        let hay = b"0123456789abcdef<ghijklmnopqrstuvwxyz<0123456789>";
        for len in 0..=hay.len() {
            let h = &hay[..len];
            for from in 0..=len {
                let want = h[from..].iter().position(|&b| b == b'<' || b == b'>');
                let got = next_block(h, from, angles)
                    .map(|(at, m)| at + m.trailing_zeros() as usize - from);
                assert_eq!(got, want, "{len} {from}");
                assert_eq!(
                    find(&h[from..], b'<'),
                    h[from..].iter().position(|&b| b == b'<')
                );
            }
        }
    }
}
