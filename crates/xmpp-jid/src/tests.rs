//! Unit tests that need crate internals: the fast paths agree with the full paths.

use alloc::format;
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

/// Any ASCII string at all.
fn ascii() -> impl Strategy<Value = String> {
    "[\\x00-\\x7f]{0,40}"
}

/// `[local@]domain[/resource]` of random printable ASCII pieces, with capitals and
/// labels around the 63-octet limit and names around the 253-octet limit.
fn structured() -> impl Strategy<Value = String> {
    let local = prop_oneof!["[!-~]{0,6}", "[a-zA-Z0-9._\\-]{1,8}"];
    let label = prop_oneof![
        "[a-zA-Z0-9\\-]{0,5}",
        "[a-z]{61,65}",
        "[0-9]{1,3}",
        "[a-zA-Z0-9\\-_\\[\\]:]{1,4}",
    ];
    let domain = prop::collection::vec(label, 1..6).prop_map(|v| v.join("."));
    let resource = "[ -~]{0,6}";
    (prop::option::of(local), domain, prop::option::of(resource)).prop_map(|(l, d, r)| {
        let mut s = l.map(|l| l + "@").unwrap_or_default();
        s.push_str(&d);
        if let Some(r) = r {
            s.push('/');
            s.push_str(&r);
        }
        s
    })
}

/// `s` with `A`-`Z` lowered before the first `/`: the normal form when the fast path
/// takes `s`.
fn lower_head(s: &str) -> String {
    let end = s.find('/').unwrap_or(s.len());
    let mut out = String::from(s);
    if let Some(head) = out.get_mut(..end) {
        head.make_ascii_lowercase();
    }
    out
}

fn fast_path_agrees_on(s: &str) -> Result<(), TestCaseError> {
    let full = parse::parse_full(s);
    match ascii::scan(s) {
        Some(fast) => {
            let mut out = String::from(s);
            let layout = fast.normalise(&mut out);
            prop_assert_eq!(full, Ok((out, layout)));
        }
        // IP literals are left to the full path, even canonical ones.
        None => prop_assert!(
            !s.is_ascii()
                || s.contains('[')
                || full.as_ref().map_or(true, |(out, _)| *out != lower_head(s)),
            "{:?} missed the fast path",
            s
        ),
    }
    Ok(())
}

/// Strings at each length limit and one past it, which random strings seldom hit: the
/// fast path must decide as the full path does.
#[test]
fn fast_path_agrees_at_the_limits() {
    let label = |n: usize| "a".repeat(n);
    let names = [
        label(63),
        label(64),
        format!("{}.{}.{}.{}", label(63), label(63), label(63), label(61)), // 253
        format!("{}.{}.{}.{}", label(63), label(63), label(63), label(62)), // 254
        format!("{}.{}.{}.{}", label(63), label(63), label(63), label(63)),
    ];
    for name in &names {
        for local in ["", "u@", "U@"] {
            for resource in ["", "/r", "/R"] {
                let s = format!("{local}{name}{resource}");
                fast_path_agrees_on(&s)
                    .map_err(|e| format!("{s}: {e}"))
                    .unwrap();
                let upper = s.to_ascii_uppercase();
                fast_path_agrees_on(&upper)
                    .map_err(|e| format!("{upper}: {e}"))
                    .unwrap();
            }
        }
    }
    for n in [1022, 1023, 1024] {
        for s in [
            format!("{}@example.com", label(n)),
            format!("example.com/{}", label(n)),
            format!("{}@example.com/{}", label(n), label(n)),
        ] {
            fast_path_agrees_on(&s)
                .map_err(|e| format!("{n}: {e}"))
                .unwrap();
        }
    }
}

/// Names of digits and dots (IPv4 literals or nearly), labels with digits, and short
/// resourceparts with the odd control, DEL or non-ASCII character, where the fast path
/// takes its shortcuts (one word for the resourcepart, digits only checked in the last
/// label).
fn digits_and_resources() -> impl Strategy<Value = String> {
    "([a-z0-9]{1,9}@)?([0-9a-c]{0,4}\\.){0,4}[0-9a-c]{0,4}(/[a-z ~\\x00\\x1f\\x7fé]{0,12})?"
}

/// Inputs at the fast path's shortcuts: digits in the last label or elsewhere, and
/// resourceparts within the last eight bytes, shorter inputs, and longer resourceparts.
#[test]
fn fast_path_agrees_on_examples() {
    for s in [
        "a@1.2.3.4",
        "a@1.2.3.999",
        "a@1.2.3.04",
        "a@1.2.3",
        "a@1.2.3.4.5",
        "1.2.3.4",
        "a@b.c1",
        "a@b.1c",
        "a@b.1",
        "a@12345678.example",
        "a@example.12345678x",
        "a@example.12345678",
        "u7@example.com",
        "a@b/c",
        "a@b/ ~",
        "a@b/\u{7f}",
        "a@b/é",
        "user@example.com/12345678",
        "user@example.com/123456789",
        "user@example.com/a/b@c d",
        "user@example.com/1234567\u{7f}",
        "user@example.com/\u{0}2345678",
        "user@example.com/123456789\u{1f}",
        "user@example.com/1\u{7f}3456789",
        "user@example.com/résource",
        "a.b.c.d@1.2.3.4/x",
    ] {
        fast_path_agrees_on(s)
            .map_err(|e| format!("{s:?}: {e}"))
            .unwrap();
    }
}

/// Mostly the usual characters, so that many strings are normal JIDs.
fn plainish() -> impl Strategy<Value = String> {
    "[a-z0-9]{0,6}[@.\\-]?[a-z0-9.\\-]{0,12}[/@]?[a-z0-9 A/.@\\-]{0,8}[a-z0-9.\\-@/]{0,40}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// The fast path takes exactly the ASCII strings whose normal form is themselves
    /// with the head lowered (IP literals aside), and gives what the full path gives.
    #[test]
    fn fast_path_agrees(
        s in prop_oneof![asciiish(), plainish(), ascii(), structured(), digits_and_resources()]
    ) {
        fast_path_agrees_on(&s)?;
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

/// The domainpart the slow way: always UTS #46, then always `check_domain`; the DNS
/// lengths from the A-labels that the `idna` crate's ToASCII builds (not from our
/// length code).
fn reference_domain(input: &str) -> Option<String> {
    use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};
    let d = ['.', '\u{3002}', '\u{FF0E}', '\u{FF61}']
        .iter()
        .find_map(|&c| input.strip_suffix(c))
        .unwrap_or(input);
    if d.is_empty() || d.starts_with('[') {
        return None;
    }
    let uts46 = Uts46::new();
    let (mapped, result) = uts46.to_unicode(d.as_bytes(), AsciiDenyList::STD3, Hyphens::Check);
    result.ok()?;
    if crate::ip::looks_like_ipv4(mapped.as_bytes()) {
        return crate::ip::parse_ipv4(mapped.as_bytes()).map(|_| String::from(&*mapped));
    }
    uts46
        .to_ascii(
            mapped.as_bytes(),
            AsciiDenyList::STD3,
            Hyphens::Check,
            DnsLength::Verify,
        )
        .ok()?;
    if mapped.len() > 1023 {
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
