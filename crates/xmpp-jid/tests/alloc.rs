//! Allocation counts of the fast paths, measured with a counting global allocator.
//!
//! This file holds a single test so that no other test thread allocates while it
//! measures.

use std::alloc::System;

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use xmpp_jid::{BareJid, FullJid, Jid};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Allocations (plus reallocations) made by `f`; the result is dropped outside the
/// measured region.
fn allocations<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let region = Region::new(GLOBAL);
    let out = f();
    let change = region.change();
    (change.allocations + change.reallocations, out)
}

#[test]
fn fast_paths_allocate_once() {
    // Warm up anything lazily initialised.
    let _ = Jid::new("warm@up.example/x");

    for input in [
        "user@example.com/res",
        "example.com",
        "a.example.com/b@example.net",
        "foo\\20bar@example.com",
        "user@192.0.2.1/res",
        "user@[2001:db8::1]",
    ] {
        let (n, jid) = allocations(|| Jid::new(input));
        assert_eq!(jid.as_ref().map(Jid::as_str), Ok(input));
        assert_eq!(n, 1, "already-normal {input:?}: {n} allocations");
    }

    // ASCII that needs case mapping or a final dot removed: still only the result.
    for (input, normal) in [
        ("User@Example.COM/Res", "user@example.com/Res"),
        ("user@example.com./res", "user@example.com/res"),
        ("USER@EXAMPLE.COM", "user@example.com"),
    ] {
        let (n, jid) = allocations(|| Jid::new(input));
        assert_eq!(jid.as_ref().map(Jid::as_str), Ok(normal));
        assert_eq!(n, 1, "ASCII {input:?}: {n} allocations");
    }

    // From a String already in normal form: the buffer is reused.
    let owned = String::from("user@example.com/res");
    let (n, jid) = allocations(|| Jid::try_from(owned));
    assert!(jid.is_ok());
    assert_eq!(n, 0, "TryFrom<String>: {n} allocations");

    // From a String with capitals: lowered in its own buffer.
    let owned = String::from("User@Example.COM/Res");
    let (n, jid) = allocations(|| Jid::try_from(owned));
    assert_eq!(jid.as_ref().map(Jid::as_str), Ok("user@example.com/Res"));
    assert_eq!(n, 0, "TryFrom<String> with capitals: {n} allocations");

    // The typed variants cost the same.
    let (n, bare) = allocations(|| BareJid::new("user@example.com"));
    assert!(bare.is_ok());
    assert_eq!(n, 1);
    let (n, full) = allocations(|| FullJid::new("user@example.com/res"));
    assert!(full.is_ok());
    assert_eq!(n, 1);

    // Dropping the resourcepart in place does not allocate.
    let full = FullJid::new("user@example.com/res").expect("valid");
    let (n, bare) = allocations(|| full.into_bare());
    assert_eq!(bare.as_str(), "user@example.com");
    assert_eq!(n, 0);

    // Errors on the ASCII path do not allocate beyond the discarded output buffer.
    let (n, err) = allocations(|| Jid::new("user@exa_mple.com"));
    assert!(err.is_err());
    assert!(n <= 1, "{n}");
}
