//! Every Unicode scalar value, alone and between letters, under every profile:
//! no panic, and enforcement is idempotent (the precis-i18n reference checks the
//! same property over all code points).

use xmpp_precis::{CaseMapping, DerivedProperty, Profile, derived_property};

/// Unassigned and private-use code points are rejected by every profile whatever
/// surrounds them (no mapping touches them); skipping them keeps the test fast.
fn worth_testing(c: char) -> bool {
    derived_property(c) != DerivedProperty::Unassigned
        && !matches!(c, '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..='\u{10FFFF}')
}

#[test]
fn every_code_point_is_idempotent() {
    let mut failures = Vec::new();
    for c in (0..=0x10_FFFFu32)
        .filter_map(char::from_u32)
        .filter(|&c| worth_testing(c))
    {
        let alone = c.to_string();
        let inside = format!("A{c}\u{3A3}");
        for p in Profile::ALL {
            for case in [p.case_mapping(), CaseMapping::CaseFold] {
                for s in [&alone, &inside] {
                    if let Ok(once) = p.enforce_with(case, s)
                        && p.enforce_with(case, &once).as_deref() != Ok(&*once)
                    {
                        failures.push(format!("{p:?}/{case:?} U+{:04X}", u32::from(c)));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures: {:?}",
        failures.len(),
        &failures[..failures.len().min(50)]
    );
}
