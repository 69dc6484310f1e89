//! Examples from the RFC texts.

use xmpp_precis::idna2008::{self, LabelError};
use xmpp_precis::{
    Category, ContextRule, DerivedProperty, Error, Profile, StringClass, derived_property,
};

fn enforce(p: Profile, s: &str) -> Result<String, Error> {
    p.enforce(s).map(|c| c.into_owned())
}

/// RFC 8265 §3.5 (usernames), Table 3 and the surrounding prose.
#[test]
fn rfc8265_usernames() {
    let p = Profile::UsernameCaseMapped;
    // Valid, unchanged or only case mapped.
    assert_eq!(
        enforce(p, "juliet@example.com").unwrap(),
        "juliet@example.com"
    );
    assert_eq!(enforce(p, "fussball").unwrap(), "fussball");
    assert_eq!(enforce(p, "fu\u{DF}ball").unwrap(), "fu\u{DF}ball");
    assert_eq!(enforce(p, "\u{3C0}").unwrap(), "\u{3C0}");
    assert_eq!(enforce(p, "\u{3A3}").unwrap(), "\u{3C3}");
    assert_eq!(enforce(p, "\u{3C3}").unwrap(), "\u{3C3}");
    assert_eq!(enforce(p, "\u{3C2}").unwrap(), "\u{3C2}");
    assert_eq!(
        enforce(Profile::UsernameCasePreserved, "\u{3A3}").unwrap(),
        "\u{3A3}"
    );
    // Invalid.
    assert!(matches!(
        enforce(p, "foo bar"),
        Err(Error::Disallowed {
            position: 3,
            code_point: ' ',
            category: Category::Spaces
        })
    ));
    assert_eq!(enforce(p, ""), Err(Error::Empty));
    assert!(matches!(
        enforce(p, "henry\u{2163}"),
        Err(Error::Disallowed {
            position: 5,
            category: Category::HasCompat,
            ..
        })
    ));
    assert!(matches!(
        enforce(p, "\u{265A}"),
        Err(Error::Disallowed {
            category: Category::Symbols,
            ..
        })
    ));
    // §3.3.1: fullwidth characters are width-mapped before the class check.
    assert_eq!(
        enforce(p, "\u{FF2A}\u{FF55}\u{FF4C}\u{FF49}\u{FF45}\u{FF54}").unwrap(),
        "juliet"
    );
    // §3.3.1 directionality: the Bidi Rule applies to strings with RTL characters.
    assert!(matches!(
        enforce(p, "A\u{5D0}\u{5D1}"),
        Err(Error::BidiRule { .. })
    ));
    assert_eq!(enforce(p, "\u{5D0}\u{5D1}").unwrap(), "\u{5D0}\u{5D1}");
}

/// RFC 8265 §4.4 (passwords), Table 4.
#[test]
fn rfc8265_passwords() {
    let p = Profile::OpaqueString;
    for ok in [
        "correct horse battery staple",
        "Correct Horse Battery Staple",
        "\u{3C0}\u{DF}\u{E5}",
        "Jack of \u{2666}s",
    ] {
        assert_eq!(enforce(p, ok).unwrap(), ok);
    }
    assert_ne!(
        enforce(p, "correct horse battery staple"),
        enforce(p, "Correct Horse Battery Staple")
    );
    assert_eq!(enforce(p, "foo\u{1680}bar").unwrap(), "foo bar");
    assert_eq!(enforce(p, ""), Err(Error::Empty));
    assert!(matches!(
        enforce(p, "my cat is a \u{9}by"),
        Err(Error::Disallowed {
            position: 12,
            code_point: '\u{9}',
            category: Category::Controls
        })
    ));
}

