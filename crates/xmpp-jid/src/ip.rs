//! IP address literals in the domainpart.
//!
//! [RFC 7622 §3.2](https://www.rfc-editor.org/rfc/rfc7622#section-3.2) allows an
//! `IPv4address` or an `IP-literal` as defined in
//! [RFC 3986 §3.2.2](https://www.rfc-editor.org/rfc/rfc3986#section-3.2.2).
//!
//! RFC 7622 compares domainparts octet by octet and says nothing more about IP
//! literals, so two spellings of one IPv6 address (`[2001:DB8:0::1]`,
//! `[2001:db8::1]`) would be different JIDs. We normalise IPv6 literals to the
//! canonical text form of [RFC 5952 §4](https://www.rfc-editor.org/rfc/rfc5952#section-4)
//! (lower-case hex, no leading zeros, longest run of two or more zero groups as `::`,
//! mixed notation for IPv4-mapped addresses per
//! [§5](https://www.rfc-editor.org/rfc/rfc5952#section-5)), so that they compare equal.
//! IPv4 literals have a single spelling (no leading zeros), so they stay as written.
//! Zone identifiers and `IPvFuture` literals are rejected.

use core::fmt::{self, Write};

use crate::error::IpError;

/// A small stack buffer holding the canonical text of an IP literal.
pub(crate) struct IpText {
    buf: [u8; 64],
    len: usize,
}

impl IpText {
    const fn new() -> Self {
        IpText {
            buf: [0; 64],
            len: 0,
        }
    }

