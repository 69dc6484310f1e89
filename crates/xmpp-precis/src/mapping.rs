//! The mapping and normalization rules of
//! [RFC 8264 §7](https://www.rfc-editor.org/rfc/rfc8264#section-7): width mapping,
//! additional mapping, case mapping and normalization.
//!
//! Every function returns `Cow::Borrowed` when it changes nothing.

use alloc::borrow::Cow;
use alloc::string::String;

use unicode_normalization::{IsNormalized, UnicodeNormalization};

use crate::derived::Category;
use crate::tables::{self, Mapped};

/// Applies `f` to the characters of `s`, allocating only from the first character
/// that `f` changes. `f` pushes its replacement and returns `true`, or returns
/// `false` to keep the character.
fn map_chars<'a>(
    s: &'a str,
    mut f: impl FnMut(&str, usize, char, &mut String) -> bool,
) -> Cow<'a, str> {
    let mut out: Option<String> = None;
    for (i, c) in s.char_indices() {
        match &mut out {
            Some(buf) => {
                if !f(s, i, c, buf) {
                    buf.push(c);
                }
            }
            None => {
                let mut buf = String::new();
                if f(s, i, c, &mut buf) {
                    let mut owned = String::with_capacity(s.len() + buf.len());
                    owned.push_str(s.get(..i).unwrap_or(""));
                    owned.push_str(&buf);
                    out = Some(owned);
                }
            }
        }
    }
    match out {
        Some(o) => Cow::Owned(o),
        None => Cow::Borrowed(s),
    }
}

/// Width mapping: fullwidth and halfwidth characters to their `<wide>`/`<narrow>`
/// decomposition ([RFC 8265 §3.3.1](https://www.rfc-editor.org/rfc/rfc8265#section-3.3.1),
/// UAX #11).
pub(crate) fn width(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    map_chars(s, |_, _, c, out| match tables::width_mapping(c) {
        Some(m) => {
            out.push(m);
            true
        }
        None => false,
    })
}

/// OpaqueString additional mapping: non-ASCII spaces (Zs) to U+0020
/// ([RFC 8265 §4.2.1](https://www.rfc-editor.org/rfc/rfc8265#section-4.2.1)).
pub(crate) fn spaces(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    map_chars(s, |_, _, c, out| {
        if tables::is_non_ascii_space(c) {
            out.push(' ');
            true
        } else {
            false
        }
    })
}

/// Nickname additional mapping
/// ([RFC 8266 §2.1](https://www.rfc-editor.org/rfc/rfc8266#section-2.1)): non-ASCII
/// spaces to U+0020, leading and trailing spaces removed, runs of spaces collapsed
/// to one.
pub(crate) fn nickname_spaces(s: &str) -> Cow<'_, str> {
    let mapped = spaces(s);
    let trimmed = mapped.trim_matches(' ');
    if !trimmed.contains("  ") {
        return match mapped {
            Cow::Borrowed(b) => Cow::Borrowed(b.trim_matches(' ')),
            Cow::Owned(ref o) => Cow::Owned(String::from(o.trim_matches(' '))),
        };
    }
    let mut out = String::with_capacity(trimmed.len());
    let mut prev_space = false;
    for c in trimmed.chars() {
        if c == ' ' {
            if !prev_space {
                out.push(' ');
            }
            prev_space = true;
        } else {
            out.push(c);
            prev_space = false;
        }
    }
    Cow::Owned(out)
}

fn push_mapped(out: &mut String, m: Mapped) {
    match m {
        Mapped::Char(c) => out.push(c),
        Mapped::Str(s) => out.push_str(s),
    }
}

/// Unicode `toLowerCase` of the whole string (full mappings, the Final_Sigma
/// context included; no language-specific rules), with the Unicode 15.0 tables.
pub(crate) fn to_lower(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return if s.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(s.to_ascii_lowercase())
        } else {
            Cow::Borrowed(s)
        };
    }
    map_chars(s, |s, i, c, out| {
        if c == '\u{03A3}' {
            out.push(if final_sigma(s, i) {
                '\u{03C2}'
            } else {
                '\u{03C3}'
            });
            return true;
        }
        match tables::lowercase(c) {
            Some(m) => {
                push_mapped(out, m);
                true
            }
            None => false,
        }
    })
}

/// The Final_Sigma condition (Unicode §3.13, Table 3-17) for the capital sigma at
/// byte `i`: a cased letter before it (skipping case-ignorables) and none after it.
pub(crate) fn final_sigma(s: &str, i: usize) -> bool {
    let before = s.get(..i).unwrap_or("");
    let after = s.get(i + '\u{03A3}'.len_utf8()..).unwrap_or("");
    let cased_before = before
        .chars()
        .rev()
        .find(|&c| !tables::is_case_ignorable(c))
        .is_some_and(tables::is_cased);
    let cased_after = after
        .chars()
        .find(|&c| !tables::is_case_ignorable(c))
        .is_some_and(tables::is_cased);
    cased_before && !cased_after
}

