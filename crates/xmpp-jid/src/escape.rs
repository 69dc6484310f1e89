//! JID escaping, [XEP-0106](https://xmpp.org/extensions/xep-0106.html).
//!
//! Ten characters cannot appear in a localpart (RFC 7622 excludes eight, and the
//! IdentifierClass disallows the space); XEP-0106 writes them as `\` plus two lower-case
//! hex digits:
//!
//! | char | escape | char | escape |
//! |---|---|---|---|
//! | space | `\20` | `:` | `\3a` |
//! | `"` | `\22` | `<` | `\3c` |
//! | `&` | `\26` | `>` | `\3e` |
//! | `'` | `\27` | `@` | `\40` |
//! | `/` | `\2f` | `\` | `\5c` |
//!
//! A backslash is escaped only where it is followed by one of these ten sequences, so
//! that unescaping gives it back, and a leading or trailing space must not be escaped
//! (both in the XEP's business rules). Both functions work on
//! any string and never panic (a lone `\` at the end stays as it is).

use alloc::borrow::Cow;
use alloc::string::String;

use crate::error::Error;

/// The ten escape sequences (without the backslash) and what they stand for.
const TABLE: [(&[u8; 2], char); 10] = [
    (b"20", ' '),
    (b"22", '"'),
    (b"26", '&'),
    (b"27", '\''),
    (b"2f", '/'),
    (b"3a", ':'),
    (b"3c", '<'),
    (b"3e", '>'),
    (b"40", '@'),
    (b"5c", '\\'),
];

/// The character that `\xy` stands for, if `xy` (the two bytes after a backslash) is one
/// of the ten escape sequences.
fn decode(rest: &[u8]) -> Option<char> {
    let pair = rest.get(..2)?;
    TABLE
        .iter()
        .find(|(seq, _)| &seq[..] == pair)
        .map(|&(_, c)| c)
}

/// The escape sequence for `c`, if `c` is one of the characters that are always escaped
/// (everything in the table but the backslash).
fn encode(c: char) -> Option<&'static str> {
    Some(match c {
        ' ' => "\\20",
        '"' => "\\22",
        '&' => "\\26",
        '\'' => "\\27",
        '/' => "\\2f",
        ':' => "\\3a",
        '<' => "\\3c",
        '>' => "\\3e",
        '@' => "\\40",
        _ => return None,
    })
}

/// Escapes a raw localpart (for example a user name or an e-mail local part) per
/// XEP-0106, so that it can be used as a JID localpart.
///
/// The result still has to be prepared (it may contain other characters that a localpart
/// does not allow); pass it to [`Jid::from_parts`](crate::Jid::from_parts) or
/// [`prepare_localpart`](crate::prepare_localpart).
///
/// # Errors
///
/// [`Error::EscapedSpaceAtEdge`] if `raw` starts or ends with a space.
///
/// ```
/// use xmpp_jid::escape;
/// assert_eq!(escape("d'artagnan").unwrap(), "d\\27artagnan");
/// assert_eq!(escape("c:\\5commas").unwrap(), "c\\3a\\5c5commas");
/// assert_eq!(escape("c:\\net").unwrap(), "c\\3a\\net");
/// assert!(escape(" leading").is_err());
/// ```
pub fn escape(raw: &str) -> Result<Cow<'_, str>, Error> {
    if raw.starts_with(' ') || raw.ends_with(' ') {
        return Err(Error::EscapedSpaceAtEdge);
    }
    let bytes = raw.as_bytes();
    let needs = |i: usize, c: char| {
        encode(c).is_some() || (c == '\\' && decode(bytes.get(i + 1..).unwrap_or(&[])).is_some())
    };
    let Some(first) = raw.char_indices().position(|(i, c)| needs(i, c)) else {
        return Ok(Cow::Borrowed(raw));
    };
    let mut out = String::with_capacity(raw.len() + 8);
    for (n, (i, c)) in raw.char_indices().enumerate() {
        if n < first {
            out.push(c);
        } else if let Some(seq) = encode(c) {
            out.push_str(seq);
        } else if c == '\\' && needs(i, c) {
            out.push_str("\\5c");
        } else {
            out.push(c);
        }
    }
    Ok(Cow::Owned(out))
}

/// Unescapes an escaped localpart per XEP-0106, for display or for gateways.
///
/// Only the ten sequences of the table are unescaped; any other backslash (including one
/// at the very end) is kept as it is.
///
/// ```
/// use xmpp_jid::unescape;
/// assert_eq!(unescape("space\\20cadet"), "space cadet");
/// assert_eq!(unescape("\\5c3and\\2is\\5c5cool"), "\\3and\\2is\\5cool");
/// assert_eq!(unescape("trailing\\"), "trailing\\");
/// ```
pub fn unescape(escaped: &str) -> Cow<'_, str> {
    let bytes = escaped.as_bytes();
    let has_escape = bytes
        .iter()
        .enumerate()
        .any(|(i, &b)| b == b'\\' && decode(&bytes[i + 1..]).is_some());
    if !has_escape {
        return Cow::Borrowed(escaped);
    }
    let mut out = String::with_capacity(escaped.len());
    let mut rest = escaped;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match decode(after.as_bytes()) {
            Some(c) => {
                out.push(c);
                // The two bytes are ASCII hex digits, so this is a char boundary.
                rest = &after[2..];
            }
            None => {
                out.push('\\');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn unescape_inverts_escape(raw in "[ \"&'/:<>@\\\\a-c2-5fé]{0,24}") {
            if let Ok(esc) = escape(&raw) {
                prop_assert_eq!(unescape(&esc), raw.as_str());
            }
        }

        #[test]
        fn never_panics(s in "\\PC{0,32}") {
            let _ = escape(&s);
            let _ = unescape(&s);
        }
    }

    #[test]
    fn edges() {
        assert_eq!(unescape("\\"), "\\");
        assert_eq!(unescape("\\2"), "\\2");
        assert_eq!(unescape("\\2é"), "\\2é");
        assert_eq!(unescape("\\5C"), "\\5C");
        assert_eq!(escape("\\").ok().as_deref(), Some("\\"));
        assert_eq!(escape("").ok().as_deref(), Some(""));
        assert!(matches!(escape("a").ok(), Some(Cow::Borrowed("a"))));
    }
}
