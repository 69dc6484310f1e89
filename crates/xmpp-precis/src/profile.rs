//! The PRECIS profiles of [RFC 8265](https://www.rfc-editor.org/rfc/rfc8265) and
//! [RFC 8266](https://www.rfc-editor.org/rfc/rfc8266), applied in the order of
//! [RFC 8264 §7](https://www.rfc-editor.org/rfc/rfc8264#section-7).

use alloc::borrow::Cow;
use alloc::string::String;

use crate::bidi;
use crate::class::StringClass;
use crate::error::Error;
use crate::mapping::{self, Form};
use crate::tables::{self, Mapped};

/// A PRECIS profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Profile {
    /// UsernameCaseMapped ([RFC 8265 §3.3](https://www.rfc-editor.org/rfc/rfc8265#section-3.3)):
    /// IdentifierClass; width mapping, lowercase, NFC, Bidi Rule. The XMPP localpart
    /// profile (RFC 7622).
    UsernameCaseMapped,
    /// UsernameCasePreserved ([RFC 8265 §3.4](https://www.rfc-editor.org/rfc/rfc8265#section-3.4)):
    /// like UsernameCaseMapped without the case mapping.
    UsernameCasePreserved,
    /// OpaqueString ([RFC 8265 §4.2](https://www.rfc-editor.org/rfc/rfc8265#section-4.2)):
    /// FreeformClass; non-ASCII spaces to U+0020, NFC. For passwords and XMPP
    /// resourceparts.
    OpaqueString,
    /// Nickname ([RFC 8266 §2](https://www.rfc-editor.org/rfc/rfc8266#section-2)) with
    /// its case-mapping rule (lowercase) applied at enforcement, as the precis-i18n
    /// `NicknameCaseMapped` profile does: FreeformClass; spaces mapped, trimmed and
    /// collapsed; lowercase; NFKC.
    NicknameCaseMapped,
    /// Nickname ([RFC 8266 §2](https://www.rfc-editor.org/rfc/rfc8266#section-2))
    /// enforcement as the RFC specifies it (case mapping only in comparison).
    NicknameCasePreserved,
}

/// The case-mapping rule ([RFC 8264 §5.2.3](https://www.rfc-editor.org/rfc/rfc8264#section-5.2.3))
/// used by [`Profile::enforce_with`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CaseMapping {
    /// No case mapping.
    Preserve,
    /// Unicode `toLowerCase` of the whole string, Final_Sigma included: the rule of
    /// RFC 8265 and RFC 8266.
    ToLower,
    /// Unicode default case folding (`toCasefold`), the rule of the obsoleted
    /// RFC 7613 / RFC 7700; for comparison with older implementations.
    CaseFold,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Additional {
    None,
    Spaces,
    Nickname,
}

/// Repeat the rules at most this many more times after the first application
/// ([RFC 8266 §2.1](https://www.rfc-editor.org/rfc/rfc8266#section-2.1)).
const EXTRA_ROUNDS: usize = 3;

impl Profile {
    /// Every profile.
    pub const ALL: [Profile; 5] = [
        Profile::UsernameCaseMapped,
        Profile::UsernameCasePreserved,
        Profile::OpaqueString,
        Profile::NicknameCaseMapped,
        Profile::NicknameCasePreserved,
    ];

