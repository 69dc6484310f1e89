//! Lookups over the generated Unicode tables.
//!
//! `generated.rs` is written by `cargo xtask codegen` from the Unicode Character
//! Database 15.0 files; this module holds the (small) search functions.

mod generated;

pub(crate) use generated::UNICODE_VERSION;
pub(crate) use generated::{
    FOLD_SAME, FREEFORM, IDENTIFIER, LOWER_SAME, NFC_INERT, NFKC_INERT, NOT_SPACE, RTL, WIDTH_SAME,
};

use crate::bidi::BidiClass;
use crate::derived::Category;
use crate::idna2008::Property;

/// Joining_Type values other than Non_Joining (RFC 5892 Appendix A.1 uses them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum JoiningType {
    /// `D`
    Dual,
    /// `R`
    Right,
    /// `L`
    Left,
    /// `T`
    Transparent,
    /// `C`
    JoinCausing,
}

/// The value of the range that contains `cp` in a table of range starts.
fn partition<T: Copy>(table: &[(u32, T)], cp: u32, default: T) -> T {
    let i = table.partition_point(|&(start, _)| start <= cp);
    match i.checked_sub(1).and_then(|i| table.get(i)) {
        Some(&(_, v)) => v,
        None => default,
    }
}

/// Whether `cp` lies in one of the inclusive ranges of `table`.
fn in_set(table: &[(u32, u32)], cp: u32) -> bool {
    let i = table.partition_point(|&(start, _)| start <= cp);
    match i.checked_sub(1).and_then(|i| table.get(i)) {
        Some(&(_, end)) => cp <= end,
        None => false,
    }
}

/// The `FAST` flags of `c` (which rules leave it alone, see the bit constants), `None`
/// from U+0800 on.
pub(crate) fn fast_flags(c: char) -> Option<u16> {
    generated::FAST.get(c as usize).copied()
}

/// RFC 8264 §8 category of a code point (surrogates included).
pub(crate) fn precis_category(cp: u32) -> Category {
    partition(generated::PRECIS, cp, Category::Other)
}

/// RFC 5892 §3 property of a code point.
pub(crate) fn idna_property(cp: u32) -> Property {
    partition(generated::IDNA, cp, Property::Disallowed)
}

/// Bidi_Class of a character.
pub(crate) fn bidi_class(c: char) -> BidiClass {
    partition(generated::BIDI, u32::from(c), BidiClass::L)
}

/// Joining_Type, `None` for Non_Joining.
pub(crate) fn joining_type(c: char) -> Option<JoiningType> {
    let cp = u32::from(c);
    let table = generated::JOINING;
    let i = table.partition_point(|&(start, _, _)| start <= cp);
    match i.checked_sub(1).and_then(|i| table.get(i)) {
        Some(&(_, end, t)) if cp <= end => Some(t),
        _ => None,
    }
}

pub(crate) fn is_greek(c: char) -> bool {
    in_set(generated::GREEK, u32::from(c))
}

pub(crate) fn is_hebrew(c: char) -> bool {
    in_set(generated::HEBREW, u32::from(c))
}

pub(crate) fn is_hiragana_katakana_han(c: char) -> bool {
    in_set(generated::HIRAGANA_KATAKANA_HAN, u32::from(c))
}

pub(crate) fn is_virama(c: char) -> bool {
    in_set(generated::VIRAMA, u32::from(c))
}

pub(crate) fn is_cased(c: char) -> bool {
    match fast_flags(c) {
        Some(f) => f & generated::IS_CASED != 0,
        None => in_set(generated::CASED, u32::from(c)),
    }
}

pub(crate) fn is_case_ignorable(c: char) -> bool {
    match fast_flags(c) {
        Some(f) => f & generated::IS_CASE_IGNORABLE != 0,
        None => in_set(generated::CASE_IGNORABLE, u32::from(c)),
    }
}

pub(crate) fn is_non_ascii_space(c: char) -> bool {
    in_set(generated::NON_ASCII_SPACE, u32::from(c))
}

/// The `<wide>`/`<narrow>` decomposition of `c`, if it has one.
pub(crate) fn width_mapping(c: char) -> Option<char> {
    let cp = u32::from(c);
    let table = generated::WIDTH;
    if table.first().is_none_or(|&(first, _, _)| cp < first) {
        return None;
    }
    let i = table.partition_point(|&(start, _, _)| start <= cp);
    match i.checked_sub(1).and_then(|i| table.get(i)) {
        Some(&(start, end, target)) if cp <= end => char::from_u32(target + (cp - start)),
        _ => None,
    }
}

/// A case mapping result: one character or a short string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mapped {
    /// Maps to one character.
    Char(char),
    /// Maps to several characters.
    Str(&'static str),
}