    /// The text (always ASCII).
    pub(crate) fn as_str(&self) -> &str {
        // Only ASCII is ever written; fall back to "" rather than panic.
        core::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

impl Write for IpText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let dst = self.buf.get_mut(self.len..end).ok_or(fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Does `s` consist only of ASCII digits and dots, with at least one dot? Such a
/// domainpart is taken to be meant as an IPv4 literal
/// ([RFC 1123 §2.1](https://www.rfc-editor.org/rfc/rfc1123#section-2.1)).
pub(crate) fn looks_like_ipv4(s: &[u8]) -> bool {
    s.contains(&b'.') && s.iter().all(|&b| b.is_ascii_digit() || b == b'.')
}

/// Parses an RFC 3986 `dec-octet`: `0`-`255` without leading zeros.
fn dec_octet(s: &[u8]) -> Option<u8> {
    match s {
        [] => None,
        [b'0', _, ..] => None,
        _ if s.len() > 3 => None,
        _ => {
            let mut v: u16 = 0;
            for &b in s {
                if !b.is_ascii_digit() {
                    return None;
                }
                v = v * 10 + u16::from(b - b'0');
            }
            u8::try_from(v).ok()
        }
    }
}

/// Parses an RFC 3986 `IPv4address`.
pub(crate) fn parse_ipv4(s: &[u8]) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut it = s.split(|&b| b == b'.');
    for slot in &mut out {
        *slot = dec_octet(it.next()?)?;
    }
    if it.next().is_some() {
        return None;
    }
    Some(out)
}

/// Checks an IPv4 literal; it is already in normal form when valid.
pub(crate) fn check_ipv4(s: &[u8]) -> Result<(), IpError> {
    parse_ipv4(s).map(|_| ()).ok_or(IpError::Ipv4)
}

/// Parses an RFC 3986 `h16`: one to four hex digits.
fn h16(s: &[u8]) -> Option<u16> {
    if s.is_empty() || s.len() > 4 {
        return None;
    }
    let mut v: u16 = 0;
    for &b in s {
        let d = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => return None,
        };
        v = (v << 4) | u16::from(d);
    }
    Some(v)
}

/// Parses the groups of one side of `::` into `out`, returning how many 16-bit groups
/// were written. An embedded IPv4 address is allowed only as the very last piece
/// (`allow_v4`).
fn groups(s: &[u8], out: &mut [u16; 8], allow_v4: bool) -> Option<usize> {
    if s.is_empty() {
        return Some(0);
    }
    let mut n = 0;
    let mut pieces = s.split(|&b| b == b':').peekable();
    while let Some(piece) = pieces.next() {
        let last = pieces.peek().is_none();
        if last && allow_v4 && piece.contains(&b'.') {
            let v4 = parse_ipv4(piece)?;
            if n + 2 > 8 {
                return None;
            }
            out[n] = u16::from_be_bytes([v4[0], v4[1]]);
            out[n + 1] = u16::from_be_bytes([v4[2], v4[3]]);
            n += 2;
        } else {
            if n >= 8 {
                return None;
            }
            out[n] = h16(piece)?;
            n += 1;
        }
    }
    Some(n)
}

/// Parses an RFC 3986 `IPv6address` (without brackets).
pub(crate) fn parse_ipv6(s: &[u8]) -> Option<[u16; 8]> {
    let dc = s.windows(2).position(|w| w == b"::");
    let mut out = [0u16; 8];
    match dc {
        None => {
            if groups(s, &mut out, true)? != 8 {
                return None;
            }
        }
        Some(i) => {
            let (head, tail) = (&s[..i], &s[i + 2..]);
            if tail.windows(2).any(|w| w == b"::") {
                return None;
            }
            let mut h = [0u16; 8];
            let mut t = [0u16; 8];
            let nh = groups(head, &mut h, false)?;
            let nt = groups(tail, &mut t, true)?;
            // `::` stands for at least one group of zeros.
            if nh + nt > 7 {
                return None;
            }
            out[..nh].copy_from_slice(&h[..nh]);
            out[8 - nt..].copy_from_slice(&t[..nt]);
        }
    }
    Some(out)
}

/// Writes `[addr]` in RFC 5952 canonical form.
fn write_ipv6(addr: &[u16; 8], w: &mut impl Write) -> fmt::Result {
    w.write_char('[')?;
    // IPv4-mapped addresses (::ffff:0:0/96) use mixed notation, RFC 5952 §5.
    if addr[..5] == [0; 5] && addr[5] == 0xffff {
        let [a, b] = addr[6].to_be_bytes();
        let [c, d] = addr[7].to_be_bytes();
        write!(w, "::ffff:{a}.{b}.{c}.{d}")?;
        return w.write_char(']');
    }
    // Longest run of at least two zero groups; the first one on a tie (RFC 5952 §4.2.3).
    let (mut best_at, mut best_len) = (8, 0);
    let mut i = 0;
    while i < 8 {
        if addr[i] == 0 {
            let start = i;
            while i < 8 && addr[i] == 0 {
                i += 1;
            }
            if i - start > best_len {
                best_at = start;
                best_len = i - start;
            }
        } else {
            i += 1;
        }
    }
    if best_len < 2 {
        best_at = 8;
    }
    let mut i = 0;
    while i < 8 {
        if i == best_at {
            w.write_str("::")?;
            i += best_len;
            continue;
        }
        if i != 0 && i != best_at + best_len {
            w.write_char(':')?;
        }
        write!(w, "{:x}", addr[i])?;
        i += 1;
    }
    w.write_char(']')
}

/// Parses a bracketed IP literal (`[...]`) and returns its canonical text.
pub(crate) fn canonical_ip_literal(s: &[u8]) -> Result<IpText, IpError> {
    let inner = s
        .strip_prefix(b"[")
        .and_then(|r| r.strip_suffix(b"]"))
        .ok_or(IpError::Ipv6)?;
    if matches!(inner.first(), Some(b'v' | b'V')) {
        return Err(IpError::IpvFuture);
    }
    let addr = parse_ipv6(inner).ok_or(IpError::Ipv6)?;
    let mut text = IpText::new();
    write_ipv6(&addr, &mut text).map_err(|_| IpError::Ipv6)?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> Result<alloc::string::String, IpError> {
        canonical_ip_literal(s.as_bytes()).map(|t| t.as_str().into())
    }

    #[test]
    fn ipv4() {
        assert!(check_ipv4(b"192.0.2.1").is_ok());
        assert!(check_ipv4(b"0.0.0.0").is_ok());
        assert!(check_ipv4(b"255.255.255.255").is_ok());
        for bad in [
            "256.0.0.1",
            "01.2.3.4",
            "1.2.3",
            "1.2.3.4.5",
            "1..2.3",
            "1.2.3.4.",
            "",
        ] {
            assert_eq!(check_ipv4(bad.as_bytes()), Err(IpError::Ipv4), "{bad}");
        }
        assert!(looks_like_ipv4(b"1.2"));
        assert!(!looks_like_ipv4(b"123"));
        assert!(!looks_like_ipv4(b"1a.2"));
    }

    #[test]
    fn ipv6_canonical() {
        let cases = [
            ("[2001:db8::1]", "[2001:db8::1]"),
            ("[2001:DB8:0:0:0:0:0:1]", "[2001:db8::1]"),
            ("[2001:0db8:0000::0001]", "[2001:db8::1]"),
            ("[::]", "[::]"),
            ("[::1]", "[::1]"),
            ("[1::]", "[1::]"),
            ("[1:0:0:2:0:0:0:3]", "[1:0:0:2::3]"),
            ("[1:0:0:2:0:0:3:4]", "[1::2:0:0:3:4]"),
            ("[2001:db8:0:1:1:1:1:1]", "[2001:db8:0:1:1:1:1:1]"),
            ("[::ffff:192.0.2.1]", "[::ffff:192.0.2.1]"),
            ("[::FFFF:c000:0201]", "[::ffff:192.0.2.1]"),
            ("[::192.0.2.1]", "[::c000:201]"),
            ("[1:2:3:4:5:6:7::]", "[1:2:3:4:5:6:7:0]"),
            ("[1:2:3:4:5:6:1.2.3.4]", "[1:2:3:4:5:6:102:304]"),
        ];
        for (input, want) in cases {
            assert_eq!(canon(input).as_deref(), Ok(want), "{input}");
        }
    }

    #[test]
    fn ipv6_bad() {
        for bad in [
            "[]",
            "[:]",
            "[:::]",
            "[1::2::3]",
            "[1:2:3:4:5:6:7:8:9]",
            "[1:2:3:4:5:6:7]",
            "[12345::]",
            "[::g]",
            "[1:2:3:4:5:6:7:8::]",
            "[::1.2.3.4:5]",
            "[fe80::1%25eth0]",
            "[::1",
            "::1]",
            "[1.2.3.4]",
            "[::1.2.3]",
            "[1:2:3:4:5:6:7:1.2.3.4]",
        ] {
            assert_eq!(canon(bad), Err(IpError::Ipv6), "{bad}");
        }
        assert_eq!(canon("[v1.fe80]"), Err(IpError::IpvFuture));
    }
}
