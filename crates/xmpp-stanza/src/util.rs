//! Private helpers shared by the typed parsers and serialisers.

use alloc::borrow::Cow;
use alloc::string::String;

use xmpp_jid::Jid;
use xmpp_xml::{Builder, Element, ElementRef, NodeRef};

use crate::error::ParseError;
use crate::ns::XML_NS;

/// Whether `c` is an XML 1.0 `Char`.
#[inline]
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `s` with every character XML cannot carry replaced by U+FFFD, so that building an
/// element from caller-supplied strings never fails.
#[inline]
pub(crate) fn clean(s: &str) -> Cow<'_, str> {
    if s.chars().all(is_xml_char) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(
            s.chars()
                .map(|c| if is_xml_char(c) { c } else { '\u{FFFD}' })
                .collect(),
        )
    }
}

/// Builds `b`; names and namespaces are this crate's constants and every string went
/// through [`clean`], so this only fails for a tree over 4 GiB, which then degrades to
/// the empty `{ns}name` element.
pub(crate) fn finish(b: Builder, ns: &str, name: &str) -> Element {
    b.build().unwrap_or_else(|_| {
        Element::builder(ns, name)
            .build()
            .or_else(|_| Element::builder("", "x").build())
            .expect("an empty element with a constant name always builds")
    })
}

/// Starts `{ns}name`.
#[inline]
pub(crate) fn el(ns: &str, name: &'static str) -> Builder {
    Element::builder(ns, name)
}

/// Adds the unprefixed attribute `name` when `value` is present.
#[inline]
pub(crate) fn opt_attr(b: Builder, name: &'static str, value: Option<&str>) -> Builder {
    match value {
        Some(v) => b.attr(name, clean(v)),
        None => b,
    }
}

/// Adds `xml:lang` when present.
#[inline]
pub(crate) fn opt_lang(b: Builder, lang: Option<&str>) -> Builder {
    match lang {
        Some(v) => b.attr_ns(XML_NS, "lang", clean(v)),
        None => b,
    }
}

/// Adds a JID attribute when present.
#[inline]
pub(crate) fn opt_jid(b: Builder, name: &'static str, jid: Option<&Jid>) -> Builder {
    opt_attr(b, name, jid.map(Jid::as_str))
}

/// Appends text (cleaned) when not empty.
#[inline]
pub(crate) fn text(b: Builder, t: &str) -> Builder {
    if t.is_empty() { b } else { b.text(clean(t)) }
}

/// The `xml:lang` attribute.
#[inline]
pub(crate) fn lang_of(e: ElementRef<'_>) -> Option<String> {
    e.attr_ns(XML_NS, "lang").map(String::from)
}

/// An optional JID attribute.
pub(crate) fn jid_attr(
    e: ElementRef<'_>,
    element: &'static str,
    attribute: &'static str,
) -> Result<Option<Jid>, ParseError> {
    match e.attr(attribute) {
        None => Ok(None),
        Some(v) => Jid::new(v)
            .map(Some)
            .map_err(|error| ParseError::InvalidJid {
                element,
                attribute,
                error,
            }),
    }
}

/// The child elements of `e` (text between them is ignored).
#[inline]
pub(crate) fn child_elements<'a>(e: ElementRef<'a>) -> impl Iterator<Item = ElementRef<'a>> {
    e.nodes().filter_map(|n| match n {
        NodeRef::Element(c) => Some(c),
        NodeRef::Text(_) => None,
    })
}

/// Checks the element is `{ns}name`.
#[inline]
pub(crate) fn expect(
    e: ElementRef<'_>,
    ns: &str,
    name: &str,
    expected: &'static str,
) -> Result<(), ParseError> {
    if e.is(ns, name) {
        Ok(())
    } else {
        Err(ParseError::wrong(expected, e))
    }
}

/// Implements `TryFrom<Element>`, `TryFrom<&Element>`, `TryFrom<ElementRef>`,
/// `From<T> for Element` and `From<&T> for Element` from `T::parse` and `T::to_element`.
macro_rules! element_conversions {
    ($t:ty) => {
        impl TryFrom<&xmpp_xml::Element> for $t {
            type Error = $crate::ParseError;
            fn try_from(e: &xmpp_xml::Element) -> Result<Self, $crate::ParseError> {
                <$t>::parse(e.as_ref())
            }
        }
        impl TryFrom<xmpp_xml::Element> for $t {
            type Error = $crate::ParseError;
            fn try_from(e: xmpp_xml::Element) -> Result<Self, $crate::ParseError> {
                <$t>::parse(e.as_ref())
            }
        }
        impl<'a> TryFrom<xmpp_xml::ElementRef<'a>> for $t {
            type Error = $crate::ParseError;
            fn try_from(e: xmpp_xml::ElementRef<'a>) -> Result<Self, $crate::ParseError> {
                <$t>::parse(e)
            }
        }
        impl From<&$t> for xmpp_xml::Element {
            fn from(v: &$t) -> xmpp_xml::Element {
                v.to_element()
            }
        }
        impl From<$t> for xmpp_xml::Element {
            fn from(v: $t) -> xmpp_xml::Element {
                v.to_element()
            }
        }
    };
}
pub(crate) use element_conversions;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_replaces_non_chars() {
        assert!(matches!(clean("abc\t"), Cow::Borrowed(_)));
        assert_eq!(clean("a\u{0}b\u{FFFE}"), "a\u{FFFD}b\u{FFFD}");
    }
}
