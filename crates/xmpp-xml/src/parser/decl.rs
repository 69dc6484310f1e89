//! The XML declaration, allowed only at the very start of a stream
//! ([RFC 6120 §11.5](https://www.rfc-editor.org/rfc/rfc6120#section-11.5)).

use super::Parser;
use crate::error::{Condition, Error};

use Condition::{NotWellFormed, UnsupportedEncoding};

/// Longest XML declaration body we accept (`<?xml` and `?>` excluded).
pub(super) const MAX_DECL: usize = 128;
/// Parses the body of `<?xml ... ?>` (after `xml` and one whitespace character):
/// `version` must be 1.0, `encoding` (optional) UTF-8, `standalone` (optional) yes or no
/// ([RFC 6120 §11.5](https://www.rfc-editor.org/rfc/rfc6120#section-11.5),
/// [§11.6](https://www.rfc-editor.org/rfc/rfc6120#section-11.6)).
fn parse_decl(body: &str) -> Result<(), (Condition, &'static str)> {
    const BAD: (Condition, &str) = (NotWellFormed, "malformed XML declaration");
    let mut rest = body.trim_start_matches([' ', '\t', '\n', '\r']);
    let mut seen = 0;
    let mut first = true;
    while !rest.is_empty() {
        if !first {
            // Each pseudo-attribute is preceded by whitespace.
            let t = rest.trim_start_matches([' ', '\t', '\n', '\r']);
            if t.len() == rest.len() {
                return Err(BAD);
            }
            rest = t;
            if rest.is_empty() {
                break;
            }
        }
        first = false;
        let name_end = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let (name, r) = rest.split_at(name_end);
        let r = r.trim_start_matches([' ', '\t', '\n', '\r']);
        let r = r.strip_prefix('=').ok_or(BAD)?;
        let r = r.trim_start_matches([' ', '\t', '\n', '\r']);
        let q = r
            .chars()
            .next()
            .filter(|c| *c == '"' || *c == '\'')
            .ok_or(BAD)?;
        let r = &r[1..];
        let end = r.find(q).ok_or(BAD)?;
        let value = &r[..end];
        rest = &r[end + 1..];
        let order = match name {
            "version" => 1,
            "encoding" => 2,
            "standalone" => 3,
            _ => return Err(BAD),
        };
        if order <= seen || (seen == 0 && order != 1) {
            return Err(BAD);
        }
        seen = order;
        match order {
            1 if value != "1.0" => return Err((NotWellFormed, "XML version other than 1.0")),
            2 => {
                let valid = value.starts_with(|c: char| c.is_ascii_alphabetic())
                    && value
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
                if !valid {
                    return Err(BAD);
                }
                if !value.eq_ignore_ascii_case("UTF-8") {
                    return Err((UnsupportedEncoding, "declared encoding is not UTF-8"));
                }
            }
            3 if value != "yes" && value != "no" => return Err(BAD),
            _ => {}
        }
    }
    if seen == 0 {
        return Err(BAD);
    }
    Ok(())
}

impl Parser {
    pub(super) fn xml_decl(&mut self) -> Result<(), Error> {
        match parse_decl(&self.decl) {
            Ok(()) => Ok(()),
            Err((cond, r)) => Err(self.e(cond, r)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decl() {
        assert!(parse_decl("version='1.0'").is_ok());
        assert!(parse_decl("version=\"1.0\" encoding='utf-8' standalone='yes' ").is_ok());
        assert_eq!(
            parse_decl("version='1.0' encoding='ISO-8859-1'")
                .unwrap_err()
                .0,
            UnsupportedEncoding
        );
        assert_eq!(parse_decl("version='1.1'").unwrap_err().0, NotWellFormed);
        assert!(parse_decl("encoding='UTF-8'").is_err());
        assert!(parse_decl("version='1.0'encoding='UTF-8'").is_err());
        assert!(parse_decl("version='1.0' standalone='yes' encoding='UTF-8'").is_err());
        assert!(parse_decl("").is_err());
        assert!(parse_decl("version='1.0' foo='x'").is_err());
    }
}