/// Unicode default full case folding (CaseFolding.txt statuses C and F), Unicode 15.0.
pub(crate) fn case_fold(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return to_lower(s);
    }
    map_chars(s, |_, _, c, out| match tables::case_fold(c) {
        Some(m) => {
            push_mapped(out, m);
            true
        }
        None => false,
    })
}

/// A Unicode normalization form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Form {
    Nfc,
    Nfkc,
}

/// NFC or NFKC with Unicode 15.0 semantics.
///
/// `unicode-normalization` follows a newer Unicode version. Code points that are
/// unassigned in 15.0 have no decomposition and never compose there, so they
/// split the string into pieces that normalize independently; doing exactly that
/// keeps the result identical to a Unicode 15.0 normalizer (and keeps newer
/// characters from being normalized into older ones).
pub(crate) fn normalize(s: &str, form: Form) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    let quick = match form {
        Form::Nfc => unicode_normalization::is_nfc_quick(s.chars()),
        Form::Nfkc => unicode_normalization::is_nfkc_quick(s.chars()),
    };
    if quick == IsNormalized::Yes {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while !rest.is_empty() {
        let split = rest
            .char_indices()
            .find(|&(_, c)| tables::precis_category(u32::from(c)) == Category::Unassigned);
        let (piece, barrier) = match split {
            Some((i, c)) => (rest.get(..i).unwrap_or(""), Some((i, c))),
            None => (rest, None),
        };
        match form {
            Form::Nfc => out.extend(piece.nfc()),
            Form::Nfkc => out.extend(piece.nfkc()),
        }
        match barrier {
            Some((i, c)) => {
                out.push(c);
                rest = rest.get(i + c.len_utf8()..).unwrap_or("");
            }
            None => rest = "",
        }
    }
    if out == s {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower() {
        assert_eq!(to_lower("ABC"), "abc");
        assert!(matches!(to_lower("abc"), Cow::Borrowed(_)));
        assert_eq!(to_lower("\u{3A3}\u{3A3}"), "\u{3C3}\u{3C2}");
        assert_eq!(
            to_lower("\u{392}\u{3CC}\u{3BB}\u{3BF}\u{3A3}"),
            "\u{3B2}\u{3CC}\u{3BB}\u{3BF}\u{3C2}"
        );
        assert_eq!(to_lower("\u{3A3}"), "\u{3C3}");
        assert_eq!(to_lower("i\u{130}\u{131}I"), "ii\u{307}\u{131}i");
        assert_eq!(to_lower("\u{13DA}"), "\u{ABAA}");
        assert_eq!(to_lower("\u{212A}"), "k");
        assert_eq!(to_lower("\u{1E9E}"), "\u{DF}");
    }

    #[test]
    fn fold() {
        assert_eq!(case_fold("\u{DF}"), "ss");
        assert_eq!(case_fold("\u{13DA}"), "\u{13DA}");
        assert_eq!(case_fold("\u{ABAA}"), "\u{13DA}");
        assert_eq!(case_fold("\u{3A3}\u{3C2}"), "\u{3C3}\u{3C3}");
        assert_eq!(case_fold("ABC"), "abc");
    }

    #[test]
    fn widths_and_spaces() {
        assert_eq!(width("\u{FF2A}\u{FF55}"), "Ju");
        assert_eq!(width("\u{FF76}"), "\u{30AB}");
        assert!(matches!(width("\u{E9}"), Cow::Borrowed(_)));
        assert_eq!(spaces("a\u{A0}b\u{3000}"), "a b ");
        assert_eq!(nickname_spaces("  a \u{2003} b  "), "a b");
        assert_eq!(nickname_spaces("\u{A0}"), "");
        assert!(matches!(nickname_spaces("a b"), Cow::Borrowed(_)));
    }

    #[test]
    fn normalization() {
        assert_eq!(normalize("e\u{301}", Form::Nfc), "\u{E9}");
        assert_eq!(normalize("\u{FB01}", Form::Nfkc), "fi");
        assert!(matches!(normalize("\u{E9}", Form::Nfc), Cow::Borrowed(_)));
        // U+1CCD6 OUTLINED LATIN CAPITAL LETTER A is new in Unicode 16 with a
        // <font> decomposition to `A`; under Unicode 15.0 it is unassigned and stays.
        assert_eq!(normalize("\u{1CCD6}", Form::Nfkc), "\u{1CCD6}");
        assert_eq!(
            normalize("\u{FB01}\u{1CCD6}e\u{301}", Form::Nfkc),
            "fi\u{1CCD6}\u{E9}"
        );
    }
}
