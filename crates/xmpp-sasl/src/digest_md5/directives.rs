//! The DIGEST-MD5 directive list
//! ([RFC 2831 §7.1](https://www.rfc-editor.org/rfc/rfc2831#section-7.1),
//! [§2.1](https://www.rfc-editor.org/rfc/rfc2831#section-2.1)):
//! `1#( token "=" ( token | quoted-string ) )`, with linear white space around elements,
//! empty list elements allowed, and `\` escapes inside quoted strings.

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{Error, Reason};
use crate::mechanism::Limits;

/// One directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Directive {
    pub name: String,
    pub value: String,
}

fn is_lws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// `token` characters: any CHAR except CTLs and separators (RFC 2616 §2.2).
fn is_token_char(b: u8) -> bool {
    b > 0x20 && b < 0x7f && !b"()<>@,;:\\\"/[]?={}".contains(&b)
}

/// Parses a directive list.
pub(crate) fn parse(input: &[u8], limits: &Limits) -> Result<Vec<Directive>, Error> {
    limits.check_len(input)?;
    let s = core::str::from_utf8(input).map_err(|_| Error::malformed(Reason::Utf8))?;
    let b = s.as_bytes();
    let mut i = 0;
    let mut out: Vec<Directive> = Vec::new();
    loop {
        while i < b.len() && (is_lws(b[i]) || b[i] == b',') {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let start = i;
        while i < b.len() && is_token_char(b[i]) {
            i += 1;
        }
        if i == start {
            return Err(Error::syntax("directive name"));
        }
        let name = s[start..i].to_ascii_lowercase();
        while i < b.len() && is_lws(b[i]) {
            i += 1;
        }
        if i >= b.len() || b[i] != b'=' {
            return Err(Error::syntax("directive '='"));
        }
        i += 1;
        while i < b.len() && is_lws(b[i]) {
            i += 1;
        }
        let value = if i < b.len() && b[i] == b'"' {
            i += 1;
            let mut v = String::new();
            let mut seg = i;
            loop {
                match b.get(i) {
                    None => return Err(Error::syntax("unterminated quoted string")),
                    Some(b'"') => {
                        v.push_str(&s[seg..i]);
                        i += 1;
                        break;
                    }
                    Some(b'\\') => {
                        v.push_str(&s[seg..i]);
                        i += 1;
                        // quoted-pair = "\" CHAR (US-ASCII); take the next character.
                        let c = s[i..]
                            .chars()
                            .next()
                            .ok_or(Error::syntax("dangling escape"))?;
                        v.push(c);
                        i += c.len_utf8();
                        seg = i;
                    }
                    Some(_) => i += 1,
                }
            }
            v
        } else {
            let vs = i;
            while i < b.len() && is_token_char(b[i]) {
                i += 1;
            }
            if i == vs {
                return Err(Error::syntax("directive value"));
            }
            String::from(&s[vs..i])
        };
        if out.len() >= limits.max_attributes {
            return Err(Error::malformed(Reason::TooManyAttributes));
        }
        out.push(Directive { name, value });
        while i < b.len() && is_lws(b[i]) {
            i += 1;
        }
        if i < b.len() && b[i] != b',' {
            return Err(Error::syntax("directive separator"));
        }
    }
    Ok(out)
}

/// The single value of `name`; `Duplicate` if it appears twice.
pub(crate) fn single<'a>(
    ds: &'a [Directive],
    name: &'static str,
) -> Result<Option<&'a str>, Error> {
    let mut it = ds.iter().filter(|d| d.name == name);
    let first = it.next().map(|d| d.value.as_str());
    if it.next().is_some() {
        return Err(Error::malformed(Reason::Duplicate(name)));
    }
    Ok(first)
}

/// Appends `value` as a quoted string.
pub(crate) fn push_quoted(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_quoted_and_tokens() {
        let l = Limits::default();
        let d = parse(br#" realm="a\"b\\c", ,nonce="x",qop="auth,auth-int" , algorithm=md5-sess,charset=utf-8"#, &l)
            .unwrap();
        assert_eq!(d.len(), 5);
        assert_eq!(d[0].value, "a\"b\\c");
        assert_eq!(d[2].value, "auth,auth-int");
        assert_eq!(d[3].value, "md5-sess");
        let mut s = String::new();
        push_quoted(&mut s, "a\"b\\c");
        assert_eq!(s, r#""a\"b\\c""#);
    }

    #[test]
    fn rejects_garbage() {
        let l = Limits::default();
        for bad in [
            &b"realm"[..],
            b"realm=",
            b"realm=\"x",
            b"a=b c=d",
            b"=x",
            b"a=\"\\",
        ] {
            assert!(parse(bad, &l).is_err(), "{bad:?}");
        }
        let many = "a=b,".repeat(40);
        assert!(parse(many.as_bytes(), &l).is_err());
    }

    #[test]
    fn duplicates() {
        let l = Limits::default();
        let d = parse(b"nonce=a,nonce=b", &l).unwrap();
        assert!(single(&d, "nonce").is_err());
    }
}
