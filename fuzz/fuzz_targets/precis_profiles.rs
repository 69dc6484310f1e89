//! Every PRECIS profile on arbitrary input: no panic, and enforcement is
//! idempotent (`enforce(enforce(x)) == enforce(x)` whenever the first call succeeds).
#![no_main]

use libfuzzer_sys::fuzz_target;
use xmpp_precis::{CaseMapping, Profile, StringClass, idna2008};

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    for profile in Profile::ALL {
        for case in [
            CaseMapping::Preserve,
            CaseMapping::ToLower,
            CaseMapping::CaseFold,
        ] {
            if let Ok(once) = profile.enforce_with(case, &input) {
                let twice = profile
                    .enforce_with(case, &once)
                    .unwrap_or_else(|e| panic!("{profile:?}/{case:?}: {once:?} rejected: {e}"));
                assert_eq!(
                    twice, once,
                    "{profile:?}/{case:?} not idempotent on {input:?}"
                );
            }
        }
        if let Ok(once) = profile.enforce(&input) {
            assert_eq!(profile.enforce(&once).ok().as_deref(), Some(&*once));
        }
        if let Ok(prepared) = profile.prepare(&input) {
            assert_eq!(profile.prepare(&prepared).ok().as_deref(), Some(&*prepared));
        }
        let _ = profile.compare(&input, "x");
    }
    let _ = StringClass::Identifier.enforce(&input);
    let _ = StringClass::Freeform.enforce(&input);
    let _ = idna2008::check_domain(&input);
});
