//! The PRECIS profiles of [RFC 8265](https://www.rfc-editor.org/rfc/rfc8265) and
//! [RFC 8266](https://www.rfc-editor.org/rfc/rfc8266), applied in the order of
//! [RFC 8264 §7](https://www.rfc-editor.org/rfc/rfc8264#section-7).

use alloc::borrow::Cow;
use alloc::string::String;

use crate::bidi;
use crate::class::StringClass;
use crate::error::Error;
use crate::mapping::{self, Form};

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
    /// a mapping changes it, without allocating.
    pub fn enforce(self, input: &str) -> Result<Cow<'_, str>, Error> {
        self.enforce_with(self.case_mapping(), input)
    }

    /// [`Profile::enforce`] with `case` in place of the profile's own case-mapping
    /// rule: `Profile::UsernameCaseMapped.enforce_with(CaseMapping::CaseFold, s)` is
    /// the precis-i18n `UsernameCaseMapped:CaseFold` variant.
    pub fn enforce_with(self, case: CaseMapping, input: &str) -> Result<Cow<'_, str>, Error> {
        if input.is_ascii()
            && let Some(result) = self.enforce_ascii(case, input)
        {
            return result;
        }
        self.enforce_general(case, input)
    }

    /// The general path: every rule, repeated until stable. A repetition whose
    /// mappings change nothing ends the loop without re-running the checks, which
    /// already passed on that very string.
    fn enforce_general(self, case: CaseMapping, input: &str) -> Result<Cow<'_, str>, Error> {
        let first = self.map_once(case, input);
        self.check(&first)?;
        let mut current: String = match first {
            Cow::Borrowed(_) => return Ok(Cow::Borrowed(input)),
            Cow::Owned(o) if o == input => return Ok(Cow::Borrowed(input)),
            Cow::Owned(o) => o,
        };
        for _ in 0..EXTRA_ROUNDS {
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

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

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
