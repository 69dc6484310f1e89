//! The 23 examples of RFC 7622 §3.5 (Tables 1 and 2), from tests/data/rfc7622-examples.json.

use serde_json::Value;
use xmpp_jid::{Jid, Part};

const DATA: &str = include_str!("data/rfc7622-examples.json");

/// Which part each invalid example must be rejected for.
fn expected_part(n: u64) -> Option<Part> {
    Some(match n {
        16 | 17 | 19 | 20 | 21 => Part::Localpart,
        22 | 23 => Part::Domainpart,
        _ => return None,
    })
}

#[test]
fn all_23_examples() {
    let examples: Vec<Value> = serde_json::from_str(DATA).expect("valid test data");
    assert_eq!(examples.len(), 23);
    let mut checked = 0;
    for ex in &examples {
        let n = ex["n"].as_u64().expect("n");
        let input = ex["input"].as_str().expect("input");
        let valid = ex["valid_per_rfc"].as_bool().expect("valid_per_rfc");
        let result = Jid::new(input);
        if n == 18 {
            // Erratum: OpaqueString allows a leading space, so this example is valid.
            assert!(!valid);
            let jid = result.expect("example 18 is accepted (erratum)");
            assert_eq!(jid.resourcepart(), Some(" foo"));
            assert_eq!(jid.as_str(), input);
        } else if valid {
            let jid = result.unwrap_or_else(|e| panic!("example {n} {input:?}: {e}"));
            assert_eq!(
                jid.as_str(),
                ex["normalized"].as_str().expect("normalized"),
                "example {n}"
            );
            // Normal form is a fixed point.
            assert_eq!(Jid::new(jid.as_str()).as_ref(), Ok(&jid), "example {n}");
        } else {
            let err = result.expect_err(input);
            assert_eq!(Some(err.part()), expected_part(n), "example {n}: {err}");
        }
        checked += 1;
    }
    assert_eq!(checked, 23);
}

#[test]
fn parts_of_the_valid_examples() {
    let jid = Jid::new("a.example.com/b@example.net").expect("valid");
    assert_eq!(jid.localpart(), None);
    assert_eq!(jid.domainpart(), "a.example.com");
    assert_eq!(jid.resourcepart(), Some("b@example.net"));

    let jid = Jid::new("Σ@example.com/foo").expect("valid");
    assert_eq!(jid.localpart(), Some("σ"));

    let jid = Jid::new("king@example.com/♚").expect("valid");
    assert_eq!(jid.resourcepart(), Some("♚"));
}