    /// The profile's name, as the precis-i18n reference spells it
    /// (`"UsernameCaseMapped"`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            Profile::UsernameCaseMapped => "UsernameCaseMapped",
            Profile::UsernameCasePreserved => "UsernameCasePreserved",
            Profile::OpaqueString => "OpaqueString",
            Profile::NicknameCaseMapped => "NicknameCaseMapped",
            Profile::NicknameCasePreserved => "NicknameCasePreserved",
        }
    }

    /// The string class the profile is based on.
    pub const fn string_class(self) -> StringClass {
        match self {
            Profile::UsernameCaseMapped | Profile::UsernameCasePreserved => StringClass::Identifier,
            _ => StringClass::Freeform,
        }
    }

    /// The profile's own case-mapping rule, which [`Profile::enforce`] applies.
    pub const fn case_mapping(self) -> CaseMapping {
        match self {
            Profile::UsernameCaseMapped | Profile::NicknameCaseMapped => CaseMapping::ToLower,
            _ => CaseMapping::Preserve,
        }
    }

    const fn width_mapping(self) -> bool {
        matches!(
            self,
            Profile::UsernameCaseMapped | Profile::UsernameCasePreserved
        )
    }

    const fn additional(self) -> Additional {
        match self {
            Profile::OpaqueString => Additional::Spaces,
            Profile::NicknameCaseMapped | Profile::NicknameCasePreserved => Additional::Nickname,
            _ => Additional::None,
        }
    }

    const fn normalization(self) -> Form {
        match self {
            Profile::NicknameCaseMapped | Profile::NicknameCasePreserved => Form::Nfkc,
            _ => Form::Nfc,
        }
    }

    const fn bidi_rule(self) -> bool {
        self.width_mapping()
    }

    /// Enforcement ([RFC 8264 §7](https://www.rfc-editor.org/rfc/rfc8264#section-7)):
    /// width mapping, additional mapping, case mapping, normalization and
    /// directionality rules in that order, then the empty-string check and the
    /// behavioural rules of the string class. The rules are applied again until the
    /// result is stable, at most four times in all
    /// ([RFC 8266 §2.1](https://www.rfc-editor.org/rfc/rfc8266#section-2.1)), so
    /// `enforce(enforce(x)) == enforce(x)`.
    ///
    /// Returns `Cow::Borrowed(input)` when the input is already in enforced form.
    /// An all-ASCII input is handled without any Unicode table lookup and, unless
    /// a mapping changes it, without allocating. Other input below U+0800 that only
    /// the case mapping changes (Latin, Greek, Cyrillic, Hebrew, Arabic, ...) is
    /// mapped and checked in one pass over a directly indexed table, and one round of
    /// the rules is provably stable for it; anything else takes the general path.
    pub fn enforce(self, input: &str) -> Result<Cow<'_, str>, Error> {
        self.enforce_with(self.case_mapping(), input)
    }

    /// [`Profile::enforce`] with `case` in place of the profile's own case-mapping
    /// rule: `Profile::UsernameCaseMapped.enforce_with(CaseMapping::CaseFold, s)` is
    /// the precis-i18n `UsernameCaseMapped:CaseFold` variant.
    pub fn enforce_with(self, case: CaseMapping, input: &str) -> Result<Cow<'_, str>, Error> {
        let result = if input.is_ascii() {
            self.enforce_ascii(case, input)
        } else {
            self.enforce_short(case, input)
        };
        match result {
            Some(result) => result,
            None => self.enforce_general(case, input),
        }
    }

    /// The general path: every rule, repeated until stable. A repetition whose
    /// mappings change nothing ends the loop without re-running the checks, which
    /// already passed on that very string, and so does a string that
    /// [`Profile::settled`] proves stable without mapping it again.
    fn enforce_general(self, case: CaseMapping, input: &str) -> Result<Cow<'_, str>, Error> {
        self.repeat_rules(case, input, true)
    }

    /// The rules of enforcement, repeated until stable; `shortcut` allows ending the
    /// repetition when [`Profile::settled`] says that one more round would change
    /// nothing (the tests compare both ways).
    fn repeat_rules(
        self,
        case: CaseMapping,
        input: &str,
        shortcut: bool,
    ) -> Result<Cow<'_, str>, Error> {
        let first = self.map_once(case, input);
        self.check(&first)?;
        let mut current: String = match first {
            Cow::Borrowed(_) => return Ok(Cow::Borrowed(input)),
            Cow::Owned(o) if o == input => return Ok(Cow::Borrowed(input)),
            Cow::Owned(o) => o,
        };
        for _ in 0..EXTRA_ROUNDS {
            // `current` has passed the checks: if one more round cannot change it, it
            // is the result.
            if shortcut && self.settled(case, &current) {
                return Ok(Cow::Owned(current));
            }
            match self.map_once(case, &current) {
                Cow::Borrowed(_) => return Ok(Cow::Owned(current)),
                Cow::Owned(next) if next == current => return Ok(Cow::Owned(current)),
                Cow::Owned(next) => {
                    self.check(&next)?;
                    current = next;
                }
            }
        }
        Err(Error::Unstable)
    }

    /// The mapping rules of RFC 8264 §7, in order: width, additional, case,
    /// normalization.
    fn map_once(self, case: CaseMapping, input: &str) -> Cow<'_, str> {
        let mut s = Cow::Borrowed(input);
        if self.width_mapping() {
            s = then(s, mapping::width);
        }
        match self.additional() {
            Additional::None => {}
            Additional::Spaces => s = then(s, mapping::spaces),
            Additional::Nickname => s = then(s, mapping::nickname_spaces),
        }
        match case {
            CaseMapping::Preserve => {}
            CaseMapping::ToLower => s = then(s, mapping::to_lower),
            CaseMapping::CaseFold => s = then(s, mapping::case_fold),
        }
        let form = self.normalization();
        then(s, |x| mapping::normalize(x, form))
    }

    /// The directionality rule, the empty-string check, and the behavioural rules
    /// of the string class, on a mapped string.
    fn check(self, s: &str) -> Result<(), Error> {
        if self.bidi_rule()
            && bidi::has_rtl(s)
            && let Err(v) = bidi::check(s)
        {
            return Err(Error::BidiRule {
                position: v.position,
                code_point: v.code_point,
                condition: v.condition,
            });
        }
        if s.is_empty() {
            return Err(Error::Empty);
        }
        self.string_class().enforce(s)?;
        Ok(())
    }

    /// The `FAST` bits every character of a round's result must have for one more round
    /// of this profile's mapping rules to leave it unchanged (see [`Profile::settled`]).
    fn stable_bits(self, case: CaseMapping) -> u16 {
        let mut bits = match self.normalization() {
            Form::Nfc => tables::NFC_INERT,
            Form::Nfkc => tables::NFKC_INERT,
        };
        if self.width_mapping() {
            bits |= tables::WIDTH_SAME;
        }
        if self.additional() != Additional::None {
            bits |= tables::NOT_SPACE;
        }
        bits | case_bit(case)
    }

    /// The `FAST` bit of the code points that are valid in the profile's string class
    /// without a contextual rule.
    const fn class_bit(self) -> u16 {
        match self.string_class() {
            StringClass::Identifier => tables::IDENTIFIER,
            StringClass::Freeform => tables::FREEFORM,
        }
    }

    /// Whether one more round of the mapping rules would leave `s` unchanged, decided
    /// from per-character properties (`false` when unsure). The argument, for a string
    /// `s` below U+0800 whose every character has all the [`Profile::stable_bits`], and
    /// (Nickname) with no leading, trailing or doubled U+0020:
    ///
    /// - width mapping is done character by character and no character of `s` has a
    ///   `<wide>`/`<narrow>` decomposition (`WIDTH_SAME`);
    /// - the additional mapping: no character is a non-ASCII space (`NOT_SPACE`), and
    ///   for Nickname there is nothing to trim or collapse;
    /// - case mapping: `toLowerCase` maps character by character except U+03A3, whose
    ///   result depends on its context (Final_Sigma); `LOWER_SAME` excludes U+03A3 and
    ///   every character with a lowercase mapping, so nothing changes whatever the
    ///   context. Case folding has no context (`FOLD_SAME`);
    /// - normalization: every character has NFC_QC=Yes (NFKC_QC=Yes for NFKC) and
    ///   Canonical_Combining_Class 0, so the quick check of
    ///   [UAX #15 §9](https://www.unicode.org/reports/tr15/#Detecting_Normalization_Forms)
    ///   answers Yes: `s` is normalized. `mapping::normalize` uses the newer Unicode
    ///   data of `unicode-normalization`, but the strings it is given here have passed
    ///   the checks, so hold no code point unassigned in 15.0, and the Normalization
    ///   Stability policy keeps a normalized string of assigned code points normalized
    ///   in every later version: `normalize` returns `s` too.
    ///
    /// So `map_once(s) == s`, and the repetition would stop there with `s`.
    fn settled(self, case: CaseMapping, s: &str) -> bool {
        let bits = self.stable_bits(case);
        s.chars()
            .all(|c| tables::fast_flags(c).is_some_and(|f| f & bits == bits))
            && (self.additional() != Additional::Nickname || spaces_settled(s))
    }

    /// The one-pass path for strings below U+0800 (Latin, Greek, Cyrillic, Hebrew,
    /// Arabic, ...), `None` when the general path must run. It maps and checks each
    /// character with the directly indexed `FAST` flags, allocating only from the
    /// first character the case mapping changes. Its result `y` is exactly what
    /// [`Profile::enforce_general`] gives:
    ///
    /// - round one, `map_once(input)`: every input character has `WIDTH_SAME` and
    ///   `NOT_SPACE` where the profile maps width and spaces (and a Nickname input
    ///   has nothing to trim or collapse), so width and additional mapping change
    ///   nothing; case mapping is then the concatenation of the characters' mappings,
    ///   with Final_Sigma decided on the input, which is the string the general path
    ///   decides it on; every character of `y` has `NFC_INERT` (`NFKC_INERT`) and the
    ///   class bit (so is assigned), so `y` is normalized (see [`Profile::settled`]).
    ///   Thus `y == map_once(input)`;
    /// - the checks on `y`: the Bidi Rule runs when a character of `y` is R, AL or AN
    ///   (the `RTL` bit) exactly as in [`Profile::check`]; `y` is not empty (the input
    ///   is not, and no mapping deletes a character); every character is valid in the
    ///   class without a contextual rule (the class bit), so the class rules pass;
    /// - round two: every character of `y` has the [`Profile::stable_bits`] (and a
    ///   Nickname `y` has its spaces settled), so [`Profile::settled`] holds and the
    ///   general path stops with `y`.
    fn enforce_short<'a>(
        self,
        case: CaseMapping,
        input: &'a str,
    ) -> Option<Result<Cow<'a, str>, Error>> {
        let nickname = self.additional() == Additional::Nickname;
        // An early exit only: the result's spaces are the input's (no case mapping
        // produces or removes U+0020), and the result is checked below.
        if nickname && !spaces_settled(input) {
            return None;
        }
        // What the mappings before the case mapping need of an input character.
        let mut input_bits = 0;
        if self.width_mapping() {
            input_bits |= tables::WIDTH_SAME;
        }
        if self.additional() != Additional::None {
            input_bits |= tables::NOT_SPACE;
        }
        let case_bit = case_bit(case);
        // What a character of the result needs.
        let output_bits = self.stable_bits(case) | self.class_bit();
        // All the result's flags or'ed together (for `RTL`).
        let mut seen = 0;
        // The result, from the first character the case mapping changes on; the
        // input up to `copied` is in it (unchanged runs are copied as slices).
        let mut out: Option<String> = None;
        let mut copied = 0;
        // A character with all these bits is left as it is and is fine in the result.
        let keep = input_bits | case_bit | output_bits;
        for (i, c) in input.char_indices() {
            let f = tables::fast_flags(c)?;
            if f & keep == keep {
                seen |= f;
                continue;
            }
            // Not for the one-pass path unless the case mapping changes `c`.
            if f & input_bits != input_bits || f & case_bit == case_bit {
                return None;
            }
            let mapped = match case {
                CaseMapping::ToLower if c == '\u{03A3}' => {
                    Mapped::Char(if mapping::final_sigma(input, i) {
                        '\u{03C2}'
                    } else {
                        '\u{03C3}'
                    })
                }
                CaseMapping::ToLower => tables::lowercase(c)?,
                CaseMapping::CaseFold => tables::case_fold(c)?,
                // Every character keeps its case (`case_bit` is 0).
                CaseMapping::Preserve => return None,
            };
            let buf = out.get_or_insert_with(|| String::with_capacity(input.len() + 4));
            if copied < i {
                buf.push_str(input.get(copied..i).unwrap_or(""));
            }
            copied = i + c.len_utf8();
            seen |= match mapped {
                Mapped::Char(m) => push_checked(buf, m, output_bits)?,
                Mapped::Str(s) => {
                    let mut flags = 0;
                    for m in s.chars() {
                        flags |= push_checked(buf, m, output_bits)?;
                    }
                    flags
                }
            };
        }
        if let Some(buf) = &mut out {
            buf.push_str(input.get(copied..).unwrap_or(""));
        }
        let result = match out {
            Some(o) if o != input => Cow::Owned(o),
            _ => Cow::Borrowed(input),
        };
        if nickname && !spaces_settled(&result) {
            return None;
        }
        if self.bidi_rule()
            && seen & tables::RTL != 0
            && let Err(v) = bidi::check(&result)
        {
            return Some(Err(Error::BidiRule {
                position: v.position,
                code_point: v.code_point,
                condition: v.condition,
            }));
        }
        Some(Ok(result))
    }

    /// The ASCII fast path: byte-class checks only. `None` when the general path must
    /// run (to build an error with the right position, for example).
    fn enforce_ascii(self, case: CaseMapping, input: &str) -> Option<Result<Cow<'_, str>, Error>> {
        let lower = !matches!(case, CaseMapping::Preserve);
        match self.additional() {
            // Username profiles: IdentifierClass allows exactly U+0021..U+007E; the
            // mappings other than case do nothing to ASCII and ASCII has no RTL.
            // OpaqueString: FreeformClass allows U+0020..U+007E.
            Additional::None | Additional::Spaces => {
                let lowest = if self.additional() == Additional::None {
                    0x21
                } else {
                    0x20
                };
                // One pass: every byte in the class, and whether any is uppercase.
                let mut upper = false;
                for &b in input.as_bytes() {
                    if !(lowest..=0x7E).contains(&b) {
                        return None;
                    }
                    upper |= b.is_ascii_uppercase();
                }
                if input.is_empty() {
                    None
                } else if lower && upper {
                    Some(Ok(Cow::Owned(input.to_ascii_lowercase())))
                } else {
                    Some(Ok(Cow::Borrowed(input)))
                }
            }
            // Nickname: trim and collapse U+0020, then FreeformClass (U+0020..U+007E).
            Additional::Nickname => {
                if !input.bytes().all(|b| (0x20..=0x7E).contains(&b)) {
                    return None;
                }
                let trimmed = input.trim_matches(' ');
                if trimmed.is_empty() {
                    return Some(Err(Error::Empty));
                }
                let collapse = trimmed.contains("  ");
                let upper = lower && trimmed.bytes().any(|b| b.is_ascii_uppercase());
                if !collapse && !upper {
                    return Some(Ok(if trimmed.len() == input.len() {
                        Cow::Borrowed(input)
                    } else {
                        Cow::Owned(String::from(trimmed))
                    }));
                }
                let mut out = String::with_capacity(trimmed.len());
                let mut prev_space = false;
                for b in trimmed.bytes() {
                    if b == b' ' && prev_space {
                        continue;
                    }
                    prev_space = b == b' ';
                    out.push(char::from(if upper { b.to_ascii_lowercase() } else { b }));
                }
                Some(Ok(Cow::Owned(out)))
            }
        }
    }

    /// Preparation ([RFC 8264 §7](https://www.rfc-editor.org/rfc/rfc8264#section-7)):
    /// only the width-mapping rule (Username profiles,
    /// [RFC 8265 §3.3.2](https://www.rfc-editor.org/rfc/rfc8265#section-3.3.2)) and
    /// the behavioural rules of the string class; no other mapping or normalization.
    pub fn prepare(self, input: &str) -> Result<Cow<'_, str>, Error> {
        let s = if self.width_mapping() {
            mapping::width(input)
        } else {
            Cow::Borrowed(input)
        };
        self.string_class().enforce(&s)?;
        Ok(s)
    }

    /// Comparison ([RFC 8264 §7](https://www.rfc-editor.org/rfc/rfc8264#section-7)):
    /// enforce both strings and compare the results code point by code point. For the
    /// Nickname profiles the comparison also applies the case-mapping rule
    /// ([RFC 8266 §2.4](https://www.rfc-editor.org/rfc/rfc8266#section-2.4)).
    pub fn compare(self, a: &str, b: &str) -> Result<bool, Error> {
        let case = match self {
            Profile::NicknameCaseMapped | Profile::NicknameCasePreserved => CaseMapping::ToLower,
            _ => self.case_mapping(),
        };
        Ok(self.enforce_with(case, a)? == self.enforce_with(case, b)?)
    }
}