fn case_lookup(
    runs: &[(u32, u32, i32, u32)],
    multi: &[(u32, &'static str)],
    c: char,
) -> Option<Mapped> {
    let cp = u32::from(c);
    if let Ok(i) = multi.binary_search_by_key(&cp, |&(k, _)| k) {
        return multi.get(i).map(|&(_, s)| Mapped::Str(s));
    }
    let i = runs.partition_point(|&(start, _, _, _)| start <= cp);
    match i.checked_sub(1).and_then(|i| runs.get(i)) {
        Some(&(start, end, delta, stride))
            if cp <= end && stride != 0 && (cp - start) % stride == 0 =>
        {
            cp.checked_add_signed(delta)
                .and_then(char::from_u32)
                .map(Mapped::Char)
        }
        _ => None,
    }
}

/// Full lowercase mapping of `c` without context (Final_Sigma is handled by the caller).
pub(crate) fn lowercase(c: char) -> Option<Mapped> {
    if c.is_ascii() {
        return c
            .is_ascii_uppercase()
            .then(|| Mapped::Char(c.to_ascii_lowercase()));
    }
    match generated::FAST_LOWER.get(c as usize) {
        Some(&0) | None => case_lookup(generated::LOWER, generated::LOWER_MULTI, c),
        Some(&l) if u32::from(l) == u32::from(c) => None,
        Some(&l) => char::from_u32(u32::from(l)).map(Mapped::Char),
    }
}

/// Full default case folding of `c`.
pub(crate) fn case_fold(c: char) -> Option<Mapped> {
    if c.is_ascii() {
        return c
            .is_ascii_uppercase()
            .then(|| Mapped::Char(c.to_ascii_lowercase()));
    }
    case_lookup(generated::FOLD, generated::FOLD_MULTI, c)
}

/// General_Category Mark (Mn, Mc, Me).
pub(crate) fn is_combining_mark(c: char) -> bool {
    in_set(generated::COMBINING_MARK, u32::from(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derived::{DerivedProperty, derived_property};
    use generated::{IS_CASE_IGNORABLE, IS_CASED};
    use unicode_normalization::char::{canonical_combining_class, is_public_assigned};
    use unicode_normalization::{IsNormalized, is_nfc_quick, is_nfkc_quick};

    /// The generated `FAST` flags say what the other tables (and, for assigned code
    /// points, `unicode-normalization`) say.
    #[test]
    fn fast_flags_agree_with_the_other_tables() {
        for cp in 0..0x800 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let f = fast_flags(c).expect("FAST covers U+0000..U+07FF");
            let has = |bit: u16| f & bit != 0;
            let p = derived_property(c);
            assert_eq!(has(IDENTIFIER), p == DerivedProperty::Pvalid, "{c:?}");
            assert_eq!(
                has(FREEFORM),
                matches!(p, DerivedProperty::Pvalid | DerivedProperty::FreePval),
                "{c:?}"
            );
            assert_eq!(
                has(LOWER_SAME),
                lowercase(c).is_none() && c != '\u{3A3}',
                "{c:?}"
            );
            assert_eq!(has(FOLD_SAME), case_fold(c).is_none(), "{c:?}");
            assert_eq!(has(WIDTH_SAME), width_mapping(c).is_none(), "{c:?}");
            assert_eq!(has(NOT_SPACE), !is_non_ascii_space(c), "{c:?}");
            assert_eq!(has(RTL), crate::bidi::is_rtl(c), "{c:?}");
            let cased = in_set(generated::CASED, cp);
            let case_ignorable = in_set(generated::CASE_IGNORABLE, cp);
            assert_eq!((has(IS_CASED), is_cased(c)), (cased, cased), "{c:?}");
            assert_eq!(
                (has(IS_CASE_IGNORABLE), is_case_ignorable(c)),
                (case_ignorable, case_ignorable),
                "{c:?}"
            );
            assert_eq!(
                lowercase(c),
                if c.is_ascii() {
                    c.is_ascii_uppercase()
                        .then(|| Mapped::Char(c.to_ascii_lowercase()))
                } else {
                    case_lookup(generated::LOWER, generated::LOWER_MULTI, c)
                },
                "{c:?}"
            );
            if p != DerivedProperty::Unassigned && is_public_assigned(c) {
                let ccc0 = canonical_combining_class(c) == 0;
                let nfc = is_nfc_quick(core::iter::once(c)) == IsNormalized::Yes;
                let nfkc = is_nfkc_quick(core::iter::once(c)) == IsNormalized::Yes;
                assert_eq!(has(NFC_INERT), nfc && ccc0, "{c:?}");
                assert_eq!(has(NFKC_INERT), nfkc && ccc0, "{c:?}");
            }
        }
        assert_eq!(fast_flags('\u{800}'), None);
    }
}
