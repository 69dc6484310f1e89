//! Localpart and resourcepart preparation with the PRECIS profiles.
//!
//! - localpart: `UsernameCaseMapped` ([RFC 8265 §3.3](https://www.rfc-editor.org/rfc/rfc8265#section-3.3))
//!   plus the characters that [RFC 7622 §3.3.1](https://www.rfc-editor.org/rfc/rfc7622#section-3.3.1)
//!   excludes: `" & ' / : < > @`;
//! - resourcepart: `OpaqueString` ([RFC 8265 §4.2](https://www.rfc-editor.org/rfc/rfc8265#section-4.2)),
//!   [RFC 7622 §3.4.1](https://www.rfc-editor.org/rfc/rfc7622#section-3.4.1).
//!
//! Both are at most 1023 octets after preparation
//! ([RFC 7622 §3.1](https://www.rfc-editor.org/rfc/rfc7622#section-3.1)).
//! ASCII input takes a byte-class path that gives the same result without the profile.

use alloc::string::String;

pub(crate) use xmpp_precis::Profile;

use crate::ascii::{self, LOCAL, RESOURCE, UPPER};
use crate::domain::MAX_PART;
use crate::error::{Error, Part};

/// Is `c` one of the characters RFC 7622 §3.3.1 excludes from localparts?
fn is_excluded(c: char) -> bool {
    c.is_ascii() && ascii::is_excluded_ascii(c as u8)
}

/// Byte offset in `input` of the code point that became the excluded `ch`: `ch`
/// itself or its full-width form (width mapping, RFC 8265 §3.3.1).
fn locate(input: &str, ch: char) -> usize {
    let wide = char::from_u32(u32::from(ch) + 0xFEE0);
    input
        .char_indices()
        .find(|&(_, c)| c == ch || Some(c) == wide)
        .map_or(0, |(i, _)| i)
}

fn too_long(part: Part, len: usize) -> Result<(), Error> {
    if len > MAX_PART {
        Err(Error::TooLong { part, len })
    } else {
        Ok(())
    }
}

/// Prepares a localpart and appends it to `out`. Positions are relative to `input`.
pub(crate) fn localpart_into(input: &str, out: &mut String) -> Result<(), Error> {
    if input.is_empty() {
        return Err(Error::Empty(Part::Localpart));
    }
    if ascii::all_in(input.as_bytes(), LOCAL | UPPER) {
        too_long(Part::Localpart, input.len())?;
        let start = out.len();
        out.push_str(input);
        if let Some(added) = out.get_mut(start..) {
            added.make_ascii_lowercase();
        }
        return Ok(());
    }
    let prepared = Profile::UsernameCaseMapped
        .enforce(input)
        .map_err(|error| Error::Precis {
            part: Part::Localpart,
            offset: 0,
            error,
        })?;
    if let Some(ch) = prepared.chars().find(|&c| is_excluded(c)) {
        return Err(Error::Disallowed {
            part: Part::Localpart,
            position: locate(input, ch),
            ch,
        });
    }
    too_long(Part::Localpart, prepared.len())?;
    out.push_str(&prepared);
    Ok(())
}

/// Prepares a resourcepart and appends it to `out`. Positions are relative to `input`.
pub(crate) fn resourcepart_into(input: &str, out: &mut String) -> Result<(), Error> {
    if input.is_empty() {
        return Err(Error::Empty(Part::Resourcepart));
    }
    if ascii::all_in(input.as_bytes(), RESOURCE) {
        too_long(Part::Resourcepart, input.len())?;
        out.push_str(input);
        return Ok(());
    }
    let prepared = Profile::OpaqueString
        .enforce(input)
        .map_err(|error| Error::Precis {
            part: Part::Resourcepart,
            offset: 0,
            error,
        })?;
    too_long(Part::Resourcepart, prepared.len())?;
    out.push_str(&prepared);
    Ok(())
}
