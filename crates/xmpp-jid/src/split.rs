//! Splitting a JID string into its three parts.
//!
//! [RFC 7622 §3.1](https://www.rfc-editor.org/rfc/rfc7622#section-3.1): the resourcepart
//! starts after the first `/`; the localpart ends at the `@` before that. We take the
//! last `@` before the first `/`. Since `@` is allowed neither in a localpart nor in a
//! domainpart, taking the first or the last `@` accepts exactly the same JIDs; the choice
//! only decides which part an error names.

/// The three slices of a JID string, with the byte offset of each in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Split<'a> {
    /// Localpart and its offset, when an `@` is present (may be empty).
    pub(crate) local: Option<(&'a str, usize)>,
    /// Domainpart and its offset (may be empty).
    pub(crate) domain: (&'a str, usize),
    /// Resourcepart and its offset, when a `/` is present (may be empty).
    pub(crate) resource: Option<(&'a str, usize)>,
}

/// Splits `s` per the rules above. Never fails: empty parts are reported later.
pub(crate) fn split(s: &str) -> Split<'_> {
    let bytes = s.as_bytes();
    // One pass: the first '/' and the last '@' before it.
    let mut at = None;
    let mut slash = None;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'/' {
            slash = Some(i);
            break;
        }
        if b == b'@' {
            at = Some(i);
        }
    }
    let head_end = slash.unwrap_or(bytes.len());
    // '/' and '@' are ASCII, so every cut below is on a char boundary.
    let local = at.map(|a| (s.get(..a).unwrap_or(""), 0));
    let domain_start = at.map_or(0, |a| a + 1);
    let domain = (s.get(domain_start..head_end).unwrap_or(""), domain_start);
    let resource = slash.map(|sl| (s.get(sl + 1..).unwrap_or(""), sl + 1));
    Split {
        local,
        domain,
        resource,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        let s = split("a@b/c@d/e");
        assert_eq!(s.local, Some(("a", 0)));
        assert_eq!(s.domain, ("b", 2));
        assert_eq!(s.resource, Some(("c@d/e", 4)));

        let s = split("a.example.com/b@example.net");
        assert_eq!(s.local, None);
        assert_eq!(s.domain, ("a.example.com", 0));
        assert_eq!(s.resource, Some(("b@example.net", 14)));

        let s = split("x@y@z");
        assert_eq!(s.local, Some(("x@y", 0)));
        assert_eq!(s.domain, ("z", 4));

        let s = split("");
        assert_eq!(s.local, None);
        assert_eq!(s.domain, ("", 0));
        assert_eq!(s.resource, None);

        let s = split("@/");
        assert_eq!(s.local, Some(("", 0)));
        assert_eq!(s.domain, ("", 1));
        assert_eq!(s.resource, Some(("", 2)));
    }
}
