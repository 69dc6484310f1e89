//! Property tests: enforcement is idempotent, and no input panics.

use proptest::prelude::*;
use xmpp_precis::{CaseMapping, Profile, StringClass, idna2008};

/// Strings built from characters that exercise the mappings: ASCII, spaces of every
/// kind, combining marks, Greek sigma, compatibility and fullwidth characters, RTL
/// letters and digits, joiners, Hangul jamo, unassigned code points.
fn interesting() -> impl Strategy<Value = String> {
    let pool: Vec<char> = vec![
        'a',
        'A',
        'z',
        'I',
        ' ',
        '-',
        '.',
        '@',
        '\t',
        '\u{A0}',
        '\u{2003}',
        '\u{3000}',
        '\u{1680}',
        '\u{300}',
        '\u{301}',
        '\u{308}',
        '\u{323}',
        '\u{345}',
        '\u{3A3}',
        '\u{3C3}',
        '\u{3C2}',
        '\u{130}',
        '\u{131}',
        '\u{DF}',
        '\u{1E9E}',
        '\u{A8}',
        '\u{FE72}',
        '\u{FB01}',
        '\u{2163}',
        '\u{212B}',
        '\u{FF21}',
        '\u{FF76}',
        '\u{FF9E}',
        '\u{5D0}',
        '\u{627}',
        '\u{661}',
        '\u{6F1}',
        '1',
        '\u{200C}',
        '\u{200D}',
        '\u{B7}',
        'l',
        '\u{30FB}',
        '\u{1100}',
        '\u{1161}',
        '\u{AC00}',
        '\u{378}',
        '\u{E0041}',
        '\u{1CCD6}',
        '\u{10FFFF}',
        '\u{13A0}',
        '\u{AB70}',
        '\u{1F50}',
        '\u{3B9}',
    ];
    prop::collection::vec(prop::sample::select(pool), 0..12).prop_map(|v| v.into_iter().collect())
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), interesting()]
}

const CASES: [CaseMapping; 3] = [
    CaseMapping::Preserve,
    CaseMapping::ToLower,
    CaseMapping::CaseFold,
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn enforcement_is_idempotent(s in any_text()) {
        for p in Profile::ALL {
            if let Ok(once) = p.enforce(&s) {
                let twice = p.enforce(&once);
                prop_assert_eq!(twice.as_deref(), Ok(&*once), "{:?} on {:?}", p, s);
            }
            for case in CASES {
                if let Ok(once) = p.enforce_with(case, &s) {
                    let twice = p.enforce_with(case, &once);
                    prop_assert_eq!(twice.as_deref(), Ok(&*once), "{:?}/{:?} on {:?}", p, case, s);
                }
            }
        }
    }

    #[test]
    fn preparing_a_prepared_string_changes_nothing(s in any_text()) {
        for p in Profile::ALL {
            if let Ok(once) = p.prepare(&s) {
                let twice = p.prepare(&once);
                prop_assert_eq!(twice.as_deref(), Ok(&*once));
            }
        }
    }

    #[test]
    fn no_input_panics(s in any_text(), t in any_text()) {
        for p in Profile::ALL {
            let _ = p.enforce(&s);
            let _ = p.prepare(&s);
            let _ = p.compare(&s, &t);
            if let Err(e) = p.enforce(&s) {
                let _ = e.to_string();
                let _ = e.reason();
            }
        }
        let _ = StringClass::Identifier.enforce(&s);
        let _ = StringClass::Freeform.enforce(&s);
        let _ = idna2008::check_label(&s);
        if let Err(e) = idna2008::check_domain(&s) {
            let _ = e.to_string();
        }
    }

    #[test]
    fn error_positions_point_at_the_code_point(s in any_text()) {
        // A bare string class maps nothing, so its error positions index the input.
        if let Err(e) = StringClass::Freeform.enforce(&s)
            && let (Some(pos), Some(c)) = (e.position(), e.code_point())
        {
            prop_assert_eq!(s[pos..].chars().next(), Some(c));
        }
    }
}