/// The `FAST` bit of the code points that case mapping `case` leaves alone (0: all).
const fn case_bit(case: CaseMapping) -> u16 {
    match case {
        CaseMapping::Preserve => 0,
        CaseMapping::ToLower => tables::LOWER_SAME,
        CaseMapping::CaseFold => tables::FOLD_SAME,
    }
}

/// No leading, trailing or doubled U+0020: the Nickname additional mapping has
/// nothing to trim or collapse.
fn spaces_settled(s: &str) -> bool {
    !s.starts_with(' ') && !s.ends_with(' ') && !s.contains("  ")
}

/// Pushes `m` when it is below U+0800 and has all the `need` bits; returns its flags.
fn push_checked(buf: &mut String, m: char, need: u16) -> Option<u16> {
    let f = tables::fast_flags(m)?;
    if f & need != need {
        return None;
    }
    buf.push(m);
    Some(f)
}

/// Applies one mapping step to a `Cow`, keeping the borrow when nothing changes.
fn then<'a>(s: Cow<'a, str>, f: impl FnOnce(&str) -> Cow<'_, str>) -> Cow<'a, str> {
    let changed = match f(&s) {
        // A step may return a shorter slice of its input (trimming): a change.
        Cow::Borrowed(b) if b.len() != s.len() => Some(String::from(b)),
        Cow::Borrowed(_) => None,
        Cow::Owned(o) => Some(o),
    };
    match changed {
        Some(o) => Cow::Owned(o),
        None => s,
    }
}

