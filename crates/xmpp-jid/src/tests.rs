//! Unit tests that need crate internals: the fast paths agree with the full paths.

use alloc::string::String;
use core::mem::size_of;

use proptest::prelude::*;

use crate::ascii::{self, LOCAL, RESOURCE, UPPER};
use crate::{BareJid, FullJid, Jid, parse, prep};

#[test]
fn size_is_a_string_plus_a_few_bytes() {
    assert!(size_of::<Jid>() <= size_of::<String>() + 8);
    assert_eq!(size_of::<BareJid>(), size_of::<Jid>());
    assert_eq!(size_of::<FullJid>(), size_of::<Jid>());
    assert_eq!(size_of::<Option<Jid>>(), size_of::<Jid>());
}

/// Any ASCII-ish string: the characters that matter to the rules, plus a few others.
fn asciiish() -> impl Strategy<Value = String> {
    "[a-cA-CxnX0-9@/.\\-\\[\\]: \"&'<>_~\\x00\\x7fé]{0,24}"
}

/// Mostly the usual characters, so that many strings are normal JIDs.
fn plainish() -> impl Strategy<Value = String> {
    "[a-z0-9]{0,6}[@.\\-]?[a-z0-9.\\-]{0,12}[/@]?[a-z0-9 A/.@\\-]{0,8}[a-z0-9.\\-@/]{0,40}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// The fast path says "normal" exactly for the ASCII strings that the full path
    /// leaves unchanged.
    #[test]
    fn fast_path_agrees(s in prop_oneof![asciiish(), plainish()]) {
        let full = parse::parse_full(&s);
        match ascii::normal_layout(&s) {
            Some(layout) => prop_assert_eq!(full, Ok((s.clone(), layout))),
            None => prop_assert!(
                !s.is_ascii() || full.as_ref().map_or(true, |(out, _)| *out != s),
                "{:?} is normal but missed the fast path", s
            ),
        }
    }
}

proptest! {
    /// The ASCII localpart shortcut gives what the PRECIS profile gives.
    #[test]
    fn ascii_localpart_matches_profile(s in "[!#-%(-.0-9;=?A-~]{1,12}") {
        prop_assert!(ascii::all_in(s.as_bytes(), LOCAL | UPPER));
        let mut out = String::new();
        prep::localpart_into(&s, &mut out).ok();
        let profile = crate::prep::Profile::UsernameCaseMapped.enforce(&s);
        prop_assert_eq!(profile.as_deref().ok(), Some(out.as_str()));
    }

    /// The ASCII resourcepart shortcut gives what the PRECIS profile gives.
    #[test]
    fn ascii_resourcepart_matches_profile(s in "[ -~]{1,12}") {
        prop_assert!(ascii::all_in(s.as_bytes(), RESOURCE));
        let profile = crate::prep::Profile::OpaqueString.enforce(&s);
        prop_assert_eq!(profile.as_deref().ok(), Some(s.as_str()));
    }
}

/// The domainpart the slow way: always UTS #46, then always `check_domain`.
fn reference_domain(input: &str) -> Option<String> {
    use idna::uts46::{AsciiDenyList, Hyphens, Uts46};
    let d = ['.', '\u{3002}', '\u{FF0E}', '\u{FF61}']
        .iter()
        .find_map(|&c| input.strip_suffix(c))
        .unwrap_or(input);
    if d.is_empty() || d.starts_with('[') {
        return None;
    }
    let (mapped, result) =
        Uts46::new().to_unicode(d.as_bytes(), AsciiDenyList::STD3, Hyphens::Check);
    result.ok()?;
    if crate::ip::looks_like_ipv4(mapped.as_bytes()) {
        return crate::ip::parse_ipv4(mapped.as_bytes()).map(|_| String::from(&*mapped));
    }
    let mut total = 0;
    for label in mapped.split('.') {
        let n = crate::punycode::a_label_len(label);
        if label.is_empty() || n > 63 {
            return None;
        }
        total += n + 1;
    }
    if total > 254 || mapped.len() > 1023 {
        return None;
    }
    xmpp_precis::idna2008::check_domain(&mapped).ok()?;
    Some(String::from(&*mapped))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    /// The domain shortcuts (ASCII, already-U-label, PVALID-and-LTR) decide as the full
    /// UTS #46 + IDNA2008 path does.
    #[test]
    fn domain_shortcuts_agree(
        s in "[a-cA-C0-9.\\-éÉüÜßςΣöȯ\u{301}\u{308}\u{5d0}\u{627}\u{b7}\u{375}\u{200c}\u{200d}\u{94d}कＡ。・ア\u{660}_]{0,12}"
    ) {
        let mut out = String::new();
        let ours = crate::domain::prepare_into(&s, &mut out).ok().map(|()| out);
        prop_assert_eq!(ours, reference_domain(&s), "{:?}", s);
    }
}