/// RFC 8266 §4 (nicknames), Table 1.
#[test]
fn rfc8266_nicknames() {
    let p = Profile::NicknameCasePreserved;
    assert_eq!(enforce(p, "Foo").unwrap(), "Foo");
    assert_eq!(enforce(p, "foo").unwrap(), "foo");
    assert_eq!(enforce(p, "Foo Bar").unwrap(), "Foo Bar");
    assert_eq!(enforce(p, "foo bar").unwrap(), "foo bar");
    assert_eq!(enforce(p, "\u{3A3}").unwrap(), "\u{3A3}");
    assert_eq!(enforce(p, "\u{3C3}").unwrap(), "\u{3C3}");
    assert_eq!(enforce(p, "\u{3C2}").unwrap(), "\u{3C2}");
    assert_eq!(enforce(p, "\u{265A}").unwrap(), "\u{265A}");
    assert_eq!(enforce(p, "Richard \u{2163}").unwrap(), "Richard IV");
    assert_eq!(enforce(p, "\u{2135}").unwrap(), "\u{5D0}");
    // §2.1 additional mapping: spaces trimmed and collapsed.
    assert_eq!(
        enforce(p, "  Juliet \u{2003} Capulet ").unwrap(),
        "Juliet Capulet"
    );
    assert_eq!(enforce(p, " \u{A0} "), Err(Error::Empty));
    // §2.4 comparison applies the case-mapping rule.
    assert!(p.compare("Foo", "foo").unwrap());
    assert!(p.compare("Foo Bar", "foo bar").unwrap());
    assert!(p.compare("\u{3A3}", "\u{3C3}").unwrap());
    assert!(!p.compare("\u{3C3}", "\u{3C2}").unwrap());
    assert!(p.compare("Richard \u{2163}", "richard iv").unwrap());
    // NicknameCaseMapped lowercases during enforcement.
    assert_eq!(
        enforce(Profile::NicknameCaseMapped, "Foo Bar").unwrap(),
        "foo bar"
    );
}

/// RFC 8264 §8 / RFC 5892 §2.6 exceptions and the contextual rules of RFC 5892
/// Appendix A, through the string classes.
#[test]
fn rfc8264_context_rules() {
    assert_eq!(derived_property('\u{DF}'), DerivedProperty::Pvalid);
    assert_eq!(derived_property('\u{640}'), DerivedProperty::Disallowed);
    assert_eq!(derived_property('\u{200C}'), DerivedProperty::ContextJ);
    let id = StringClass::Identifier;
    assert_eq!(id.enforce("l\u{B7}l"), Ok("l\u{B7}l"));
    assert_eq!(
        id.enforce("a\u{B7}b"),
        Err(Error::Context {
            position: 1,
            code_point: '\u{B7}',
            rule: ContextRule::MiddleDot
        })
    );
    assert_eq!(id.enforce("\u{375}\u{3B1}"), Ok("\u{375}\u{3B1}"));
    assert!(matches!(
        id.enforce("\u{375}a"),
        Err(Error::Context {
            rule: ContextRule::GreekKeraia,
            ..
        })
    ));
    assert_eq!(id.enforce("\u{5D0}\u{5F4}"), Ok("\u{5D0}\u{5F4}"));
    assert_eq!(id.enforce("\u{30FB}\u{30A2}"), Ok("\u{30FB}\u{30A2}"));
    assert!(matches!(
        id.enforce("\u{30FB}a"),
        Err(Error::Context {
            rule: ContextRule::KatakanaMiddleDot,
            ..
        })
    ));
    assert!(matches!(
        id.enforce("\u{660}\u{6F0}"),
        Err(Error::Context {
            rule: ContextRule::ArabicIndicDigits,
            ..
        })
    ));
    assert_eq!(
        id.enforce("\u{915}\u{94D}\u{200D}"),
        Ok("\u{915}\u{94D}\u{200D}")
    );
    assert!(matches!(
        id.enforce("\u{200D}"),
        Err(Error::Context {
            rule: ContextRule::ZeroWidthJoiner,
            ..
        })
    ));
}

/// RFC 5891 §4.2.3 / §5.4 label checks and RFC 5893 for domains.
#[test]
fn idna2008_labels() {
    assert_eq!(idna2008::check_domain("example.com"), Ok(()));
    assert_eq!(idna2008::check_domain("\u{E9}xample.com"), Ok(()));
    assert_eq!(
        idna2008::check_label("ab--c"),
        Err(LabelError::Hyphen { position: 2 })
    );
    assert!(matches!(
        idna2008::check_label("a\u{2163}"),
        Err(LabelError::Disallowed {
            position: 1,
            code_point: '\u{2163}'
        })
    ));
    assert_eq!(
        idna2008::check_domain("\u{627}\u{644}\u{639}\u{631}\u{628}\u{64A}\u{629}.example"),
        Ok(())
    );
    assert!(matches!(
        idna2008::check_domain("\u{627}1\u{661}.example"),
        Err(LabelError::BidiRule { condition: 4, .. })
    ));
}