#[cfg(test)]
impl Profile {
    /// The general path, bypassing the ASCII fast path (for tests).
    pub(crate) fn enforce_slow(
        self,
        case: CaseMapping,
        input: &str,
    ) -> Result<Cow<'_, str>, Error> {
        self.enforce_general(case, input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use proptest::prelude::*;

    const CASES: [CaseMapping; 3] = [
        CaseMapping::Preserve,
        CaseMapping::ToLower,
        CaseMapping::CaseFold,
    ];

    #[test]
    fn borrowed_when_unchanged() {
        for p in Profile::ALL {
            assert!(
                matches!(p.enforce("juliet"), Ok(Cow::Borrowed("juliet"))),
                "{p:?}"
            );
            assert!(
                matches!(p.enforce("\u{E9}t\u{E9}"), Ok(Cow::Borrowed(_))),
                "{p:?}"
            );
        }
        assert!(matches!(
            Profile::OpaqueString.enforce("Ju Liet"),
            Ok(Cow::Borrowed(_))
        ));
        assert!(matches!(
            Profile::UsernameCaseMapped.enforce("Juliet"),
            Ok(Cow::Owned(_))
        ));
        assert_eq!(
            Profile::NicknameCasePreserved.enforce("  a  b ").as_deref(),
            Ok("a b")
        );
    }

    /// Enforcement as RFC 8264 §7 describes it: every round mapped, until a round
    /// changes nothing (no shortcut).
    fn full_repetition(p: Profile, case: CaseMapping, s: &str) -> Result<Cow<'_, str>, Error> {
        p.repeat_rules(case, s, false)
    }

