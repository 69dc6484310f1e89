//! Length of a label's A-label form, without building it.
//!
//! The DNS limits (63 octets per label, 253 per name) apply to the A-label form
//! ([RFC 5890 §2.3.2.1](https://www.rfc-editor.org/rfc/rfc5890#section-2.3.2.1)). This
//! module runs the Punycode encoder of
//! [RFC 3492 §6.3](https://www.rfc-editor.org/rfc/rfc3492#section-6.3) counting the
//! digits it would write instead of writing them.

const BASE: u32 = 36;
const T_MIN: u32 = 1;
const T_MAX: u32 = 26;
const SKEW: u32 = 38;
const DAMP: u32 = 700;
const INITIAL_BIAS: u32 = 72;
const INITIAL_N: u32 = 128;

/// Bias adaptation, RFC 3492 §6.1.
fn adapt(delta: u32, num_points: u32, first_time: bool) -> u32 {
    let mut delta = if first_time { delta / DAMP } else { delta / 2 };
    delta += delta / num_points;
    let mut k = 0;
    while delta > ((BASE - T_MIN) * T_MAX) / 2 {
        delta /= BASE - T_MIN;
        k += BASE;
    }
    k + (((BASE - T_MIN + 1) * delta) / (delta + SKEW))
}

/// Octets of the A-label form of `label` (`xn--` plus Punycode) if it has a non-ASCII
/// code point, else its own length.
///
/// The encoder is quadratic, so labels of more than 63 code points are not encoded:
/// every code point costs at least one octet, so such a label is too long whatever its
/// exact length, and `4 + code points` (a lower bound) is returned.
pub(crate) fn a_label_len(label: &str) -> usize {
    if label.is_ascii() {
        return label.len();
    }
    let count = label.chars().count();
    if count > 63 {
        return 4 + count;
    }
    encoded_len(label).map_or(4 + count, |n| 4 + n)
}

/// An upper bound of [`a_label_len`], computed in one cheap pass.
///
/// Punycode writes each non-ASCII code point as one variable-length integer whose
/// digits each divide the remaining value by at least 10 (36 minus a threshold of at
/// most 26). The value is at most about 0x10FFFF × 64 < 10^8 for labels of up to 63 code
/// points, so 9 digits always suffice; longer labels are far too long anyway. Add the
/// ASCII code points, the `-` delimiter and `xn--`.
pub(crate) fn a_label_len_bound(label: &str) -> usize {
    if label.is_ascii() {
        return label.len();
    }
    let (mut basic, mut other) = (0, 0);
    for c in label.chars() {
        if c.is_ascii() {
            basic += 1;
        } else {
            other += 1;
        }
    }
    4 + basic + 1 + 9 * other
}

/// Punycode-encoded length of `input` (RFC 3492 §6.3), or `None` on overflow.
fn encoded_len(input: &str) -> Option<usize> {
    let total = u32::try_from(input.chars().count()).ok()?;
    let basic = u32::try_from(input.chars().filter(char::is_ascii).count()).ok()?;
    let mut out = basic as usize + usize::from(basic > 0);
    let (mut n, mut delta, mut bias, mut h) = (INITIAL_N, 0u32, INITIAL_BIAS, basic);
    while h < total {
        let m = input.chars().map(u32::from).filter(|&c| c >= n).min()?;
        delta = delta.checked_add((m - n).checked_mul(h + 1)?)?;
        n = m;
        for c in input.chars().map(u32::from) {
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        T_MIN
                    } else if k >= bias + T_MAX {
                        T_MAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    out += 1;
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out += 1;
                bias = adapt(delta, h + 1, h == basic);
                delta = 0;
                h += 1;
            }
        }
        delta = delta.checked_add(1)?;
        n = n.checked_add(1)?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;
    use proptest::prelude::*;

    fn reference(label: &str) -> usize {
        if label.is_ascii() {
            return label.len();
        }
        4 + idna::punycode::encode_str(label).map_or(0, |s| s.len())
    }

    #[test]
    fn known() {
        assert_eq!(a_label_len("example"), 7);
        assert_eq!(a_label_len("ü"), "xn--tda".len());
        assert_eq!(a_label_len("bücher"), "xn--bcher-kva".len());
        assert_eq!(a_label_len("éxample"), reference("éxample"));
        assert_eq!(a_label_len("中文"), reference("中文"));
    }

    proptest! {
        #[test]
        fn matches_idna(label in "\\PC{0,40}") {
            let label: String = label.chars().filter(|c| *c != '.').collect();
            prop_assert_eq!(a_label_len(&label), reference(&label));
            if label.chars().count() <= 63 {
                prop_assert!(a_label_len(&label) <= a_label_len_bound(&label));
            }
        }
    }
}
