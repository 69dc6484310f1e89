//! Human-readable text with an optional language tag.

use alloc::string::String;

use xmpp_xml::{Element, ElementRef};

use crate::util::{clean, el, finish, lang_of, opt_lang};

/// Character data with its `xml:lang`, as in `<body/>`, `<subject/>`, `<status/>` and the
/// `<text/>` of errors ([RFC 6120 §8.1.5](https://www.rfc-editor.org/rfc/rfc6120#section-8.1.5)).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct LangText {
    /// The `xml:lang` of the element, if it has one (otherwise the language of the
    /// enclosing stanza or stream applies).
    pub lang: Option<String>,
    /// The text.
    pub text: String,
}

impl LangText {
    /// Text without a language tag.
    #[must_use]
    pub fn new(text: impl Into<String>) -> Self {
        LangText {
            lang: None,
            text: text.into(),
        }
    }

    /// Text in the language `lang`.
    #[must_use]
    pub fn with_lang(lang: impl Into<String>, text: impl Into<String>) -> Self {
        LangText {
            lang: Some(lang.into()),
            text: text.into(),
        }
    }

    pub(crate) fn parse(e: ElementRef<'_>) -> Self {
        LangText {
            lang: lang_of(e),
            text: e.text().into_owned(),
        }
    }

    pub(crate) fn to_element_in(&self, ns: &str, name: &'static str) -> Element {
        let b = opt_lang(el(ns, name), self.lang.as_deref());
        let b = if self.text.is_empty() {
            b
        } else {
            b.text(clean(&self.text))
        };
        finish(b, ns, name)
    }
}