    /// Same value, and borrowed exactly when the reference is borrowed.
    fn same(a: &Result<Cow<'_, str>, Error>, b: &Result<Cow<'_, str>, Error>) -> bool {
        a.as_deref() == b.as_deref()
            && matches!(a, Ok(Cow::Borrowed(_))) == matches!(b, Ok(Cow::Borrowed(_)))
    }

    /// Strings biased toward what the one-pass path and [`Profile::settled`] decide on:
    /// Latin (with capitals), Greek (with capital sigma in every context), Cyrillic,
    /// combining marks, spaces, fullwidth and halfwidth forms, RTL letters and digits,
    /// contextual code points, compatibility characters and a few beyond U+0800.
    fn biased() -> impl Strategy<Value = String> {
        let c = prop_oneof![
            3 => prop::char::range('a', 'z'),
            2 => prop::char::range('A', 'Z'),
            1 => prop::sample::select(vec![' ', ' ', '.', '-', '@', '1', '\t', '\u{7F}']),
            4 => prop::char::range('\u{A0}', '\u{24F}'),
            1 => prop::char::range('\u{250}', '\u{2FF}'),
            3 => prop::char::range('\u{300}', '\u{36F}'),
            4 => prop::char::range('\u{370}', '\u{3FF}'),
            2 => prop::sample::select(vec!['\u{3A3}', '\u{3C3}', '\u{3C2}', '\u{345}', '\u{387}']),
            2 => prop::char::range('\u{400}', '\u{52F}'),
            1 => prop::char::range('\u{530}', '\u{7FF}'),
            2 => prop::char::range('\u{FF01}', '\u{FFEE}'),
            1 => prop::sample::select(vec![
                '\u{1E00}', '\u{1E9E}', '\u{1F88}', '\u{2126}', '\u{212A}', '\u{212B}',
                '\u{2163}', '\u{200C}', '\u{200D}', '\u{3000}', '\u{2003}', '\u{FB01}',
                '\u{AC00}', '\u{1100}', '\u{10400}', '\u{1CCD6}',
            ]),
        ];
        prop::collection::vec(c, 1..10).prop_map(|v| v.into_iter().collect())
    }

