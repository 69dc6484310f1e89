//! Parsing: the fast path, the full path, and the public part preparation functions.

use alloc::borrow::Cow;
use alloc::string::String;

use crate::ascii::{self, LOCAL, Layout, RESOURCE};
use crate::domain;
use crate::error::{Error, Part};
use crate::prep;
use crate::split::split;

/// Builds a layout from the domain offsets of a normalised string.
fn layout(domain_start: usize, domain_end: usize) -> Result<Layout, Error> {
    // Each part is at most 1023 octets, so the offsets fit in u16; be safe anyway.
    let fit = |n: usize| {
        u16::try_from(n).map_err(|_| Error::TooLong {
            part: Part::Jid,
            len: n,
        })
    };
    Ok(Layout {
        domain_start: fit(domain_start)?,
        domain_end: fit(domain_end)?,
    })
}

/// Parses and normalises a JID string, reusing `input`'s buffer when the fast path
/// takes it (no allocation at all).
pub(crate) fn parse_string(mut input: String) -> Result<(String, Layout), Error> {
    if let Some(fast) = ascii::scan(&input) {
        let layout = fast.normalise(&mut input);
        return Ok((input, layout));
    }
    parse_full(&input)
}

/// The full path: split, then prepare each part into one output buffer.
pub(crate) fn parse_full(input: &str) -> Result<(String, Layout), Error> {
    let sp = split(input);
    let mut out = String::with_capacity(input.len());
    if let Some((local, offset)) = sp.local {
        prep::localpart_into(local, &mut out).map_err(|e| e.shifted(offset))?;
        out.push('@');
    }
    let domain_start = out.len();
    let (domain, offset) = sp.domain;
    domain::prepare_into(domain, &mut out).map_err(|e| e.shifted(offset))?;
    let domain_end = out.len();
    if let Some((res, offset)) = sp.resource {
        out.push('/');
        prep::resourcepart_into(res, &mut out).map_err(|e| e.shifted(offset))?;
    }
    Ok((out, layout(domain_start, domain_end)?))
}

/// Builds a normalised JID from separate parts.
pub(crate) fn from_parts(
    local: Option<&str>,
    domain: &str,
    resource: Option<&str>,
) -> Result<(String, Layout), Error> {
    let cap = local.map_or(0, |l| l.len() + 1) + domain.len() + resource.map_or(0, |r| r.len() + 1);
    let mut out = String::with_capacity(cap);
    if let Some(local) = local {
        prep::localpart_into(local, &mut out)?;
        out.push('@');
    }
    let domain_start = out.len();
    domain::prepare_into(domain, &mut out)?;
    let domain_end = out.len();
    if let Some(res) = resource {
        out.push('/');
        prep::resourcepart_into(res, &mut out)?;
    }
    Ok((out, layout(domain_start, domain_end)?))
}

/// Turns a prepared part into a `Cow`, borrowing when nothing changed.
fn cow<'a>(input: &'a str, out: String) -> Cow<'a, str> {
    if out == input {
        Cow::Borrowed(input)
    } else {
        Cow::Owned(out)
    }
}

/// Prepares a localpart on its own: `UsernameCaseMapped`
/// ([RFC 8265 §3.3](https://www.rfc-editor.org/rfc/rfc8265#section-3.3)) plus the
/// exclusions of [RFC 7622 §3.3.1](https://www.rfc-editor.org/rfc/rfc7622#section-3.3.1),
/// 1 to 1023 octets. Borrows when the input is already prepared.
///
/// # Errors
///
/// The [`Error`] says why; its part is [`Part::Localpart`].
///
/// ```
/// assert_eq!(xmpp_jid::prepare_localpart("Juliet").unwrap(), "juliet");
/// assert!(xmpp_jid::prepare_localpart("jul:iet").is_err());
/// ```
pub fn prepare_localpart(input: &str) -> Result<Cow<'_, str>, Error> {
    if !input.is_empty() && input.len() <= 1023 && ascii::all_in(input.as_bytes(), LOCAL) {
        return Ok(Cow::Borrowed(input));
    }
    let mut out = String::new();
    prep::localpart_into(input, &mut out)?;
    Ok(cow(input, out))
}

/// Prepares a domainpart on its own ([RFC 7622 §3.2](https://www.rfc-editor.org/rfc/rfc7622#section-3.2)):
/// IP literal, or DNS name through UTS #46 and IDNA2008, stored as U-labels without a
/// final dot. Borrows when the input is already prepared.
///
/// # Errors
///
/// The [`Error`] says why; its part is [`Part::Domainpart`].
///
/// ```
/// assert_eq!(xmpp_jid::prepare_domainpart("EXAMPLE.com.").unwrap(), "example.com");
/// assert_eq!(xmpp_jid::prepare_domainpart("xn--bcher-kva.example").unwrap(), "bücher.example");
/// ```
pub fn prepare_domainpart(input: &str) -> Result<Cow<'_, str>, Error> {
    if ascii::domain_is_normal(input) {
        return Ok(Cow::Borrowed(input));
    }
    let mut out = String::new();
    domain::prepare_into(input, &mut out)?;
    Ok(cow(input, out))
}

/// Prepares a resourcepart on its own: `OpaqueString`
/// ([RFC 8265 §4.2](https://www.rfc-editor.org/rfc/rfc8265#section-4.2)), 1 to 1023
/// octets. Borrows when the input is already prepared.
///
/// # Errors
///
/// The [`Error`] says why; its part is [`Part::Resourcepart`].
///
/// ```
/// assert_eq!(xmpp_jid::prepare_resourcepart("Balcony / 2").unwrap(), "Balcony / 2");
/// assert!(xmpp_jid::prepare_resourcepart("").is_err());
/// ```
pub fn prepare_resourcepart(input: &str) -> Result<Cow<'_, str>, Error> {
    if !input.is_empty() && input.len() <= 1023 && ascii::all_in(input.as_bytes(), RESOURCE) {
        return Ok(Cow::Borrowed(input));
    }
    let mut out = String::new();
    prep::resourcepart_into(input, &mut out)?;
    Ok(cow(input, out))
}