    /// Every code point below U+0800 alone, and after `A`, `a` and U+03A3: the one-pass
    /// path and the general path agree with the full repetition.
    #[test]
    fn shortcuts_match_full_repetition_below_u0800() {
        for cp in 0..0x800 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            for s in [
                alloc::format!("{c}"),
                alloc::format!("A{c}"),
                alloc::format!("a{c}"),
                alloc::format!("\u{3A3}{c}"),
                alloc::format!("{c}\u{3A3}"),
            ] {
                for p in Profile::ALL {
                    for case in CASES {
                        let full = full_repetition(p, case, &s);
                        let fast = p.enforce_with(case, &s);
                        let general = p.enforce_general(case, &s);
                        assert!(
                            same(&fast, &full),
                            "{p:?}/{case:?} {s:?}: {fast:?} {full:?}"
                        );
                        assert!(same(&general, &full), "{p:?}/{case:?} {s:?}");
                    }
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// The one-round shortcuts (the one-pass path, and [`Profile::settled`] in the
        /// general path) give exactly what repeating every round gives.
        #[test]
        fn one_round_shortcut_matches_full_repetition(s in biased()) {
            for p in Profile::ALL {
                for case in CASES {
                    let full = full_repetition(p, case, &s);
                    let fast = p.enforce_with(case, &s);
                    let general = p.enforce_general(case, &s);
                    prop_assert!(same(&fast, &full), "{:?}/{:?}: {:?} vs {:?}", p, case, fast, full);
                    prop_assert!(same(&general, &full), "{:?}/{:?}: {:?} vs {:?}", p, case, general, full);
                }
            }
        }

        /// The lemma behind the shortcuts: a string that passes the checks and that
        /// [`Profile::settled`] accepts is left unchanged by one more round.
        #[test]
        fn settled_strings_are_stable(s in biased()) {
            for p in Profile::ALL {
                for case in CASES {
                    if p.check(&s).is_ok() && p.settled(case, &s) {
                        prop_assert_eq!(&*p.map_once(case, &s), &*s, "{:?}/{:?}", p, case);
                    }
                }
            }
        }

        /// The ASCII fast path gives exactly what the general path gives.
        #[test]
        fn ascii_fast_path_matches_general_path(s in "[ -~\t\n\x7F]{0,16}") {
            for p in Profile::ALL {
                for case in CASES {
                    let fast = p.enforce_with(case, &s);
                    let slow = p.enforce_slow(case, &s);
                    prop_assert_eq!(fast.as_deref(), slow.as_deref(), "{:?}/{:?}", p, case);
                }
            }
        }
    }
}
